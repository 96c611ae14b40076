"""HTTP client for the retailer's portal and its Event Detail Reports (EDR), on httpx.

Sign-in is per person and needs a one-time SMS code:
1. `POST {login}/api/login` (username, password) → MFA required;
2. `POST {login}/api/mfa/sendCode` (SMS to the account's credential id);
3. `POST {login}/api/mfa/validateCode` (the code) → 200 when right, a 4xx when wrong;
4. `GET {portal}/EventManagement/api/authenticate` → an `auth-token` cookie whose
   URL-encoded JSON holds the bearer token for every later call.

Reads: one bulk `browse-data` per store and date range, and one `edrReport` per event.

- A timeout on every call; reads and the sign-in steps are retried on 429/5xx, timeouts
  and failed connections with backoff and jitter, honouring `Retry-After`
  (core/http.py). The code check is sent once: a retry could burn the code.
- An expired session (401/403, or a redirect to the login page) raises
  `PortalSignInRequired`: only the manager can get a new SMS code.
- The portal session (cookies + token) is handed back as a `PortalState`, which the
  caller stores encrypted per user (paperwork/services.py). Credentials, codes, cookies
  and tokens are never logged: log lines carry the method, path and status only.

Every other failure is a core.exceptions.ExternalAPIError (a 502 problem).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from core.exceptions import ConflictError, ExternalAPIError, InvalidInputError
from core.features import require
from core.http import RetryPolicy, send_with_retry

logger = logging.getLogger(__name__)

SERVICE = "retailer portal"
LOGIN_PATH = "/api/login"
SEND_CODE_PATH = "/api/mfa/sendCode"
VALIDATE_CODE_PATH = "/api/mfa/validateCode"
AUTHENTICATE_PATH = "/EventManagement/api/authenticate"
BROWSE_PATH = "/EventManagement/api/browse-event/browse-data"
REPORT_PATH = "/EventManagement/api/edrReport"
TOKEN_COOKIE = "auth-token"  # noqa: S105 (a cookie name)
EXPIRED_STATUSES = frozenset({401, 403})


class PortalSignInRequired(ConflictError):
    """The user has no portal session, or the portal ended it: a new SMS code is needed."""

    code = "edr_sign_in_required"
    title = "Portal sign-in required"
    default_detail = "Sign in to the retailer portal (a code is sent by SMS) and try again."


class PortalCodeRefused(InvalidInputError):
    code = "edr_code_refused"
    title = "Code refused"
    default_detail = "The portal refused that code. Check the SMS and try again."


@dataclass(frozen=True)
class PortalConfig:
    login_url: str
    portal_url: str
    username: str
    password: str = field(repr=False)
    credential_id: str = field(repr=False)


def config_from_settings() -> PortalConfig:
    """The `edr` feature's settings; raises feature-disabled / configuration_error first."""
    require("edr")
    return PortalConfig(
        login_url=settings.EDR_LOGIN_URL.rstrip("/"),
        portal_url=settings.EDR_PORTAL_URL.rstrip("/"),
        username=settings.EDR_USERNAME,
        password=settings.EDR_PASSWORD,
        credential_id=settings.EDR_MFA_CREDENTIAL_ID,
    )


@dataclass
class PortalState:
    """One user's portal session: what is stored (encrypted) between requests."""

    cookies: list[dict[str, str]] = field(default_factory=list, repr=False)
    token: str = field(default="", repr=False)
    expires_at: dt.datetime | None = None

    @property
    def signed_in(self) -> bool:
        return bool(self.token)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cookies": self.cookies,
            "token": self.token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PortalState:
        expires = data.get("expires_at")
        return cls(
            cookies=list(data.get("cookies") or []),
            token=str(data.get("token") or ""),
            expires_at=dt.datetime.fromisoformat(expires) if expires else None,
        )


