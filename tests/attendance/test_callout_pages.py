"""The call-out page, its API twin, the admin's Deactivate warning, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from attendance.models import CallOut
from employees.models import Employee, JobTitle
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seven_am")]

DAY = dt.date(2026, 12, 15)


def core_at(employee: Employee, day: int, hour: int = 10, minute: int = 45) -> Schedule:
    return ScheduleFactory.create(
        event=EventFactory.create(
            start_datetime=store_local(2026, 12, 14), due_datetime=store_local(2026, 12, 31)
        ),
        employee=employee,
        start=store_local(2026, 12, day, hour, minute),
    )


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_plan_and_apply_covers_it(manager: Client) -> None:
    out = EmployeeFactory.create(name="Ann Out")
    mine = core_at(out, 15)
    EmployeeFactory.create(name="Cy Free")
    EmployeeFactory.create(name="Di Blocked", job_title=JobTitle.CLUB_SUPERVISOR, is_active=False)

    page = manager.get(f"/attendance/call-out/{out.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "1 schedule on Tue 15 Dec 2026" in html
    assert f'name="replace-{mine.pk}"' in html
    assert "Cy Free · Event Specialist · 0 h that week</option>" in html
    assert "Leave unscheduled</option>" in html
    cy = Employee.objects.get(name="Cy Free")

    response = manager.post(
        f"/attendance/call-out/{out.pk}/apply/",
        {
            "reason": "sick",
            "first_day": "2026-12-15",
            "last_day": "2026-12-15",
            "schedule": [str(mine.pk)],
            f"replace-{mine.pk}": str(cy.pk),
            f"seen-{mine.pk}": mine.updated_at.isoformat(),
            "note": "Flu",
        },
    )

    call_out = CallOut.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/attendance/call-outs/{call_out.pk}/"
    mine.refresh_from_db()
    assert mine.employee == cy
    detail = manager.get(response["Location"]).content.decode()
    assert "Ann Out is marked out. 1 change made." in detail
    assert "Replaced by Cy Free." in detail


def test_a_stale_page_is_refused_row_by_row(manager: Client) -> None:
    out = EmployeeFactory.create()
    mine = core_at(out, 15)
    cy = EmployeeFactory.create()
    seen = mine.updated_at.isoformat()
    Schedule.objects.filter(pk=mine.pk).update(updated_at=store_local(2026, 12, 15, 6, 59))

    response = manager.post(
        f"/attendance/call-out/{out.pk}/apply/",
        {
            "reason": "sick",
            "first_day": "2026-12-15",
            "schedule": [str(mine.pk)],
            f"replace-{mine.pk}": str(cy.pk),
            f"seen-{mine.pk}": seen,
        },
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "0 changes made; 1 refused (see below)." in html
    assert "Refused: this schedule changed meanwhile; reload to see it as it is now." in html
    mine.refresh_from_db()
    assert mine.employee == out


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "first_day=2026-12-15&last_day=2026-12-14",
            "The last day must not be before the first day.",
        ),
        ("first_day=nonsense", "Enter a valid date."),
        ("first_day=2026-12-15&reason=bored", "Select a valid choice."),
        ("first_day=2026-01-01&last_day=2027-06-01", "At most a year."),
    ],
)
def test_bad_input_on_the_page_is_a_400_naming_the_field(manager: Client, query, error) -> None:
    out = EmployeeFactory.create()
    response = manager.get(f"/attendance/call-out/{out.pk}/?{query}")
    assert response.status_code == 400
    assert error in response.content.decode()


def test_readers_cannot_mark_anyone_out(reader: Client) -> None:
    out = EmployeeFactory.create()
    mine = core_at(out, 15)
    assert reader.get(f"/attendance/call-out/{out.pk}/").status_code == 403
    response = reader.post(
        f"/attendance/call-out/{out.pk}/apply/",
        {"reason": "sick", "first_day": "2026-12-15", "schedule": [str(mine.pk)]},
    )
    assert response.status_code == 403
    assert CallOut.objects.count() == 0


def test_the_day_page_and_the_employee_page_link_to_mark_out(manager: Client) -> None:
    out = EmployeeFactory.create()
    core_at(out, 15)
    day = manager.get("/day/2026-12-15/").content.decode()
    assert f'href="/attendance/call-out/{out.pk}/?first_day=2026-12-15">Mark out' in day
    employee = manager.get(f"/employees/{out.pk}/").content.decode()
    assert f'href="/attendance/call-out/{out.pk}/">Mark out</a>' in employee


@pytest.mark.parametrize("employees", [10, 100])
def test_the_page_runs_constant_queries_at_1_and_10_schedules(
    manager: Client, employees: int
) -> None:
    out = EmployeeFactory.create()
    EmployeeFactory.create_batch(employees - 1)
    core_at(out, 15)
    url = f"/attendance/call-out/{out.pk}/?first_day=2026-12-15&last_day=2026-12-29"
    one, response = count_queries(lambda: manager.get(url))
    assert response.status_code == 200
    for day in range(16, 25):
        core_at(out, day)
    ten, response = count_queries(lambda: manager.get(url))
    assert response.content.decode().count('name="schedule"') == 10
    assert one == ten == 17


# --- the API ----------------------------------------------------------------------------------


def test_api_preview_then_apply(api_as, manager_user: User) -> None:
    out = EmployeeFactory.create()
    mine = core_at(out, 15)
    cy = EmployeeFactory.create(name="Cy Free")
    client = api_as(manager_user)
    url = f"/api/v1/employees/{out.pk}/call-out/"

    preview = client.post(url, {"reason": "sick", "first_day": "2026-12-15", "preview": True})

    assert preview.status_code == 200
    body = preview.json()
    assert (body["employee"], body["last_day"], body["rotation_exceptions"]) == (
        out.pk,
        "2026-12-15",
        [],
    )
    (row,) = body["rows"]
    assert (row["schedule"], row["started"], row["pick"]["name"]) == (mine.pk, False, "Cy Free")
    assert row["candidates"][0]["ok"] is True
    assert CallOut.objects.count() == 0 and Schedule.objects.get().employee == out

    applied = client.post(url, {"reason": "sick", "first_day": "2026-12-15"})

    assert applied.status_code == 201
    assert [o["outcome"] for o in applied.json()["outcomes"]] == ["replaced"]
    mine.refresh_from_db()
    assert mine.employee == cy


def test_api_explicit_replacements_and_leave_unscheduled(api_as, manager_user: User) -> None:
    out = EmployeeFactory.create()
    _first, second = core_at(out, 15), core_at(out, 16)
    EmployeeFactory.create()
    response = api_as(manager_user).post(
        f"/api/v1/employees/{out.pk}/call-out/",
        {
            "reason": "personal",
            "first_day": "2026-12-15",
            "last_day": "2026-12-16",
            "replacements": [{"schedule": second.pk, "employee": None}],
        },
    )
    assert response.status_code == 201
    assert [o["outcome"] for o in response.json()["outcomes"]] == ["replaced", "unscheduled"]
    second.refresh_from_db()
    assert not second.is_live


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        (
            {"reason": "sick", "first_day": "2026-12-15", "last_day": None},
            "last_day",
            "open_ended_only_terminated",
        ),
        (
            {"reason": "sick", "first_day": "2026-12-15", "last_day": "2026-12-01"},
            "last_day",
            "invalid_range",
        ),
        ({"reason": "bored", "first_day": "2026-12-15"}, "reason", "invalid_choice"),
        ({"reason": "sick"}, "first_day", "required"),
        (
            {"reason": "sick", "first_day": "2026-12-15", "acknowledge": ["overlap"]},
            "acknowledge.0",
            "invalid_choice",
        ),
        (
            {
                "reason": "sick",
                "first_day": "2026-12-15",
                "replacements": [{"schedule": 1, "employee": 1}, {"schedule": 1, "employee": 2}],
            },
            "replacements",
            "duplicate_schedule",
        ),
        (
            {"reason": "sick", "first_day": "2026-12-15", "replacements": [{"schedule": 2**70}]},
            "replacements.0.schedule",
            "max_value",
        ),
    ],
)
def test_api_bad_input_is_a_400_problem_and_changes_nothing(
    api_as, manager_user: User, body, attr, code
) -> None:
    out = EmployeeFactory.create()
    core_at(out, 15)
    response = api_as(manager_user).post(f"/api/v1/employees/{out.pk}/call-out/", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert (attr, code) in {(e["attr"], e["code"]) for e in response.json()["errors"]}
    assert CallOut.objects.count() == 0


def test_api_access(api_as, reader_user: User, manager_user: User) -> None:
    out = EmployeeFactory.create()
    body = {"reason": "sick", "first_day": "2026-12-15", "preview": True}
    assert api_as(None).post(f"/api/v1/employees/{out.pk}/call-out/", body).status_code == 401
    assert (
        api_as(reader_user).post(f"/api/v1/employees/{out.pk}/call-out/", body).status_code == 403
    )
    missing = api_as(manager_user).post("/api/v1/employees/999999/call-out/", body)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


# --- the admin's Deactivate ---------------------------------------------------------------


def test_deactivate_warns_about_future_schedules_with_a_link(staff_client: Client) -> None:
    out = EmployeeFactory.create(name="Ann Out")
    core_at(out, 15)
    core_at(out, 16)
    idle = EmployeeFactory.create(name="Ida Idle")

    response = staff_client.post(
        "/admin/employees/employee/",
        {"action": "deactivate", "_selected_action": [out.pk, idle.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "2 employees deactivated." in html
    assert (
        "Ann Out still has 2 schedules from today on. "
        f'<a href="/attendance/call-out/{out.pk}/?reason=terminated&amp;first_day=2026-12-15">'
        "Cover them (call-out)</a>"
    ) in html
    assert "Ida Idle still has" not in html
