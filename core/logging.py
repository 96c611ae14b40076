"""Log record enrichment: every record made while serving a request carries its ids."""

from __future__ import annotations

import logging

from core.middleware import request_id_var


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `error_id` (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id_var.get() or "-"
        if not hasattr(record, "error_id"):
            record.error_id = getattr(request, "error_id", None) or "-"
        return True
