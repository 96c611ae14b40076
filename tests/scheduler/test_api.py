from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from events.types import EventType
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries, count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/schedules/"
ApiAs = Callable[[User | None], APIClient]


def test_schedule_row_has_what_a_day_view_needs(api_as: ApiAs, reader_user: User) -> None:
    core = EventFactory.create(
        project_name="606034-CORE-Super Pretzel",
        project_ref_num=9100000,
        store_number="8135",
        store_name="Club 8135 Indianapolis",
    )
    supervisor = EventFactory.create(event_type=EventType.SUPERVISOR, core_event=core)
    employee = EmployeeFactory.create(name="Maria Lopez", external_id="US100234")
    schedule = ScheduleFactory.create(
        event=core, employee=employee, start=store_local(2026, 12, 15, 10, 45)
    )
    row = api_as(reader_user).get(URL).json()["results"][0]
    assert row == {
        "id": schedule.pk,
        "event": core.pk,
        "event_ref_num": 9100000,
        "event_name": "606034-CORE-Super Pretzel",
        "event_type": "core",
        "store_number": "8135",
        "store_name": "Club 8135 Indianapolis",
        "employee": employee.pk,
        "employee_external_id": "US100234",
        "employee_name": "Maria Lopez",
        "start": "2026-12-15T10:45:00-05:00",
        "end": "2026-12-15T17:15:00-05:00",
        "paired_event": supervisor.pk,
        "external_schedule_id": "",
        "created_at": row["created_at"],
    }


def test_unscheduled_rows_are_not_listed(api_as: ApiAs, reader_user: User) -> None:
    live = ScheduleFactory.create()
    ScheduleFactory.create(unscheduled_at=timezone.now())
    assert [r["id"] for r in api_as(reader_user).get(URL).json()["results"]] == [live.pk]


def test_list_runs_a_constant_number_of_queries(api_as: ApiAs, reader_user: User) -> None:
    ScheduleFactory.create_batch(2)  # page 1 of 2 and more: never the last page

    def grow() -> None:
        for _ in range(100):
            schedule = ScheduleFactory.create()
            ScheduleFactory.create(
                event__event_type=EventType.SUPERVISOR, event__core_event=schedule.event
            )

    client = api_as(reader_user)
    # session, user, count, page (employee, event and paired event joined).
    assert_constant_queries(lambda: client.get(URL, {"page_size": 1}), grow, expected=4)


def test_the_last_page_is_counted_without_a_count_query(api_as: ApiAs, reader_user: User) -> None:
    first, second, third = ScheduleFactory.create_batch(3)
    client = api_as(reader_user)

    def page(**params: int) -> tuple[int, dict[str, Any]]:
        queries, response = count_queries(lambda: client.get(URL, params))
        assert response.status_code == 200
        return queries, response.json()

    # session, user, page: the page has fewer rows than asked, so it is the last one
    # and its rows say how many there are.
    queries, body = page(page_size=200)
    assert (queries, body["count"], len(body["results"])) == (3, 3, 3)
    assert body["next"] is None and body["previous"] is None
    queries, body = page(page=2, page_size=2)
    assert (queries, body["count"], [r["id"] for r in body["results"]]) == (3, 3, [third.pk])
    assert body["next"] is None and body["previous"].endswith("page_size=2")
    # Exactly full: one row more was asked for, none came, so still no count.
    queries, body = page(page_size=3)
    assert (queries, body["count"], body["next"]) == (3, 3, None)
    # Not the last page: counted.
    queries, body = page(page=1, page_size=2)
    assert (queries, body["count"], [r["id"] for r in body["results"]]) == (
        4,
        3,
        [first.pk, second.pk],
    )
    assert body["next"].endswith("page=2&page_size=2")
    # Past the last page: counted, and a 404 problem as before.
    response = client.get(URL, {"page": 3, "page_size": 2})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    # A page whose offset no database takes (was a 500 once the read-ahead ran first).
    for events_or_schedules in (URL, "/api/v1/events/"):
        response = client.get(events_or_schedules, {"page": "9" * 30, "page_size": "200"})
        assert response.status_code == 404, events_or_schedules
        assert response["Content-Type"] == "application/problem+json"


@pytest.fixture
def rows() -> dict[str, Any]:
    maria = EmployeeFactory.create(name="Maria")
    james = EmployeeFactory.create(name="James")
    return {
        "mon": ScheduleFactory.create(employee=maria, start=store_local(2026, 12, 14, 10, 45)),
        # 23:30 store time is already the next day in UTC: the day is the store's.
        "mon_late": ScheduleFactory.create(
            employee=james,
            event__event_type=EventType.DIGITAL_TEARDOWN,
            event__estimated_minutes=30,
            start=store_local(2026, 12, 14, 23, 30),
        ),
        "tue": ScheduleFactory.create(
            employee=james,
            event__store_number="6508",
            start=store_local(2026, 12, 15, 10, 45),
        ),
        "maria": maria,
        "james": james,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2026-12-14", "date_to": "2026-12-14"}, ["mon", "mon_late"]),
        ({"date_from": "2026-12-15"}, ["tue"]),
        ({"date_to": "2026-12-14"}, ["mon", "mon_late"]),
        ({"employee": "james"}, ["mon_late", "tue"]),
        ({"event_type": "digital_teardown"}, ["mon_late"]),
        ({"store": "6508"}, ["tue"]),
        ({"employee": "james", "date_to": "2026-12-14"}, ["mon_late"]),
    ],
)
def test_filters(
    api_as: ApiAs,
    reader_user: User,
    rows: dict[str, Any],
    params: dict[str, str],
    expected: list[str],
) -> None:
    if "employee" in params:
        params = {**params, "employee": str(rows[params["employee"]].pk)}
    names = {obj.pk: name for name, obj in rows.items() if name not in ("maria", "james")}
    body = api_as(reader_user).get(URL, params).json()
    assert sorted(names[r["id"]] for r in body["results"]) == expected


@pytest.mark.parametrize(
    ("params", "attr", "code"),
    [
        ({"date_from": "14/12/2026"}, "date_from", "invalid"),
        ({"date_from": "2026-12-15", "date_to": "2026-12-14"}, "date_to", "invalid_range"),
        ({"employee": "maria"}, "employee", "invalid"),
        ({"employee": "0"}, "employee", "min_value"),
        ({"event_type": "party"}, "event_type", "invalid_choice"),
    ],
)
def test_bad_filter_values_are_400_problems_naming_the_parameter(
    api_as: ApiAs, reader_user: User, params: dict[str, str], attr: str, code: str
) -> None:
    response = api_as(reader_user).get(URL, params)
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]


def test_anonymous_is_refused(api_as: ApiAs) -> None:
    response = api_as(None).get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_list_rows_are_exactly_what_the_serializer_gives(api_as: ApiAs, reader_user: User) -> None:
    """The list builds rows from plain values; detail uses ScheduleSerializer: same shape."""
    core = EventFactory.create(store_name="Club Ünïcode")
    ScheduleFactory.create(event__event_type=EventType.SUPERVISOR, event__core_event=core)
    ScheduleFactory.create(event=core, external_schedule_id="PS-42")
    ScheduleFactory.create(start=store_local(2026, 7, 1, 9, 0))  # summer offset
    client = api_as(reader_user)
    rows = client.get(URL).json()["results"]
    assert len(rows) == 3
    for row in rows:
        assert client.get(f"{URL}{row['id']}/").json() == row
