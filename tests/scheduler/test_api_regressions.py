"""Schedule API behaviour the contract run (tests/test_api_contract.py) found wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from core.filters import MAX_ID
from tests.events.factories import store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/schedules/"
ApiAs = Callable[[User | None], APIClient]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("{pk}.5", "invalid"),  # was rounded down: another employee's schedules
        ("1e49", "invalid"),  # was a 500
        (str(MAX_ID + 1), "max_value"),  # was a 500: no overflow guard on a foreign key
    ],
)
def test_an_employee_id_must_be_a_whole_number_in_range(
    api_as: ApiAs, reader_user: User, value: str, code: str
) -> None:
    schedule = ScheduleFactory.create()
    response = api_as(reader_user).get(URL, {"employee": value.format(pk=schedule.employee_id)})
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("employee", code)]


def test_the_largest_employee_id_matches_nothing(api_as: ApiAs, reader_user: User) -> None:
    ScheduleFactory.create()
    response = api_as(reader_user).get(URL, {"employee": str(MAX_ID)})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_the_ends_of_the_calendar_are_valid_dates(
    api_as: ApiAs, reader_user: User, params: dict[str, str]
) -> None:
    """`date_to=9999-12-31` computed the day after it and crashed (500)."""
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    body = api_as(reader_user).get(URL, params).json()
    assert [r["id"] for r in body["results"]] == [schedule.pk]


def test_a_trade_names_two_different_schedules(api_as: ApiAs, manager_user: User) -> None:
    """The schema allowed `[1, 1]`, which was then refused without naming the field."""
    schedule = ScheduleFactory.create()
    response = api_as(manager_user).post(
        "/api/v1/schedules/trade/", {"schedules": [schedule.pk, schedule.pk]}, format="json"
    )
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("schedules", "not_unique")
    ]
