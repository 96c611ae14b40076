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


class QuietRefusalFilter(logging.Filter):
    """Django's own record of a request refused as suspicious — a host not in
    ALLOWED_HOSTS, a body over the size limit, too many fields — is an ERROR with a
    traceback (`django.security.<Exception>`). It is a client's doing, not a fault of
    ours: one WARNING line, no traceback. Set on those loggers in settings.LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
