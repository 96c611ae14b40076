"""Django's PostgreSQL backend, reading `timestamp with time zone` values in C.

Django (5.x, psycopg 3) reads every timestamptz through a loader derived from psycopg's
pure-Python one, even when psycopg's C build is installed (Django ticket #36960): a
regular expression and a dozen Python calls per value, a third of the CPU of a list of
schedules (three timestamps a row). Django's loader parses the value in the session's
time zone and then stamps it with the connection's (`timezone.utc` unless DATABASES sets
TIME_ZONE); Django sets the session's time zone to that same zone when it connects.

When that zone is UTC, psycopg's own loader gives exactly the same values (aware, in
`datetime.timezone.utc`, the same errors for what no datetime can hold) in C, with no
Python call per value. This backend puts it on each cursor in place of Django's. Under
any other zone (or USE_TZ = False) Django's loader stays.

Everything else is Django's backend: `ENGINE = "core.db.postgresql"`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import Format

# psycopg's timestamptz loader: its C class when psycopg's C build is installed.
PSYCOPG_TZ_LOADER = psycopg.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> Any:
        cursor = super().create_cursor(name)
        if self.timezone == dt.UTC and PSYCOPG_TZ_LOADER is not None:
            loader = cursor.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
            if getattr(loader, "timezone", None) == dt.UTC:
                cursor.adapters.register_loader("timestamptz", PSYCOPG_TZ_LOADER)
        return cursor
