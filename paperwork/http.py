"""The paperwork app's retries are the shared ones of core/http.py; this module only keeps
the names importable from here (`from paperwork.http import RetryPolicy`)."""

from core.http import RETRY_STATUSES, RetryPolicy, parse_retry_after, send_with_retry

__all__ = ["RETRY_STATUSES", "RetryPolicy", "parse_retry_after", "send_with_retry"]
