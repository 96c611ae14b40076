"""Schedule API inputs at the edges: dates out of range, numbers that overflow, no-op PATCH."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.dates import FIRST_DAY, LAST_DAY, validate_day
from planning.models import PendingPush
from scheduler.models import Schedule, ScheduleChange
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], APIClient]
PROBLEM = "application/problem+json"
START = "2026-12-15T10:45:00-05:00"
OUT_OF_RANGE = [
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "1999-12-31T23:59:59-05:00",
    "2101-01-01T00:00:00-05:00",
]


@pytest.fixture
def manager(api_as: ApiAs, manager_user: User) -> APIClient:
    return api_as(manager_user)


def _errors(response: Any) -> list[tuple[str | None, str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_the_accepted_range_is_the_years_2000_to_2100() -> None:
    assert (dt.date(2000, 1, 1), dt.date(2100, 12, 31)) == (FIRST_DAY, LAST_DAY)
    validate_day(FIRST_DAY)
    validate_day(LAST_DAY)
    validate_day(store_local(2100, 12, 31, 23, 59))
    for outside in (dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date.max, dt.date.min):
        with pytest.raises(Exception, match="Must be a day from 2000-01-01 to 2100-12-31"):
            validate_day(outside)


@pytest.mark.parametrize("start", OUT_OF_RANGE)
@pytest.mark.parametrize("path", ["/api/v1/schedules/validate/", "/api/v1/schedules/"])
def test_a_start_out_of_range_is_a_field_error(manager: APIClient, path: str, start: str) -> None:
    """9999-12-31T23:59:59Z overflowed in the rules engine: a 500."""
    event, employee = EventFactory.create(), EmployeeFactory.create()
    body = {"event": event.pk, "employee": employee.pk, "start": start}
    assert _errors(manager.post(path, body)) == [("start", "out_of_range")]
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("start", OUT_OF_RANGE)
def test_a_patch_to_a_start_out_of_range_is_a_field_error(manager: APIClient, start: str) -> None:
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    response = manager.patch(f"/api/v1/schedules/{schedule.pk}/", {"start": start})
    assert _errors(response) == [("start", "out_of_range")]
    schedule.refresh_from_db()
    assert schedule.start == store_local(2026, 12, 15, 10, 45)
    assert not ScheduleChange.objects.exists()


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z"])
def test_candidates_at_a_start_out_of_range_is_a_400(manager: APIClient, start: str) -> None:
    event = EventFactory.create()
    response = manager.get(f"/api/v1/events/{event.pk}/candidates/", {"start": start})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "start"


def test_sync_days_out_of_range_are_field_errors(api_as: ApiAs, staff_user: User, settings) -> None:
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = "http://127.0.0.1:9/"
    settings.SYNC_USERNAME = "user"
    settings.SYNC_PASSWORD = "secret"
    response = api_as(staff_user).post(
        "/api/v1/sync/", {"date_from": "9999-12-30", "date_to": "9999-12-31"}
    )
    assert sorted(_errors(response)) == [("date_from", "out_of_range"), ("date_to", "out_of_range")]


@pytest.mark.parametrize(
    ("literal", "code"),
    [
        ("1e999", "invalid"),
        ("-1e999", "invalid"),
        ("1.5", "invalid"),
        ("1e30", "invalid"),
        ("9223372036854775808", "max_value"),
        ("0", "min_value"),
    ],
)
@pytest.mark.parametrize("field", ["event", "employee"])
def test_an_id_that_overflows_is_a_field_error(
    manager: APIClient, field: str, literal: str, code: str
) -> None:
    """`"event": 1e999` (infinity) crashed the primary-key lookup: a 500."""
    event, employee = EventFactory.create(), EmployeeFactory.create()
    ids = {"event": str(event.pk), "employee": str(employee.pk), field: literal}
    body = f'{{"event": {ids["event"]}, "employee": {ids["employee"]}, "start": "{START}"}}'
    for path in ("/api/v1/schedules/validate/", "/api/v1/schedules/"):
        response = manager.post(path, body, content_type="application/json")
        assert _errors(response) == [(field, code)]


@pytest.mark.parametrize("literal", ["1e999", "9223372036854775808", "1e30"])
def test_ids_that_overflow_in_a_patch_or_a_trade_are_field_errors(
    manager: APIClient, literal: str
) -> None:
    schedule = ScheduleFactory.create()
    patch = manager.patch(
        f"/api/v1/schedules/{schedule.pk}/",
        f'{{"employee": {literal}}}',
        content_type="application/json",
    )
    assert [attr for attr, _ in _errors(patch)] == ["employee"]
    trade = manager.post(
        "/api/v1/schedules/trade/",
        f'{{"schedules": [{schedule.pk}, {literal}]}}',
        content_type="application/json",
    )
    assert [attr for attr, _ in _errors(trade)] == ["schedules.1"]


@pytest.mark.parametrize("path", ["/api/v1/events/{}/", "/api/v1/schedules/{}/"])
@pytest.mark.parametrize("number", ["9223372036854775808", "1" + "0" * 400])
def test_an_id_in_the_address_that_overflows_is_a_404(
    manager: APIClient, path: str, number: str
) -> None:
    assert manager.get(path.format(number)).status_code == 404
    candidates = manager.get(f"/api/v1/events/{number}/candidates/", {"start": START})
    assert candidates.status_code == 404


def _writes(queries: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verbs)
    ]


@pytest.fixture
def sync_enabled(settings: Any) -> None:
    """The push outbox on: every schedule change writes a PendingPush row with it."""
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = "http://127.0.0.1:9/"
    settings.SYNC_USERNAME = "user"
    settings.SYNC_PASSWORD = "secret"


@pytest.mark.parametrize("same", ["empty", "current values", "same moment, other offset"])
def test_a_patch_that_changes_nothing_writes_nothing(
    manager: APIClient, sync_enabled: None, same: str
) -> None:
    """Was an audit row with identical before/after, a moved data version and, with sync
    on, an unschedule + schedule push for an unchanged schedule."""
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    body = {
        "empty": {},
        "current values": {"start": START, "employee": schedule.employee_id},
        "same moment, other offset": {"start": "2026-12-15T15:45:00Z"},
    }[same]

    with CaptureQueriesContext(connection) as queries:
        response = manager.patch(f"/api/v1/schedules/{schedule.pk}/", body)

    assert response.status_code == 200
    assert response.json()["schedule"]["id"] == schedule.pk
    assert response.json()["schedule"]["start"] == START
    assert response.json()["warnings"] == []
    assert response.json()["supervisor"] is None
    assert _writes(queries) == []
    assert not ScheduleChange.objects.exists()
    assert not PendingPush.objects.exists()


def test_a_patch_that_changes_something_still_writes(manager: APIClient, sync_enabled: None):
    """The control for the test above: the outbox and the audit do see a real move."""
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    response = manager.patch(
        f"/api/v1/schedules/{schedule.pk}/", {"start": "2026-12-15T11:45:00-05:00"}
    )
    assert response.status_code == 200
    assert ScheduleChange.objects.count() == 1
    assert PendingPush.objects.count() == 2  # unschedule + schedule
