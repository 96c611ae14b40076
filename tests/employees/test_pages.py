"""The employee list and page, and adding / removing time off from the page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from employees.models import Employee, JobTitle, RotationKind, TimeOff
from events.types import EventType
from scheduler.models import Schedule
from tests.employees.factories import (
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

# Wednesday 16 December 2026, 08:00 in the store's zone: the week is Mon 14 .. Sun 20.
NOW = store_local(2026, 12, 16, 8, 0)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text(html: str) -> str:
    """The visible words of some HTML, spaces normalised."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([,.:])", r"\1", words).strip()


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def work(
    employee: Employee, day: int, hour: int, event_type: str = EventType.CORE, **kw: Any
) -> Schedule:
    """A live schedule of `employee` on December `day` at `hour`:00 (store time)."""
    event = EventFactory.create(
        event_type=event_type,
        estimated_minutes=None,
        start_datetime=store_local(2026, 12, 1),
        due_datetime=store_local(2026, 12, 31),
    )
    return ScheduleFactory.create(
        event=event, employee=employee, start=store_local(2026, 12, day, hour), **kw
    )


def add_url(pk: int) -> str:
    return f"/employees/{pk}/time-off/"


def remove_url(pk: int, timeoff_pk: int) -> str:
    return f"/employees/{pk}/time-off/{timeoff_pk}/remove/"


# --- access -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    employee = EmployeeFactory.create()
    time_off = TimeOffFactory.create(employee=employee)
    for method, url in [
        ("get", "/employees/"),
        ("get", f"/employees/{employee.pk}/"),
        ("post", add_url(employee.pk)),
        ("post", remove_url(employee.pk, time_off.pk)),
    ]:
        response = getattr(client, method)(
            url, {"start_date": "2026-12-20", "end_date": "2026-12-21"}
        )
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/accounts/login/?next={url}")
    assert list(TimeOff.objects.values_list("pk", flat=True)) == [time_off.pk]


@pytest.mark.parametrize("role", ["manager_user", "reader_user", "staff_user"])
def test_every_signed_in_user_reads(
    client: Client, role: str, request: pytest.FixtureRequest
) -> None:
    employee = EmployeeFactory.create()
    client = signed_in(client, request.getfixturevalue(role))
    assert client.get("/employees/").status_code == 200
    assert client.get(f"/employees/{employee.pk}/").status_code == 200


def test_employee_page_marks_employees_in_the_navigation(client: Client, reader_user: User) -> None:
    employee = EmployeeFactory.create()
    html = signed_in(client, reader_user).get(f"/employees/{employee.pk}/").content.decode()
    assert re.findall(r'<a href="([^"]*)" aria-current="page">', html) == ["/employees/"]


def test_unknown_employee_is_not_found(client: Client, manager_user: User) -> None:
    response = signed_in(client, manager_user).get("/employees/999999/")
    assert response.status_code == 404
    assert "Error id:" in response.content.decode()


def test_read_only_users_see_no_write_buttons_nor_contact_details(
    client: Client, manager_user: User, reader_user: User
) -> None:
    employee = EmployeeFactory.create(email="ana@example.com", phone="317-555-0101")
    TimeOffFactory.create(employee=employee, start_date=TODAY, end_date=TODAY)
    url = f"/employees/{employee.pk}/"
    as_manager = signed_in(client, manager_user).get(url).content.decode()
    assert f'action="{add_url(employee.pk)}"' in as_manager
    assert ">Remove<" in as_manager
    assert "ana@example.com" in as_manager
    assert "ana@example.com" in signed_in(client, manager_user).get("/employees/").content.decode()
    client.logout()
    as_reader = signed_in(client, reader_user).get(url).content.decode()
    assert "time-off/" not in as_reader
    assert "Remove" not in as_reader
    assert "ana@example.com" not in as_reader
    assert "317-555-0101" not in as_reader
    assert (
        "ana@example.com" not in signed_in(client, reader_user).get("/employees/").content.decode()
    )


# --- list -------------------------------------------------------------------------------


