"""The scheduling API contract: validate, schedule, reschedule, unschedule, trade, candidates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from employees.models import JobTitle
from events.types import EventType
from scheduler.models import Schedule, ScheduleChange
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], APIClient]
START = "2026-12-15T10:45:00-05:00"


@pytest.fixture
def manager(api_as: ApiAs, manager_user: User) -> APIClient:
    return api_as(manager_user)


def test_validate_answers_ok_and_violations(manager: APIClient, lead: Any) -> None:
    event = EventFactory.create()
    ok = manager.post(
        "/api/v1/schedules/validate/", {"event": event.pk, "employee": lead.pk, "start": START}
    )
    assert ok.status_code == 200
    assert ok.json() == {"ok": True, "violations": []}
    TimeOffFactory.create(employee=lead, start_date=dt.date(2026, 12, 15))
    refused = manager.post(
        "/api/v1/schedules/validate/",
        {"event": event.pk, "employee": lead.pk, "start": "2026-12-19T10:45:00-05:00"},
    ).json()
    assert refused["ok"] is False
    assert [(v["code"], v["severity"]) for v in refused["violations"]] == [
        ("outside_window", "hard")
    ]
    assert set(refused["violations"][0]) == {"code", "severity", "message", "details"}
    assert Schedule.objects.count() == 0


def test_validate_warnings_alone_are_ok(manager: APIClient) -> None:
    supervisor = EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR)
    event = EventFactory.create()
    body = manager.post(
        "/api/v1/schedules/validate/",
        {"event": event.pk, "employee": supervisor.pk, "start": START},
    ).json()
    assert body["ok"] is True
    assert [v["code"] for v in body["violations"]] == ["supervisor_on_core"]


def test_validate_runs_constant_queries_whatever_the_employees_schedules(
    manager: APIClient, lead: Any
) -> None:
    event = EventFactory.create()
    payload = {"event": event.pk, "employee": lead.pk, "start": START}
    before, response = count_queries(lambda: manager.post("/api/v1/schedules/validate/", payload))
    assert response.status_code == 200
    for day in range(12, 18):
        for hour in (9, 18):
            ScheduleFactory.create(
                employee=lead,
                event__event_type=EventType.OTHER,
                event__estimated_minutes=30,
                start=store_local(2026, 12, day, hour),
            )
    after, response = count_queries(lambda: manager.post("/api/v1/schedules/validate/", payload))
    assert response.json()["violations"]  # it sees them (proximity etc.)
    # session, user, event, employee, Primary Lead rotation and its exceptions, holidays,
    # time off, unavailable dates, bookings.
    assert before == after == 10


def test_create_schedules_and_cascades(manager: APIClient, lead: Any) -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    supervisor_event = EventFactory.create(
        event_type=EventType.SUPERVISOR, core_event=core, estimated_minutes=5
    )
    club = EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)
    response = manager.post(
        "/api/v1/schedules/", {"event": core.pk, "employee": lead.pk, "start": START}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["schedule"]["event"] == core.pk
    assert body["schedule"]["employee_name"] == "Lena Lead"
    assert body["schedule"]["start"] == START
    assert body["schedule"]["paired_event"] == supervisor_event.pk
    assert body["warnings"] == []
    cascaded = body["supervisor"]["schedule"]
    assert (cascaded["event"], cascaded["employee"]) == (supervisor_event.pk, club.pk)
    assert cascaded["start"] == "2026-12-15T12:45:00-05:00"
    assert ScheduleChange.objects.filter(source="api").count() == 2


def test_create_hard_violation_is_a_rule_violation_problem(manager: APIClient, lead: Any) -> None:
    event = EventFactory.create(event_type=EventType.JUICER_PRODUCTION)
    response = manager.post(
        "/api/v1/schedules/", {"event": event.pk, "employee": lead.pk, "start": START}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "rule_violation"
    assert [e["code"] for e in body["errors"]] == ["role_not_allowed"]
    assert Schedule.objects.count() == 0


def test_create_soft_violation_needs_acknowledge(manager: APIClient) -> None:
    club = EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR)
    event = EventFactory.create()
    payload = {"event": event.pk, "employee": club.pk, "start": START}
    refused = manager.post("/api/v1/schedules/", payload)
    assert refused.status_code == 400
    assert refused.json()["code"] == "unacknowledged_warnings"
    assert [e["code"] for e in refused.json()["errors"]] == ["supervisor_on_core"]
    assert Schedule.objects.count() == 0
    done = manager.post("/api/v1/schedules/", {**payload, "acknowledge": ["supervisor_on_core"]})
    assert done.status_code == 201
    assert [w["code"] for w in done.json()["warnings"]] == ["supervisor_on_core"]


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"employee": 1, "start": START}, "event"),
        ({"event": 999999, "employee": 1, "start": START}, "event"),
        ({"event": 1, "employee": 1, "start": "tomorrow"}, "start"),
        ({"event": 1, "employee": 1, "start": START, "acknowledge": ["overlap"]}, "acknowledge.0"),
    ],
)
def test_create_bad_input(manager: APIClient, payload: dict[str, Any], attr: str) -> None:
    response = manager.post("/api/v1/schedules/", payload)
    assert response.status_code == 400
    assert attr in [e["attr"] for e in response.json()["errors"]]


def test_create_twice_is_a_conflict(manager: APIClient, lead: Any) -> None:
    event = EventFactory.create()
    payload = {"event": event.pk, "employee": lead.pk, "start": START}
    assert manager.post("/api/v1/schedules/", payload).status_code == 201
    again = manager.post("/api/v1/schedules/", payload)
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_patch_reschedules_and_reassigns(manager: APIClient, lead: Any) -> None:
    event = EventFactory.create()
    created = manager.post(
        "/api/v1/schedules/", {"event": event.pk, "employee": lead.pk, "start": START}
    ).json()["schedule"]
    other = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    moved = manager.patch(
        f"/api/v1/schedules/{created['id']}/",
        {"start": "2026-12-16T11:15:00-05:00", "employee": other.pk},
    )
    assert moved.status_code == 200
    schedule = moved.json()["schedule"]
    assert (schedule["start"], schedule["employee"]) == ("2026-12-16T11:15:00-05:00", other.pk)
    assert schedule["end"] == "2026-12-16T17:45:00-05:00"


def test_delete_unschedules(manager: APIClient, lead: Any) -> None:
    schedule = ScheduleFactory.create(employee=lead)
    assert manager.delete(f"/api/v1/schedules/{schedule.pk}/").status_code == 204
    assert not Schedule.objects.live().exists()
    assert manager.delete(f"/api/v1/schedules/{schedule.pk}/").status_code == 404


def test_trade(manager: APIClient, lead: Any) -> None:
    other = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    a = ScheduleFactory.create(employee=lead)
    b = ScheduleFactory.create(employee=other, start=store_local(2026, 12, 15, 11, 15))
    response = manager.post("/api/v1/schedules/trade/", {"schedules": [a.pk, b.pk]})
    assert response.status_code == 200
    rows = response.json()["schedules"]
    assert [(r["id"], r["employee"]) for r in rows] == [(a.pk, other.pk), (b.pk, lead.pk)]
    bad = manager.post("/api/v1/schedules/trade/", {"schedules": [a.pk]})
    assert bad.status_code == 400
    missing = manager.post("/api/v1/schedules/trade/", {"schedules": [a.pk, 999999]})
    assert missing.status_code == 404


def test_a_trade_the_data_rules_out_names_why(manager: APIClient, lead: Any) -> None:
    other = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST)
    a = ScheduleFactory.create(employee=lead)
    next_day = ScheduleFactory.create(employee=other, start=store_local(2026, 12, 16, 10, 45))
    same_employee = ScheduleFactory.create(
        employee=lead,
        event=EventFactory.create(event_type=EventType.FREEOSK),
        start=store_local(2026, 12, 15, 18, 0),
    )
    for second, code, detail in (
        (next_day, "not_same_day", "Only schedules on the same day can be traded."),
        (same_employee, "same_employee", "Both schedules belong to the same employee."),
    ):
        response = manager.post("/api/v1/schedules/trade/", {"schedules": [a.pk, second.pk]})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert (body["code"], body["detail"]) == (code, detail)
    assert Schedule.objects.get(pk=a.pk).employee_id == lead.pk


def test_read_only_users_cannot_write_and_nothing_changes(
    api_as: ApiAs, reader_user: User, lead: Any
) -> None:
    reader = api_as(reader_user)
    event = EventFactory.create()
    schedule = ScheduleFactory.create(employee=lead, start=store_local(2026, 12, 16, 10, 45))
    payload = {"event": event.pk, "employee": lead.pk, "start": START}
    responses = [
        reader.post("/api/v1/schedules/", payload),
        reader.patch(f"/api/v1/schedules/{schedule.pk}/", {"start": START}),
        reader.delete(f"/api/v1/schedules/{schedule.pk}/"),
        reader.post("/api/v1/schedules/trade/", {"schedules": [schedule.pk, schedule.pk]}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all(r.json()["code"] == "permission_denied" for r in responses)
    assert list(Schedule.objects.values_list("pk", "start")) == [(schedule.pk, schedule.start)]
    # Checking is not writing: readers may validate.
    assert reader.post("/api/v1/schedules/validate/", payload).status_code == 200


def test_candidates_eligible_first_then_least_busy(manager: APIClient) -> None:
    event = EventFactory.create()
    busy = EmployeeFactory.create(name="Busy Bea", job_title=JobTitle.EVENT_SPECIALIST)
    EmployeeFactory.create(name="Free Fay", job_title=JobTitle.EVENT_SPECIALIST)
    off = EmployeeFactory.create(name="Off Otto", job_title=JobTitle.EVENT_SPECIALIST)
    EmployeeFactory.create(name="Club Cy", job_title=JobTitle.CLUB_SUPERVISOR)
    EmployeeFactory.create(name="Gone Gus", is_active=False)
    TimeOffFactory.create(employee=off, start_date=dt.date(2026, 12, 15))
    ScheduleFactory.create(employee=busy, start=store_local(2026, 12, 14, 10, 45))
    body = manager.get(f"/api/v1/events/{event.pk}/candidates/", {"start": START}).json()
    assert [(c["employee"]["name"], c["ok"]) for c in body] == [
        ("Club Cy", True),
        ("Free Fay", True),
        ("Busy Bea", True),
        ("Off Otto", False),
    ]
    assert body[2]["hours_this_week"] == 6.5
    assert [v["code"] for v in body[3]["violations"]] == ["time_off"]
    assert [v["code"] for v in body[0]["violations"]] == ["supervisor_on_core"]


def test_candidates_runs_constant_queries(manager: APIClient) -> None:
    event = EventFactory.create()
    EmployeeFactory.create_batch(5)
    url = f"/api/v1/events/{event.pk}/candidates/"
    five, response = count_queries(lambda: manager.get(url, {"start": START}))
    assert len(response.json()) == 5
    for employee in EmployeeFactory.create_batch(95):
        ScheduleFactory.create(employee=employee, start=store_local(2026, 12, 14, 10, 45))
    hundred, response = count_queries(lambda: manager.get(url, {"start": START}))
    assert len(response.json()) == 100
    # session, user, event, employees, Primary Lead rotation and its exceptions, holidays,
    # time off, unavailable, bookings, week hours.
    assert five == hundred == 11


@pytest.mark.parametrize(
    ("query", "status"), [({}, 400), ({"start": "soon"}, 400)], ids=["missing", "bad"]
)
def test_candidates_bad_start(manager: APIClient, query: dict[str, str], status: int) -> None:
    event = EventFactory.create()
    response = manager.get(f"/api/v1/events/{event.pk}/candidates/", query)
    assert response.status_code == status
    assert response.json()["errors"][0]["attr"] == "start"


def test_candidates_unknown_event(manager: APIClient) -> None:
    response = manager.get("/api/v1/events/999999/candidates/", {"start": START})
    assert response.status_code == 404
