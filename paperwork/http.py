"""Retries for calls to slow, flaky external services (generic: no service named here).

Exponential backoff with full jitter, honouring `Retry-After`; only for requests that
are safe to send again (reads, and the sign-in steps that only open a session).
Log lines name the service, method and path, never a body, header or query.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable
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


def send_with_retry(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    service: str,
    **kwargs: Any,
) -> httpx.Response:
    """One request under `policy`; returns the last response, whatever its status, unless
    every attempt failed to get one or got a retryable status: then ExternalAPIError."""
    path = httpx.URL(url).path
    for attempt in range(policy.attempts):
        try:
            response = http.request(method, url, **kwargs)
        except httpx.TimeoutException:
            reason, retry_after = "timed out", None
        except httpx.TransportError:
            reason, retry_after = "connection failed", None
        else:
            if response.status_code not in RETRY_STATUSES:
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
