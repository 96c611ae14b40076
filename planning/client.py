"""HTTP client for the planning system (docs/planning-system.md), on httpx.

- A timeout on every call (connect, read, write, pool).
- GETs (and the login, which only opens a session) are retried on timeouts,
  connection errors, 500/502/503/504 and 429, with exponential backoff and full
  jitter, honouring `Retry-After` when the server sends it.
- The non-idempotent POSTs (schedule, unschedule) are retried only when the server
  certainly did not act on them: 429/503 (it refused the request) or a connection
  that never opened. A timeout or a 500 after sending may have scheduled upstream,
  so the caller (the push outbox) decides, never this client.
- Session expiry (401, 403, or a redirect to the login page, as a cookie-session web
  app answers) leads to one re-login and one replay of the request; a second expiry
  is an error.
- Credentials come from settings behind the `sync` feature and are never logged: log
  lines carry the method, path and status only.

Every failure is raised as core.exceptions.ExternalAPIError (a 502 problem).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

from core.exceptions import ExternalAPIError
from core.features import require
from core.http import RETRY_STATUSES, RetryPolicy, send_with_retry
from core.http import parse_retry_after as parse_retry_after  # re-exported

logger = logging.getLogger(__name__)

LOGIN_PATH = "/login/authenticate"
MPLANS_PATH = "/planningextcontroller/getPlanningMplans"
SCHEDULE_PATH = "/planningextcontroller/scheduleMplanEvent"
UNSCHEDULE_PATH = "/planningextcontroller/deleteScheduledMplanEvent"
REISSUE_PATH = "/pendingworkextcontroller/createPendingWork/"

REFUSED_STATUSES = frozenset({429, 503})  # the server did not act: safe to resend a POST
EXPIRED_STATUSES = frozenset({401, 403})
SERVICE = "planning system"


class ReissueRefused(ExternalAPIError):
    """The planning system refused a reissue (`success: false`); `detail` is its message."""

    code = "reissue_refused"
    title = "Reissue refused by the planning system"


class SessionExpired(Exception):
    """The planning system answered as to a signed-out user."""


@dataclass
class Credentials:
    base_url: str
    username: str
    password: str = field(repr=False)


def credentials_from_settings() -> Credentials:
    """The sync feature's settings; raises sync_disabled / configuration_error first."""
    require("sync")
    return Credentials(
        base_url=settings.SYNC_BASE_URL,
        username=settings.SYNC_USERNAME,
        password=settings.SYNC_PASSWORD,
    )