class PortalClient:
    def __init__(
        self,
        config: PortalConfig,
        *,
        state: PortalState | None = None,
        timeout: float = 20.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.retry = retry or RetryPolicy()
        self._token = state.token if state else ""
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            headers={"Accept": "application/json"},
        )
        for cookie in state.cookies if state else []:
            self._http.cookies.set(
                cookie["name"], cookie["value"], domain=cookie.get("domain", ""),
                path=cookie.get("path", "/"),
            )  # fmt: skip
        self._expires_at = state.expires_at if state else None

    @classmethod
    def from_settings(cls, *, state: PortalState | None = None, **kwargs: Any) -> PortalClient:
        kwargs.setdefault(
            "retry",
            RetryPolicy(
                attempts=max(1, int(settings.EDR_RETRY_ATTEMPTS)),
                base=float(settings.EDR_RETRY_BASE_SECONDS),
            ),
        )
        kwargs.setdefault("timeout", float(settings.EDR_TIMEOUT_SECONDS))
        return cls(config_from_settings(), state=state, **kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state(self) -> PortalState:
        cookies = [
            {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path}
            for c in self._http.cookies.jar
        ]
        return PortalState(cookies=cookies, token=self._token, expires_at=self._expires_at)

    # --- sign-in --------------------------------------------------------------------

    def sign_in_start(self) -> PortalState:
        """Steps 1-2: the password, then an SMS code sent to the account's phone."""
        self._http.cookies.clear()
        self._token = ""
        body = {"username": self.config.username, "password": self.config.password}
        response = self._send("POST", self._login(LOGIN_PATH), json={**body, "language": "en"})
        if response.status_code != 200:
            logger.warning("Portal sign-in refused (HTTP %s)", response.status_code)
            raise ExternalAPIError("The retailer portal refused the account's sign-in.")
        response = self._send(
            "POST",
            self._login(SEND_CODE_PATH),
            json={"type": "SMS_OTP", "credid": self.config.credential_id},
        )
        if response.status_code != 200:
            logger.warning("Portal SMS code not sent (HTTP %s)", response.status_code)
            raise ExternalAPIError("The retailer portal did not send the SMS code.")
        return self.state

    def sign_in_finish(self, *, code: str, failure_count: int = 0) -> PortalState:
        """Steps 3-4: the SMS code, then the portal's bearer token."""
        body = {
            "type": "SMS_OTP",
            "credid": self.config.credential_id,
            "code": code,
            "failureCount": failure_count,
        }
        try:  # sent once: a replay could use up the code
            response = self._http.post(self._login(VALIDATE_CODE_PATH), json=body)
        except httpx.HTTPError:
            raise ExternalAPIError("The retailer portal did not answer the code check.") from None
        if 400 <= response.status_code < 500:
            logger.info("Portal SMS code refused (HTTP %s)", response.status_code)
            raise PortalCodeRefused()
        if response.status_code != 200:
            logger.warning("Portal code check failed (HTTP %s)", response.status_code)
            raise ExternalAPIError(
                f"The retailer portal answered HTTP {response.status_code} to the code."
            )
        response = self._send("GET", self._portal(AUTHENTICATE_PATH))
        if response.status_code != 200:
            logger.warning("Portal authenticate failed (HTTP %s)", response.status_code)
            raise ExternalAPIError("The retailer portal did not open a session.")
        self._token, self._expires_at = self._token_from_cookie()
        return self.state

    def _token_from_cookie(self) -> tuple[str, dt.datetime]:
        cookie = next((c for c in self._http.cookies.jar if c.name == TOKEN_COOKIE), None)
        token = ""
        if cookie is not None and cookie.value:
            try:
                data = json.loads(urllib.parse.unquote(cookie.value))
            except ValueError:
                data = None
            if isinstance(data, dict):
                token = str(data.get("token") or "")
        if not token:
            raise ExternalAPIError("The retailer portal's session has no token.")
        if cookie is not None and cookie.expires:
            expires = dt.datetime.fromtimestamp(cookie.expires, tz=dt.UTC)
        else:
            expires = timezone.now() + dt.timedelta(hours=float(settings.EDR_SESSION_HOURS))
        return token, expires

    # --- reads ----------------------------------------------------------------------

    def browse(self, *, store: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """Every event-by-item row of one store in [start, end] (one call)."""
        body: dict[str, Any] = {
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "storeNbr": store,
            "eventType": [],
            "itemNbr": None,
            "vendorNbr": None,
        }
        response = self._authed("POST", self._portal(BROWSE_PATH), json=body)
        data = self._json(response)
        if isinstance(data, dict):
            data = data.get("data", data.get("rows"))
        if not isinstance(data, list):
            raise ExternalAPIError("The retailer portal's event list is not a list.")
        return [row for row in data if isinstance(row, dict)]

    def report(self, event_number: str) -> dict[str, Any] | None:
        """One Event Detail Report, or None when the portal does not know the event."""
        response = self._authed(
            "GET", self._portal(REPORT_PATH), params={"id": event_number}, allow_404=True
        )
        if response.status_code == 404 or not response.content.strip():
            return None
        data = self._json(response)
        if not isinstance(data, dict) or not data:
            return None
        return data

    # --- plumbing -------------------------------------------------------------------

    def _login(self, path: str) -> str:
        return self.config.login_url + path

    def _portal(self, path: str) -> str:
        return self.config.portal_url + path

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return send_with_retry(
            self._http, method, url, policy=self.retry, service=SERVICE, **kwargs
        )

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ExternalAPIError("The retailer portal answered with invalid JSON.") from None

    @staticmethod
    def _expired(response: httpx.Response) -> bool:
        if response.status_code in EXPIRED_STATUSES:
            return True
        return response.is_redirect and "login" in response.headers.get("location", "").lower()

    def _authed(
        self, method: str, url: str, *, allow_404: bool = False, **kwargs: Any
    ) -> httpx.Response:
        if not self._token:
            raise PortalSignInRequired()
        headers = {"Authorization": f"Bearer {self._token}"}
        response = self._send(method, url, headers=headers, **kwargs)
        if self._expired(response):
            logger.info("Portal session ended by the portal (HTTP %s)", response.status_code)
            self._token = ""
            raise PortalSignInRequired(
                "The retailer portal ended the session: sign in again (a new SMS code)."
            )
        if response.status_code >= 400 and not (allow_404 and response.status_code == 404):
            logger.warning(
                "Retailer portal: %s %s -> HTTP %s",
                method,
                httpx.URL(url).path,
                response.status_code,
            )
            raise ExternalAPIError(f"The retailer portal answered HTTP {response.status_code}.")
        return response
