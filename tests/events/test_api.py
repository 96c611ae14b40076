from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from events.models import EventCondition
from events.types import EventType
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
ApiAs = Callable[[User | None], APIClient]


def test_event_row(api_as: ApiAs, reader_user: User) -> None:
    core = EventFactory.create(
        project_name="606034-CORE-Super Pretzel",
        project_ref_num=9100000,
        start_datetime=store_local(2026, 12, 14),
        due_datetime=store_local(2026, 12, 19),
        estimated_minutes=None,
    )
    supervisor = EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        core_event=core,
        start_datetime=store_local(2026, 12, 14),
    )
    schedule = ScheduleFactory.create(event=core, employee__name="Maria Lopez")
    rows = {r["id"]: r for r in api_as(reader_user).get(URL).json()["results"]}
    row = rows[core.pk]
    assert row["project_ref_num"] == 9100000
    assert row["event_number"] == "606034"
    assert row["event_type"] == "core"
    assert row["event_type_display"] == "Core"
    assert row["start_datetime"] == "2026-12-14T00:00:00-05:00"
    assert row["due_datetime"] == "2026-12-19T00:00:00-05:00"
    assert row["duration_minutes"] == 390
    assert row["paired_event"] == supervisor.pk
    assert row["schedule"] == {
        "id": schedule.pk,
        "employee": schedule.employee_id,
        "employee_name": "Maria Lopez",
        "start": "2026-12-15T10:45:00-05:00",
        "end": "2026-12-15T17:15:00-05:00",
    }
    assert rows[supervisor.pk]["paired_event"] == core.pk
    assert rows[supervisor.pk]["schedule"] is None


@pytest.mark.parametrize(("auth", "expected"), [("session", 5), ("token", 4)])
def test_list_runs_a_constant_number_of_queries(
    api_as: ApiAs, reader_user: User, auth: str, expected: int
) -> None:
    from knox.models import AuthToken

    def grow() -> None:
        for _ in range(100):
            core = EventFactory.create()
            EventFactory.create(event_type=EventType.SUPERVISOR, core_event=core)
            ScheduleFactory.create(event=core)

    EventFactory.create_batch(2)  # page 1 of 2 and more: never the last page
    if auth == "session":
        client = api_as(reader_user)
    else:
        client = APIClient()
        _, token = AuthToken.objects.create(user=reader_user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # session + user (token: the token with its user), count, page, live schedules.
    assert_constant_queries(lambda: client.get(URL, {"page_size": 1}), grow, expected=expected)


@pytest.fixture
def week() -> dict[str, Any]:
    """Events around the week of 2026-12-14 (store time)."""
    return {
        "before": EventFactory.create(
            project_name="700001-CORE-Ends Sunday",
            start_datetime=store_local(2026, 12, 10),
            due_datetime=store_local(2026, 12, 14),  # exclusive: not in the week
        ),
        "core": EventFactory.create(
            project_name="700002-CORE-Trail Mix",
            project_ref_num=9200002,
            start_datetime=store_local(2026, 12, 12),
            due_datetime=store_local(2026, 12, 15),
        ),
        "freeosk": EventFactory.create(
            project_name="700003-FREEOSK-Kiosk",
            event_type=EventType.FREEOSK,
            store_number="6508",
            condition=EventCondition.SCHEDULED,
            start_datetime=store_local(2026, 12, 20),
            due_datetime=store_local(2026, 12, 22),
        ),
        "after": EventFactory.create(
            project_name="700004-CORE-Next Week",
            start_datetime=store_local(2026, 12, 21),
            due_datetime=store_local(2026, 12, 24),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2026-12-14", "date_to": "2026-12-20"}, ["core", "freeosk"]),
        ({"date_from": "2026-12-14"}, ["after", "core", "freeosk"]),
        ({"date_to": "2026-12-13"}, ["before", "core"]),
        ({"event_type": "freeosk"}, ["freeosk"]),
        ({"event_type": ["freeosk", "core"]}, ["after", "before", "core", "freeosk"]),
        ({"condition": "scheduled"}, ["freeosk"]),
        ({"store": "6508"}, ["freeosk"]),
        ({"search": "trail"}, ["core"]),
        ({"search": "9200002"}, ["core"]),
        ({"scheduled": "true"}, ["before"]),
        (
            {"scheduled": "false", "date_from": "2026-12-14", "event_type": "core"},
            ["after", "core"],
        ),
    ],
)
def test_filters(
    api_as: ApiAs,
    reader_user: User,
    week: dict[str, Any],
    params: dict[str, Any],
    expected: list[str],
) -> None:
    ScheduleFactory.create(event=week["before"], start=store_local(2026, 12, 11, 10, 45))
    names = {event.pk: name for name, event in week.items()}
    body = api_as(reader_user).get(URL, params).json()
    assert sorted(names[row["id"]] for row in body["results"]) == expected


def test_default_order_is_most_urgent_first(
    api_as: ApiAs, reader_user: User, week: dict[str, Any]
) -> None:
    ids = [r["id"] for r in api_as(reader_user).get(URL).json()["results"]]
    assert ids == [week[n].pk for n in ("before", "core", "freeosk", "after")]
    reverse = api_as(reader_user).get(URL, {"ordering": "-due"}).json()["results"]
    assert [r["id"] for r in reverse] == ids[::-1]


@pytest.mark.parametrize(
    ("params", "attr", "code"),
    [
        ({"date_from": "2026-13-01"}, "date_from", "invalid"),
        ({"date_to": "yesterday"}, "date_to", "invalid"),
        ({"date_from": "2026-12-20", "date_to": "2026-12-14"}, "date_to", "invalid_range"),
        ({"event_type": "party"}, "event_type", "invalid_choice"),
        ({"condition": "lost"}, "condition", "invalid_choice"),
        ({"scheduled": "sometimes"}, "scheduled", "invalid"),
        ({"ordering": "price"}, "ordering", "invalid_choice"),
    ],
)
def test_bad_filter_values_are_400_problems_naming_the_parameter(
    api_as: ApiAs, reader_user: User, params: dict[str, str], attr: str, code: str
) -> None:
    response = api_as(reader_user).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]


