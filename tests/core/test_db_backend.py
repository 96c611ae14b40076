"""The PostgreSQL backend reads timestamps in C and gives exactly what Django's loader
gives, for every shape PostgreSQL writes them in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from core.db.postgresql.base import FastTzLoader
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


def test_the_connection_reads_timestamps_with_the_fast_loader() -> None:
    with connection.cursor() as cursor:
        loader = cursor.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert issubclass(loader, FastTzLoader)
    assert loader.timezone == dt.UTC


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


def test_what_is_not_iso_goes_to_djangos_loader() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'infinity'::timestamptz")
        with pytest.raises(DataError, match=r"timestamp too large \(after year 10K\)"):
            cursor.fetchone()


def test_a_model_round_trips_its_start() -> None:
    start = store_local(2026, 12, 15, 10, 45)
    schedule = ScheduleFactory.create(start=start)
    assert Schedule.objects.values_list("start", flat=True).get(pk=schedule.pk) == start
