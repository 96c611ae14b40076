"""Approved time off over live schedules leads to the call-out: the inbox lists what is
left to cover and links to the call-out page prefilled (employee, days, reason "Time
off"), offered by the attendance app through a hook of the employees app."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from rest_framework.test import APIClient

from attendance.models import CallOut, CallOutReason
from employees import hooks as employee_hooks
from employees.models import Employee, TimeOff
from scheduler.models import ChangeSource, Schedule
from selfservice.models import RequestStatus, TimeOffRequest
from tests.employees.factories import EmployeeFactory
from tests.selfservice.conftest import schedule_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def clashing(employee: Employee, today: dt.date) -> tuple[TimeOffRequest, list[Schedule]]:
    first, last = today + dt.timedelta(days=3), today + dt.timedelta(days=4)
    schedules = [
        schedule_on(employee, first, project_name="606801-CORE-Off Day One"),
        schedule_on(employee, last, project_name="606802-CORE-Off Day Two"),
    ]
    schedule_on(employee, today + dt.timedelta(days=6))  # after the request: not listed
    req = TimeOffRequest.objects.create(
        employee=employee, start_date=first, end_date=last, reason="Family wedding"
    )
    return req, schedules


def test_approving_lists_the_clashes_and_links_to_the_call_out_prefilled(
    manager_client: Client,
    employee: Employee,
    other: Employee,
    clashing: tuple[TimeOffRequest, list[Schedule]],
) -> None:
    req, schedules = clashing

    response = manager_client.post(f"/requests/{req.pk}/approve/", {"note": ""})

    assert response.status_code == 302
    assert response["Location"] == f"/requests/?approved={req.pk}"
    html = manager_client.get(response["Location"]).content.decode()
    assert "Emma Employee is off: 2 schedules to cover" in html
    assert "606801-CORE-Off Day One" in html and "606802-CORE-Off Day Two" in html
    link = re.search(r'<a class="button" href="([^"]+)">Cover them \(call-out\)</a>', html)
    assert link is not None
    url = unescape(link.group(1))
    assert url == (
        f"/attendance/call-out/{employee.pk}/?reason=time_off"
        f"&first_day={req.start_date.isoformat()}&last_day={req.end_date.isoformat()}"
    )

    callout = manager_client.get(url)
    assert callout.status_code == 200
    page = callout.content.decode()
    assert "2 schedules from" in page and "Time off" in page

    applied = manager_client.post(
        f"/attendance/call-out/{employee.pk}/apply/",
        {
            "reason": "time_off",
            "first_day": req.start_date.isoformat(),
            "last_day": req.end_date.isoformat(),
            "schedule": [str(s.pk) for s in schedules],
            f"replace-{schedules[0].pk}": str(other.pk),
            f"replace-{schedules[1].pk}": "",
        },
    )

    assert applied.status_code == 302
    call_out = CallOut.objects.get()
    assert (call_out.reason, call_out.first_day, call_out.last_day) == (
        CallOutReason.TIME_OFF,
        req.start_date,
        req.end_date,
    )
    assert call_out.time_off is None  # the approval recorded it: not written twice
    assert TimeOff.objects.filter(employee=employee).count() == 1
    assert Schedule.objects.live().get(pk=schedules[0].pk).employee == other
    assert not Schedule.objects.live().filter(pk=schedules[1].pk).exists()
    assert set(
        Schedule.objects.filter(pk__in=[s.pk for s in schedules]).values_list(
            "changes__source", flat=True
        )
    ) == {ChangeSource.CALL_OUT}
    after = manager_client.get(f"/requests/?approved={req.pk}").content.decode()
    assert "to cover" not in after  # nothing left


def test_without_the_attendance_app_the_clashes_are_listed_without_the_link(
    manager_client: Client, clashing: tuple[TimeOffRequest, list[Schedule]]
) -> None:
    req, _ = clashing
    saved = employee_hooks._time_off_cover.pop("attendance.callout")
    try:
        manager_client.post(f"/requests/{req.pk}/approve/")
        html = manager_client.get(f"/requests/?approved={req.pk}").content.decode()
    finally:
        employee_hooks.register_time_off_cover("attendance.callout", saved)
    assert "2 schedules to cover" in html and "Move or replace each from its event page." in html
    assert "call-out" not in html.lower().split("<main", 1)[1]


def test_no_clash_no_panel_and_a_pending_or_unknown_id_shows_nothing(
    manager_client: Client, employee: Employee, today: dt.date
) -> None:
    day = today + dt.timedelta(days=2)
    req = TimeOffRequest.objects.create(employee=employee, start_date=day, end_date=day)
    assert "to cover" not in manager_client.get(f"/requests/?approved={req.pk}").content.decode()
    manager_client.post(f"/requests/{req.pk}/approve/")
    for query in (f"?approved={req.pk}", "?approved=999999", "?approved=x", "?approved=9" * 30):
        response = manager_client.get(f"/requests/{query}")
        assert response.status_code == 200 and "to cover" not in response.content.decode()


def test_the_api_answers_the_clashes_and_the_call_out_link(
    manager_user: object, employee: Employee, clashing: tuple[TimeOffRequest, list[Schedule]]
) -> None:
    req, schedules = clashing
    api = APIClient()
    api.force_login(manager_user)  # type: ignore[arg-type]

    body = api.post(f"/api/v1/requests/{req.pk}/approve/", {}, format="json").json()

    assert body["status"] == RequestStatus.APPROVED and body["id"] == req.pk
    assert [c["id"] for c in body["clashes"]] == [s.pk for s in schedules]
    assert body["clashes"][0]["event_name"] == "606801-CORE-Off Day One"
    assert body["cover_links"] == [
        {
            "text": "Cover them (call-out)",
            "url": f"/attendance/call-out/{employee.pk}/?reason=time_off"
            f"&first_day={req.start_date.isoformat()}&last_day={req.end_date.isoformat()}",
        }
    ]


def test_the_follow_up_runs_constant_queries(
    manager_client: Client, employee: Employee, today: dt.date
) -> None:
    from tests.queries import assert_constant_queries

    first = today + dt.timedelta(days=1)
    req = TimeOffRequest.objects.create(
        employee=employee, start_date=first, end_date=first + dt.timedelta(days=20)
    )
    manager_client.post(f"/requests/{req.pk}/approve/")
    added = iter(range(1, 21))

    def grow() -> None:
        for _ in range(8):
            schedule_on(employee, first + dt.timedelta(days=next(added)))
            EmployeeFactory.create()

    schedule_on(employee, first)
    # Session, user, permissions (2), the pending and the decided requests (nothing
    # pending: no clash look-up), then the approved request and its live schedules.
    assert_constant_queries(
        lambda: manager_client.get(f"/requests/?approved={req.pk}"), grow, expected=8
    )
