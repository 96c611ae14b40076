"""The PostgreSQL backend reads timestamps with psycopg's C loader and gives exactly
what Django's loader gives, for every shape PostgreSQL writes them in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from core.db.postgresql.base import PSYCOPG_TZ_LOADER
from scheduler.models import Schedule
from tests.events.factories import store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VALUES = [
    "2026-12-15 15:45:00+00",
    "2026-12-05 02:56:36.777603+00",
    "2026-03-08 07:00:00+00",  # the spring-forward night in the stores' zone
    "2026-11-01 06:00:00.000001+00",
    "2000-01-01 00:00:00+00",
    "2100-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
]


def test_each_cursor_reads_timestamps_with_psycopgs_loader() -> None:
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader is PSYCOPG_TZ_LOADER
    # The C one wherever psycopg's C build is installed (it is, in requirements.txt).
    assert loader.__module__ == "psycopg_binary._psycopg"


def test_another_time_zone_keeps_djangos_loader() -> None:
    connection.settings_dict["TIME_ZONE"] = "America/New_York"
    try:
        del connection.timezone
        with connection.cursor() as cursor:
            loader = cursor.cursor.adapters.get_loader(1184, 0)
            assert issubclass(loader, BaseTzLoader)
            assert str(loader.timezone) == "America/New_York"
    finally:
        connection.settings_dict["TIME_ZONE"] = None
        del connection.timezone


@pytest.mark.parametrize("value", VALUES)
def test_each_shape_loads_as_djangos_loader_loads_it(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value])
        (loaded,) = cursor.fetchone()
        django_loader = type("Django", (BaseTzLoader,), {"timezone": dt.UTC})
        expected = django_loader(1184, cursor.connection).load(value.encode())
    assert loaded == expected
    assert loaded.tzinfo is dt.UTC
    assert loaded.isoformat() == expected.isoformat()


def test_what_no_datetime_holds_fails_as_with_djangos_loader() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'infinity'::timestamptz")
        with pytest.raises(DataError, match=r"timestamp too large \(after year 10K\)"):
            cursor.fetchone()


def test_a_model_round_trips_its_start() -> None:
    start = store_local(2026, 12, 15, 10, 45)
    schedule = ScheduleFactory.create(start=start)
    assert Schedule.objects.values_list("start", flat=True).get(pk=schedule.pk) == start