class PlanningClient:
    def __init__(
        self,
        credentials: Credentials,
        *,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        time_zone: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._credentials = credentials
        self.retry = retry or RetryPolicy(base=0.5)
        self.time_zone = time_zone or settings.TIME_ZONE
        self.logins = 0
        self._http = httpx.Client(
            base_url=credentials.base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            headers={"Accept": "application/json"},
        )
        self._logged_in = False

    @classmethod
    def from_settings(cls, **kwargs: Any) -> PlanningClient:
        kwargs.setdefault(
            "retry",
            RetryPolicy(
                attempts=max(1, int(settings.SYNC_RETRY_ATTEMPTS)),
                base=float(settings.SYNC_RETRY_BASE_SECONDS),
            ),
        )
        return cls(
            credentials_from_settings(), timeout=float(settings.SYNC_TIMEOUT_SECONDS), **kwargs
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlanningClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the endpoints --------------------------------------------------------------

    def login(self) -> None:
        body = {
            "UserType": "Employee",
            "UserID": self._credentials.username,
            "Password": self._credentials.password,
            "Timezone": self.time_zone,
        }
        response = self._send("POST", LOGIN_PATH, retry_all=True, json=body)
        if response.status_code != 200 or self._is_login_redirect(response):
            logger.warning("Planning-system login refused (HTTP %s)", response.status_code)
            raise ExternalAPIError("The planning system refused the sign-in.")
        self.logins += 1
        self._logged_in = True

    def get_mplans(
        self, *, start: dt.date, end: dt.date, limit: int = 100_000
    ) -> list[dict[str, Any]]:
        """The events of [start, end] as the planning system's raw `mplans` records."""
        params = {
            "intervalStart": start.isoformat(),
            "intervalEnd": end.isoformat(),
            "searchFields": "",
            "limit": str(limit),
        }
        response = self._authed("GET", MPLANS_PATH, retry_all=True, params=params)
        try:
            data = response.json()
        except ValueError:
            raise ExternalAPIError("The planning system answered with invalid JSON.") from None
        mplans = data.get("mplans") if isinstance(data, dict) else None
        if not isinstance(mplans, list):
            raise ExternalAPIError("The planning system's answer has no `mplans` list.")
        return mplans

    def schedule(
        self,
        *,
        rep_id: int | str,
        mplan_id: int | str,
        location_id: str,
        start: dt.datetime,
        end: dt.datetime,
    ) -> str:
        """Schedule an event upstream; returns the new schedule event id."""
        form = {
            "ClassName": "MVScheduledmPlan",
            "RepID": str(rep_id),
            "mPlanID": str(mplan_id),
            "LocationID": str(location_id),
            "Start": start.isoformat(),
            "End": end.isoformat(),
        }
        response = self._authed("POST", SCHEDULE_PATH, retry_all=False, data=form)
        return self._schedule_id(response)

    def unschedule(self, *, schedule_id: str) -> None:
        self._authed("POST", UNSCHEDULE_PATH, retry_all=False, data={"id": schedule_id})

    def reissue(
        self,
        *,
        work_log_entry_id: str,
        store_id: str,
        mplan_id: int | str,
        rep_id: int | str,
        expiration_date: dt.date,
        include_responses: bool = False,
    ) -> None:
        """Reissue worked-but-unreported work so that the rep can report it again.

        Raises `ReissueRefused` with the planning system's message when it says no.
        """
        form = {
            "workLogEntryID": str(work_log_entry_id),
            "storeID": str(store_id),
            "mPlanID": str(mplan_id),
            "action": "reissue",
            "overrideReps": "true",
            "overriddenRepIDs": f"[{rep_id}]",
            "expirationDate": f"{expiration_date:%Y-%m-%d}T00:00:00",
            "includeResponses": "true" if include_responses else "false",
            "public": "true",
        }
        response = self._authed("POST", REISSUE_PATH, retry_all=False, data=form)
        try:
            data: Any = response.json()
        except ValueError:
            raise ExternalAPIError("The planning system answered with invalid JSON.") from None
        if not isinstance(data, dict) or data.get("success") is not True:
            message = data.get("message") if isinstance(data, dict) else None
            raise ReissueRefused(str(message or "The planning system refused the reissue.")[:300])

    # --- plumbing -------------------------------------------------------------------

    @staticmethod
    def _schedule_id(response: httpx.Response) -> str:
        try:
            data: Any = response.json()
        except ValueError:
            data = response.text.strip()
        if isinstance(data, dict):
            data = data.get("id") or data.get("scheduleEventID") or data.get("ID")
        text = str(data).strip() if data not in (None, "") else ""
        if not text or len(text) > 64:
            raise ExternalAPIError("The planning system did not return a schedule id.")
        return text

    @staticmethod
    def _is_login_redirect(response: httpx.Response) -> bool:
        return response.is_redirect and "login" in response.headers.get("location", "").lower()

    def _expired(self, response: httpx.Response) -> bool:
        return response.status_code in EXPIRED_STATUSES or self._is_login_redirect(response)

    def _authed(self, method: str, path: str, *, retry_all: bool, **kwargs: Any) -> httpx.Response:
        if not self._logged_in:
            self.login()
        response = self._send(method, path, retry_all=retry_all, **kwargs)
        if self._expired(response):
            logger.info("Planning-system session expired; signing in again")
            self._logged_in = False
            self._http.cookies.clear()
            self.login()
            response = self._send(method, path, retry_all=retry_all, **kwargs)
            if self._expired(response):
                raise ExternalAPIError("The planning system ended the session again after sign-in.")
        if response.status_code >= 400:
            logger.warning("Planning system: %s %s -> HTTP %s", method, path, response.status_code)
            raise ExternalAPIError(f"The planning system answered HTTP {response.status_code}.")
        return response

    def _send(self, method: str, path: str, *, retry_all: bool, **kwargs: Any) -> httpx.Response:
        """One request with the retry policy; returns the last response (any status).

        `retry_all` (reads, the login): every failure is retried. Otherwise (the POSTs
        that change something) only what the server certainly did not act on.
        """
        return send_with_retry(
            self._http,
            method,
            path,
            policy=self.retry,
            service=SERVICE,
            retry_statuses=RETRY_STATUSES if retry_all else REFUSED_STATUSES,
            transient=_transient_for_reads if retry_all else _transient_for_writes,
            **kwargs,
        )


def _transient_for_writes(exc: httpx.HTTPError) -> str:
    """Only a connection that never opened: resending cannot duplicate the request."""
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.TimeoutException):
        raise ExternalAPIError(
            "The planning system did not answer in time; the change may or may not have been made."
        ) from None
    raise ExternalAPIError("The planning system could not be reached.") from None


def _transient_for_reads(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return _transient_for_writes(exc)