def test_detail(api_as: ApiAs, reader_user: User) -> None:
    event = EventFactory.create(start_datetime=store_local(2026, 12, 14))
    row = api_as(reader_user).get(f"{URL}{event.pk}/").json()
    assert row["id"] == event.pk
    assert row["start_datetime"] == "2026-12-14T00:00:00-05:00"
    assert dt.datetime.fromisoformat(row["due_datetime"]).utcoffset() == dt.timedelta(hours=-5)


def test_list_rows_are_exactly_what_the_serializer_gives(api_as: ApiAs, reader_user: User) -> None:
    """The list builds rows from plain values; detail uses EventSerializer: same JSON."""
    from django.utils import timezone

    core = EventFactory.create(store_name="Club Ünïcode", estimated_minutes=None)
    EventFactory.create(event_type=EventType.SUPERVISOR, core_event=core)
    ScheduleFactory.create(event=core, employee__name="Zoë Brontë")
    EventFactory.create(
        project_name="606100-JUICER-Production",
        event_type=EventType.JUICER_PRODUCTION,
        sales_tool_url="https://tools.example.com/606100",
        last_synced_at=timezone.now(),
        condition=EventCondition.STAFFED,
    )
    summer = EventFactory.create(
        start_datetime=store_local(2026, 7, 1), due_datetime=store_local(2026, 7, 3)
    )
    ScheduleFactory.create(event=summer, start=store_local(2026, 7, 1, 10, 45))
    ScheduleFactory.create(event=EventFactory.create(), unscheduled_at=timezone.now())
    client = api_as(reader_user)
    rows = client.get(URL).json()["results"]
    assert len(rows) == 5
    for row in rows:
        assert client.get(f"{URL}{row['id']}/").content == _json_bytes(row)
        assert client.get(f"{URL}{row['id']}/").json() == row


def _json_bytes(row: dict[str, Any]) -> bytes:
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(row)
