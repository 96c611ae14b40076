"""Log line formatters: every timestamp in UTC with its offset (ISO 8601).

No Django import here: gunicorn's own logging (`gunicorn_conf.py`) uses these classes
before the application is loaded, so that its lines and the application's read alike:
`2026-12-05T00:07:12.345+00:00`, whatever the machine's or the store's time zone.
"""

from __future__ import annotations

import datetime as dt
import logging

from pythonjsonlogger.json import JsonFormatter


def utc_timestamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
    return moment.isoformat(timespec="milliseconds")


class UTCFormatter(logging.Formatter):
    """A plain line whose `asctime` is ISO 8601 in UTC with `+00:00` (any datefmt ignored)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record)


class UTCJsonFormatter(JsonFormatter):
    """One JSON object per line; its `time` is ISO 8601 in UTC with `+00:00`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record)
