"""Django's PostgreSQL backend, reading `timestamp with time zone` values in C.

Django (5.x, psycopg 3) reads every timestamptz through a loader derived from psycopg's
pure-Python one, even when psycopg's C build is installed (Django ticket #36960): a
regular expression and a dozen Python calls per value, a third of the CPU of a list of
schedules (three timestamps a row). This backend registers a loader that parses the
value with `datetime.fromisoformat` (C) and, like Django's, gives it the connection's
time zone; a value it cannot parse (another DateStyle, a BC date, infinity) goes to
Django's loader, which answers or raises as before.

Everything else is Django's backend: `ENGINE = "core.db.postgresql"`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader, get_adapters_template
from psycopg import adapt
from psycopg.pq import Format


class FastTzLoader(BaseTzLoader):
    """timestamptz in ISO DateStyle ("2026-12-15 15:45:00+00"), parsed in C."""

    def load(self, data: Any) -> dt.datetime:
        try:
            text = bytes(data).decode("ascii")
            return dt.datetime.fromisoformat(text).replace(tzinfo=self.timezone)
        except ValueError:  # not ISO: Django's loader says what it is
            return super().load(data)


def register_fast_tzloader(tz: dt.tzinfo | None, context: Any) -> None:
    loader = type("SpecificFastTzLoader", (FastTzLoader,), {"timezone": tz})
    context.adapters.register_loader("timestamptz", loader)


@lru_cache
def fast_adapters_template(use_tz: bool, timezone: dt.tzinfo | None) -> adapt.AdaptersMap:
    """Django's adapters for this time zone, with the C-parsing timestamptz loader."""
    ctx = adapt.AdaptersMap(get_adapters_template(use_tz, timezone))
    register_fast_tzloader(timezone, ctx)
    return ctx


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if "context" in params:
            params["context"] = fast_adapters_template(settings.USE_TZ, self.timezone)
        return params

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = super().create_cursor(name)
        # Django registers its own loader on a cursor whose time zone differs from the
        # connection's; put ours back in its place.
        loader = cursor.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
        if not issubclass(loader, FastTzLoader):
            register_fast_tzloader(loader.timezone, cursor)
        return cursor
