"""Retries for calls to slow, flaky external services (generic: no service named here).

Exponential backoff with full jitter, honouring `Retry-After`. What may be sent again
is the caller's to say: by default a request is retried on 429/5xx, timeouts and failed
connections, which suits reads (and sign-in steps that only open a session); a write
narrows both (`retry_statuses`, `transient`). Log lines name the service, method and
path, never a body, header or query.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import httpx

from core.exceptions import ExternalAPIError

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """Attempt n waits U(0, min(cap, base·2ⁿ)), or the server's `Retry-After` (capped)."""

    attempts: int = 4
    base: float = 1.0
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float, float], float] = random.uniform

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(self.cap, max(0.0, retry_after))
        return self.jitter(0.0, min(self.cap, self.base * 2**attempt))


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def transport_failure(exc: httpx.HTTPError) -> str | None:
    """Why a request that got no answer may be sent again, or None to let `exc` through.

    The default for reads: any timeout or transport failure is worth another try.
    """
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TransportError):
        return "connection failed"
    return None


def send_with_retry(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    service: str,
    retry_statuses: Collection[int] = RETRY_STATUSES,
    transient: Callable[[httpx.HTTPError], str | None] = transport_failure,
    **kwargs: Any,
) -> httpx.Response:
    """One request under `policy`; returns the last response, whatever its status.

    A status in `retry_statuses` is tried again; an exception is tried again when
    `transient` gives a reason (it may also raise an error of its own instead). When the
    last attempt still failed either way: ExternalAPIError ("The {service} is
    unavailable (reason)").
    """
    path = httpx.URL(url).path
    for attempt in range(policy.attempts):
        try:
            response = http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            reason = transient(exc)
            if reason is None:
                raise
            retry_after = None
        else:
            if response.status_code not in retry_statuses:
                return response
            reason = f"HTTP {response.status_code}"
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        if attempt == policy.attempts - 1:
            logger.warning("%s: %s %s %s; giving up", service, method, path, reason)
            raise ExternalAPIError(f"The {service} is unavailable ({reason}).")
        delay = policy.delay(attempt, retry_after)
        logger.info(
            "%s: %s %s %s; retry %d in %.2f s", service, method, path, reason, attempt + 1, delay
        )
        policy.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