def test_list_shows_title_status_availability_and_hours_this_week(
    client: Client, manager_user: User
) -> None:
    ana = EmployeeFactory.create(name="Ana Diaz", external_id="US100001")
    bo = EmployeeFactory.create(
        name="Bo Chen", job_title=JobTitle.CLUB_SUPERVISOR, available_sat=False, available_sun=False
    )
    cy = EmployeeFactory.create(name="Cy Old", is_active=False)
    work(ana, 14, 10)  # Core: 6.5 h
    work(ana, 17, 9, EventType.FREEOSK)  # 0.5 h
    work(ana, 20, 10, EventType.FREEOSK)  # Sunday: still this week
    work(ana, 13, 10)  # last Sunday: another week
    work(ana, 21, 10)  # next Monday: another week
    gone = work(ana, 18, 10)
    gone.unscheduled_at = NOW
    gone.save()  # unscheduled: history, not hours
    work(bo, 15, 13, EventType.SUPERVISOR)  # 5 minutes
    response = signed_in(client, manager_user).get("/employees/")
    assert [(r.employee, r.hours_this_week) for r in response.context["rows"]] == [
        (ana, 7.5),
        (bo, 0.08),
        (cy, 0.0),
    ]
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [text("<tr" + r) for r in body.split("<tr")[1:]]
    assert rows[0].startswith("Ana Diaz US100001 Event Specialist 7.5 h Active")
    assert rows[0].endswith(f"Sunday available {ana.email} {ana.phone}")
    assert "Club Supervisor 0.1 h Active" in rows[1]
    assert "Saturday not available" in rows[1]
    assert "Friday available" in rows[1]
    assert "0.1 h" in rows[1]
    assert "Cy Old" in rows[2]
    assert "Inactive" in rows[2]
    assert "0.0 h" in rows[2]
    assert f'<a href="/employees/{ana.pk}/">Ana Diaz</a>' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"job_title": "club_supervisor"}, ["Bo Chen"]),
        ({"is_active": "false"}, ["Cy Old"]),
        ({"is_active": "true"}, ["Ana Diaz", "Bo Chen"]),
        ({"search": "chen"}, ["Bo Chen"]),
        ({"search": "US100003"}, ["Cy Old"]),
        ({"job_title": "", "is_active": "", "search": ""}, ["Ana Diaz", "Bo Chen", "Cy Old"]),
    ],
)
def test_list_filters(
    client: Client, reader_user: User, params: dict[str, str], expected: list[str]
) -> None:
    EmployeeFactory.create(name="Ana Diaz", external_id="US100001")
    EmployeeFactory.create(
        name="Bo Chen", external_id="US100002", job_title=JobTitle.CLUB_SUPERVISOR
    )
    EmployeeFactory.create(name="Cy Old", external_id="US100003", is_active=False)
    response = signed_in(client, reader_user).get("/employees/", params)
    assert response.status_code == 200
    assert [r.employee.name for r in response.context["rows"]] == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [({"job_title": "chef"}, "Job title"), ({"is_active": "maybe"}, "Status")],
)
def test_list_shows_bad_filter_values_as_form_errors(
    client: Client, reader_user: User, params: dict[str, str], field: str
) -> None:
    EmployeeFactory.create()
    response = signed_in(client, reader_user).get("/employees/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{field}: Select a valid choice." in text(html)
    assert 'aria-invalid="true"' in html
    assert response.context["rows"] == []


def test_list_runs_a_constant_number_of_queries(client: Client, manager_user: User) -> None:
    def grow() -> None:
        for i in range(40):
            employee = EmployeeFactory.create(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
            work(employee, 14 + i % 7, 10)
            TimeOffFactory.create(employee=employee)

    EmployeeFactory.create()
    client.force_login(manager_user)
    # session + user, two permission lookups, the week's hours, the employees.
    assert_constant_queries(lambda: client.get("/employees/"), grow, expected=6)


# --- detail -----------------------------------------------------------------------------


def test_detail_shows_availability_time_off_rotations_and_upcoming_schedules(
    client: Client, reader_user: User
) -> None:
    ana = EmployeeFactory.create(
        name="Ana Diaz", job_title=JobTitle.JUICER_BARISTA, available_tue=False
    )
    other = EmployeeFactory.create()
    TimeOffFactory.create(
        employee=ana, start_date=dt.date(2026, 12, 1), end_date=TODAY - dt.timedelta(days=1)
    )
    current = TimeOffFactory.create(
        employee=ana, start_date=TODAY, end_date=dt.date(2026, 12, 17), reason="Dentist"
    )
    later = TimeOffFactory.create(
        employee=ana,
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 8),
        reason="Vacation",
    )
    TimeOffFactory.create(employee=other, start_date=TODAY, end_date=TODAY)
    UnavailableDateFactory.create(employee=ana, date=dt.date(2026, 12, 15), reason="Past")
    UnavailableDateFactory.create(employee=ana, date=dt.date(2026, 12, 22), reason="Court")
    RotationFactory.create(employee=ana, weekday=0, kind=RotationKind.JUICER)
    RotationFactory.create(employee=ana, weekday=3, kind=RotationKind.PRIMARY_LEAD)
    RotationExceptionFactory.create(employee=ana, date=dt.date(2026, 12, 23), reason="Swap")
    RotationExceptionFactory.create(employee=ana, date=dt.date(2026, 12, 10))
    work(ana, 15, 10)  # yesterday: not upcoming, but this week's hours
    tomorrow = work(ana, 17, 9, EventType.JUICER_PRODUCTION)
    next_week = work(ana, 22, 10, EventType.FREEOSK)
    gone = work(ana, 18, 10)
    gone.unscheduled_at = NOW
    gone.save()
    response = signed_in(client, reader_user).get(f"/employees/{ana.pk}/")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["employee"].current_time_off == [current, later]
    assert [s.pk for s in ctx["schedules"]] == [tomorrow.pk, next_week.pk]
    assert ctx["hours_this_week"] == 15.5  # 6.5 yesterday + 9 tomorrow
    html = response.content.decode()
    assert "Juicer Barista" in html
    assert "15.5 h" in text(section(html, "about-title"))
    week = text(section(html, "week-title"))
    assert "Monday ✓ Available Tuesday ✕ Not available Wednesday ✓ Available" in week
    time_off = text(section(html, "timeoff-title"))
    assert "Wed 16 Dec 2026 Thu 17 Dec 2026 Dentist" in time_off
    assert "Mon 4 Jan 2027 Fri 8 Jan 2027 Vacation" in time_off
    assert "Tue 15 Dec" not in time_off
    unavailable = text(section(html, "unavailable-title"))
    assert "Tue 22 Dec 2026 (Court)" in unavailable
    assert "Past" not in unavailable
    rotations = text(section(html, "rotation-title"))
    assert "Monday: Juicer" in rotations
    assert "Thursday: Primary Lead" in rotations
    assert "Wed 23 Dec 2026: Juicer (Swap)" in rotations
    assert "10 Dec" not in rotations
    schedules = section(html, "schedules-title")
    assert f'<a href="/events/{tomorrow.event_id}/">' in schedules
    assert '<a href="/day/2026-12-17/">Thu 17 Dec</a>' in schedules
    assert "09:00" in schedules and "18:00" in schedules  # juicer: 540 minutes
    assert f'/events/{gone.event_id}/"' not in schedules


def test_detail_runs_a_constant_number_of_queries(client: Client, manager_user: User) -> None:
    ana = EmployeeFactory.create()

    def grow() -> None:
        for i in range(20):
            work(ana, 14 + i % 14, 8 + i // 14 * 2, EventType.FREEOSK)
            TimeOffFactory.create(
                employee=ana,
                start_date=dt.date(2027, 1, 1) + dt.timedelta(days=2 * i),
                end_date=dt.date(2027, 1, 1) + dt.timedelta(days=2 * i),
            )
            UnavailableDateFactory.create(
                employee=ana, date=dt.date(2027, 3, 1) + dt.timedelta(days=i)
            )
            RotationExceptionFactory.create(
                employee=ana, date=dt.date(2027, 4, 1) + dt.timedelta(days=i)
            )
        for weekday in range(7):
            RotationFactory.create(employee=ana, weekday=weekday)

    client.force_login(manager_user)
    # session + user, two permission lookups, the employee and four prefetches (time off,
    # unavailable dates, rotations, rotation exceptions), the week's hours, upcoming
    # schedules with their events, the attendance app's last 90 days.
    assert_constant_queries(lambda: client.get(f"/employees/{ana.pk}/"), grow, expected=12)


# --- time off: add ----------------------------------------------------------------------


def test_manager_adds_time_off(client: Client, manager_user: User) -> None:
    ana = EmployeeFactory.create(name="Ana Diaz")
    client = signed_in(client, manager_user)
    response = client.post(
        add_url(ana.pk),
        {"start_date": "2026-12-21", "end_date": "2026-12-23", "reason": " Family "},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/employees/{ana.pk}/"
    assert list(TimeOff.objects.values_list("employee", "start_date", "end_date", "reason")) == [
        (ana.pk, dt.date(2026, 12, 21), dt.date(2026, 12, 23), "Family")
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Time off added: Mon 21 Dec 2026 to Wed 23 Dec 2026."
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Time off added: Mon 21 Dec 2026 to Wed 23 Dec 2026." in page


def test_adding_time_off_over_schedules_warns_about_them(
    client: Client, manager_user: User
) -> None:
    ana = EmployeeFactory.create(name="Ana Diaz")
    clash = work(ana, 22, 10)
    clash.event.project_name = "606034-CORE-Super Pretzel"
    clash.event.save()
    work(ana, 24, 10)  # after the time off
    response = signed_in(client, manager_user).post(
        add_url(ana.pk), {"start_date": "2026-12-22", "end_date": "2026-12-22"}
    )
    assert response.status_code == 302
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("success", "Time off added: Tue 22 Dec 2026."),
        (
            "warning",
            "Ana Diaz is still scheduled on 1 event in that time: "
            "Tue 22 Dec 10:00 606034-CORE-Super Pretzel. Reschedule or unschedule them.",
        ),
    ]
    assert TimeOff.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        (
            {"start_date": "2026-12-23", "end_date": "2026-12-21"},
            "The last day must not be before the first day.",
        ),
        ({"start_date": "", "end_date": "2026-12-21"}, "This field is required."),
        ({"start_date": "21/12/2026", "end_date": "2026-12-21"}, "Enter a valid date."),
        (
            {"start_date": "2026-12-21", "end_date": "2026-12-21", "reason": "x" * 201},
            "at most 200 characters",
        ),
    ],
)
def test_invalid_time_off_is_refused_with_the_error_shown(
    client: Client, manager_user: User, data: dict[str, str], field_error: str
) -> None:
    ana = EmployeeFactory.create()
    response = signed_in(client, manager_user).post(add_url(ana.pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html
    assert "Nothing was saved: correct the fields marked below." in html
    assert "Time off was not added: correct the fields marked under" in html
    assert 'aria-invalid="true"' in html
    assert TimeOff.objects.count() == 0


def test_overlapping_time_off_is_refused(client: Client, manager_user: User) -> None:
    ana = EmployeeFactory.create()
    existing = TimeOffFactory.create(
        employee=ana, start_date=dt.date(2026, 12, 21), end_date=dt.date(2026, 12, 23)
    )
    TimeOffFactory.create(
        start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 31)
    )  # someone else
    response = signed_in(client, manager_user).post(
        add_url(ana.pk), {"start_date": "2026-12-23", "end_date": "2026-12-24"}
    )
    assert response.status_code == 400
    assert (
        "This overlaps time off already recorded from Mon 21 Dec 2026 to Wed 23 Dec 2026."
        in response.content.decode()
    )
    assert list(TimeOff.objects.filter(employee=ana)) == [existing]


def test_read_only_user_cannot_add_time_off(client: Client, reader_user: User) -> None:
    ana = EmployeeFactory.create()
    response = signed_in(client, reader_user).post(
        add_url(ana.pk), {"start_date": "2026-12-21", "end_date": "2026-12-21"}
    )
    assert response.status_code == 403
    assert "You can't do that" in response.content.decode()
    assert TimeOff.objects.count() == 0


def test_time_off_for_an_unknown_employee_is_not_found(client: Client, manager_user: User) -> None:
    response = signed_in(client, manager_user).post(
        add_url(999999), {"start_date": "2026-12-21", "end_date": "2026-12-21"}
    )
    assert response.status_code == 404
    assert TimeOff.objects.count() == 0


def test_time_off_writes_need_post_and_a_csrf_token(manager_user: User) -> None:
    ana = EmployeeFactory.create()
    time_off = TimeOffFactory.create(employee=ana)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_user)
    assert client.get(add_url(ana.pk)).status_code == 405
    assert client.get(remove_url(ana.pk, time_off.pk)).status_code == 405
    data = {"start_date": "2026-12-21", "end_date": "2026-12-21"}
    assert client.post(add_url(ana.pk), data).status_code == 403
    assert client.post(remove_url(ana.pk, time_off.pk)).status_code == 403
    assert list(TimeOff.objects.all()) == [time_off]


# --- time off: remove -------------------------------------------------------------------


def test_manager_removes_time_off(client: Client, manager_user: User) -> None:
    ana = EmployeeFactory.create()
    time_off = TimeOffFactory.create(
        employee=ana, start_date=dt.date(2026, 12, 21), end_date=dt.date(2026, 12, 21)
    )
    kept = TimeOffFactory.create(
        employee=ana, start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 1, 5)
    )
    response = signed_in(client, manager_user).post(remove_url(ana.pk, time_off.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/employees/{ana.pk}/"
    assert list(TimeOff.objects.all()) == [kept]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Time off removed: Mon 21 Dec 2026."
    ]


def test_read_only_user_cannot_remove_time_off(client: Client, reader_user: User) -> None:
    time_off = TimeOffFactory.create()
    response = signed_in(client, reader_user).post(remove_url(time_off.employee_id, time_off.pk))
    assert response.status_code == 403
    assert list(TimeOff.objects.all()) == [time_off]


def test_removing_another_employees_time_off_is_not_found(
    client: Client, manager_user: User
) -> None:
    ana = EmployeeFactory.create()
    theirs = TimeOffFactory.create()
    client = signed_in(client, manager_user)
    assert client.post(remove_url(ana.pk, theirs.pk)).status_code == 404
    assert client.post(remove_url(ana.pk, 999999)).status_code == 404
    assert list(TimeOff.objects.all()) == [theirs]
