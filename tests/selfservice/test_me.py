"""/me/ and GET /api/v1/me/schedules/: the employee's own schedules, nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from employees.models import Employee
from events.types import EventType
from scheduler.models import Schedule
from selfservice.models import EmployeePreferences
from tests.events.factories import EventFactory
from tests.scheduler.factories import ScheduleFactory
from tests.selfservice.conftest import local_at, schedule_on

pytestmark = pytest.mark.django_db


def test_me_shows_own_schedules_in_window_only(
    employee_client: Client, employee: Employee, other: Employee, today: dt.date
) -> None:
    mine = schedule_on(employee, today + dt.timedelta(days=2), project_name="606100-CORE-Mine")
    schedule_on(employee, today - dt.timedelta(days=7), project_name="606101-CORE-LastWeek")
    schedule_on(employee, today - dt.timedelta(days=8), project_name="606102-CORE-TooOld")
    schedule_on(employee, today + dt.timedelta(days=15), project_name="606103-CORE-TooFar")
    schedule_on(other, today + dt.timedelta(days=2), project_name="606104-CORE-Others")

    response = employee_client.get("/me/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "606100-CORE-Mine" in html
    assert "606101-CORE-LastWeek" in html
    assert "606102-CORE-TooOld" not in html
    assert "606103-CORE-TooFar" not in html
    assert "606104-CORE-Others" not in html
    assert "Otto Other" not in html
    assert mine.event.store_name in html


def test_me_shows_partner_and_sales_tool(
    employee_client: Client, employee: Employee, other: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=1)
    core = EventFactory.create(
        project_name="606200-CORE-Pretzel",
        start_datetime=local_at(day, 0, 0),
        due_datetime=local_at(day + dt.timedelta(days=1), 0, 0),
        sales_tool_url="https://tools.example.com/606200.pdf",
    )
    supervisor = EventFactory.create(
        project_name="606200-Supervisor-Pretzel",
        event_type=EventType.SUPERVISOR,
        estimated_minutes=5,
        core_event=core,
        start_datetime=core.start_datetime,
        due_datetime=core.due_datetime,
    )
    ScheduleFactory.create(event=core, employee=employee, start=local_at(day))
    ScheduleFactory.create(event=supervisor, employee=other, start=local_at(day, 12, 45))

    html = employee_client.get("/me/").content.decode()

    assert "Supervisor check-in: Otto Other" in html
    assert "https://tools.example.com/606200.pdf" in html
    assert other.phone not in html and other.email not in html


def test_me_highlights_changes_since_last_look(
    employee_client: Client, employee: Employee, today: dt.date
) -> None:
    old = schedule_on(employee, today + dt.timedelta(days=1), project_name="606300-CORE-Old")
    gone = schedule_on(employee, today + dt.timedelta(days=3), project_name="606302-CORE-Gone")
    seen = timezone.now() - dt.timedelta(minutes=10)
    EmployeePreferences.objects.create(employee=employee, schedule_seen_at=seen)
    Schedule.objects.filter(pk=old.pk).update(updated_at=seen - dt.timedelta(minutes=5))
    Schedule.objects.filter(pk=gone.pk).update(unscheduled_at=seen + dt.timedelta(minutes=1))
    new = schedule_on(employee, today + dt.timedelta(days=2), project_name="606301-CORE-New")
    Schedule.objects.filter(pk=new.pk).update(updated_at=seen + dt.timedelta(minutes=1))

    html = employee_client.get("/me/").content.decode()

    assert html.count("New or changed</span>") == 1
    assert "1 new or changed since you last looked; 1 taken off your schedule." in html
    assert "606302-CORE-Gone" in html  # under "Taken off your schedule"
    seen_now = EmployeePreferences.objects.get(employee=employee).schedule_seen_at
    assert seen_now is not None and seen_now > seen
    # Looked at: nothing is new any more.
    assert "New or changed</span>" not in employee_client.get("/me/").content.decode()


def test_me_for_an_account_without_employee_is_404(manager_client: Client) -> None:
    assert manager_client.get("/me/").status_code == 404


def test_me_queries_constant(
    employee_client: Client,
    employee: Employee,
    today: dt.date,
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    def add(n: int, offset: int) -> None:
        for i in range(n):
            schedule_on(employee, today + dt.timedelta(days=offset + i))

    add(1, 0)
    employee_client.get("/me/")
    # session, user (+ employee), preferences, schedules, removed, seen, 2 x role (nav)
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert employee_client.get("/me/").status_code == 200
    add(6, 1)
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert employee_client.get("/me/").status_code == 200


def test_api_me_schedules(
    employee_client: Client, employee: Employee, other: Employee, today: dt.date
) -> None:
    mine = schedule_on(employee, today + dt.timedelta(days=1), project_name="606400-CORE-Mine")
    schedule_on(other, today + dt.timedelta(days=1), project_name="606401-CORE-Theirs")

    body = employee_client.get("/api/v1/me/schedules/").json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == mine.pk
    assert row["event"]["project_name"] == "606400-CORE-Mine"
    assert row["paired_employee_name"] is None
    assert "email" not in str(body) and other.name not in str(body)


def test_api_me_schedules_bad_range_is_400(employee_client: Client) -> None:
    response = employee_client.get("/api/v1/me/schedules/?date_from=2026-12-10&date_to=2026-12-01")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["attr"] == "date_to"
    assert employee_client.get("/api/v1/me/schedules/?date_from=nope").status_code == 400


def test_api_me_schedules_without_employee_is_404(manager_client: Client) -> None:
    assert manager_client.get("/api/v1/me/schedules/").status_code == 404


def test_api_me_schedules_queries_constant(
    employee_client: Client,
    employee: Employee,
    today: dt.date,
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    schedule_on(employee, today)
    with django_assert_num_queries(3):  # type: ignore[operator]
        employee_client.get("/api/v1/me/schedules/")
    for i in range(1, 6):
        schedule_on(employee, today + dt.timedelta(days=i))
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert employee_client.get("/api/v1/me/schedules/").json()["count"] == 6
