"""Manager pages: day, week, event page and schedule form, actions, print sheet and PDF."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from employees.models import Employee, JobTitle, RotationKind
from events.models import Event, EventCondition
from events.types import EventType
from scheduler.models import Schedule, ScheduleChange
from scheduler.services import schedule_create
from tests.employees.factories import (
    CompanyHolidayFactory,
    EmployeeFactory,
    RotationFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries, count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 15)  # a Tuesday
TUE = store_local(2026, 12, 15, 10, 45)
NOW = store_local(2026, 12, 14, 8, 0)  # "today" where a test needs one: Monday


@pytest.fixture
def monday() -> Iterator[None]:
    """Today is Monday 14 December 2026 (list it before the clients: they sign in then)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scheduled(lead: Employee) -> Schedule:
    """A Core schedule on DAY at 10:45, made through the services."""
    event = EventFactory.create(project_name="606100-CORE-Crunchy Crackers")
    return schedule_create(event=event, employee=lead, start=TUE).schedule


def flashes(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(response: Any) -> str:
    return response.content.decode()


def state() -> list[tuple[Any, ...]]:
    """Every schedule row and the number of audit rows: to prove nothing changed."""
    rows = list(
        Schedule.objects.order_by("pk").values_list("pk", "employee_id", "start", "unscheduled_at")
    )
    return [*rows, ("changes", ScheduleChange.objects.count())]


# --- access ----------------------------------------------------------------------------


def read_urls(schedule: Schedule) -> list[str]:
    return [
        "/day/2026-12-15/",
        "/week/2026-12-15/",
        f"/events/{schedule.event_id}/",
        "/day/2026-12-15/print/",
        "/day/2026-12-15/print.pdf",
    ]


@pytest.mark.parametrize("who", ["manager", "reader"])
def test_every_read_page_is_200_for_managers_and_readers(
    request: pytest.FixtureRequest, who: str, scheduled: Schedule
) -> None:
    client: Client = request.getfixturevalue(who)
    for url in read_urls(scheduled):
        response = client.get(url)
        assert response.status_code == 200, url


def test_anonymous_users_are_sent_to_sign_in(client: Client, scheduled: Schedule) -> None:
    gets = [*read_urls(scheduled), "/day/", "/week/"]
    posts = [
        f"/events/{scheduled.event_id}/schedule/",
        f"/schedules/{scheduled.pk}/reschedule/",
        f"/schedules/{scheduled.pk}/unschedule/",
        "/schedules/trade/",
    ]
    for url in gets:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        ), url
    before = state()
    for url in posts:
        response = client.post(url, {"employee": scheduled.employee_id})
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        ), url
    assert state() == before


def test_read_only_users_get_403_on_every_write_and_nothing_changes(
    reader: Client, scheduled: Schedule, club_supervisor: Employee
) -> None:
    other = ScheduleFactory.create(
        employee=club_supervisor,
        event=EventFactory.create(event_type=EventType.FREEOSK, estimated_minutes=30),
        start=store_local(2026, 12, 15, 18, 0),
    )
    unscheduled = EventFactory.create()
    before = state()
    attempts = [
        (
            f"/events/{unscheduled.pk}/schedule/",
            {"date": "2026-12-15", "time": "11:15", "employee": club_supervisor.pk},
        ),
        (f"/schedules/{scheduled.pk}/reschedule/", {"date": "2026-12-16", "time": "11:15"}),
        (f"/schedules/{scheduled.pk}/unschedule/", {}),
        ("/schedules/trade/", {"first": scheduled.pk, "second": other.pk}),
    ]
    for url, data in attempts:
        response = reader.post(url, data)
        assert response.status_code == 403, url
        assert "You can't do that" in text(response)
    assert state() == before


def test_write_actions_are_post_only(manager: Client, scheduled: Schedule) -> None:
    for url in (
        f"/events/{scheduled.event_id}/schedule/",
        f"/schedules/{scheduled.pk}/reschedule/",
        f"/schedules/{scheduled.pk}/unschedule/",
        "/schedules/trade/",
    ):
        assert manager.get(url).status_code == 405, url
    assert Schedule.objects.live().count() == 1


def test_writes_need_the_csrf_token(manager_user: User, scheduled: Schedule) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_user)
    response = client.post(f"/schedules/{scheduled.pk}/unschedule/")
    assert response.status_code == 403
    assert Schedule.objects.live().count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/day/2026-02-30/",
        "/day/2026-13-01/",
        "/week/2026-02-30/",
        "/day/2026-02-30/print/",
        "/day/2026-02-30/print.pdf",
        "/events/999999/",
    ],
)
def test_impossible_dates_and_unknown_events_are_404_pages(manager: Client, url: str) -> None:
    response = manager.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_day_and_week_without_a_date_go_to_today_or_the_picked_date(
    monday: None, manager: Client
) -> None:
    assert manager.get("/day/")["Location"] == "/day/2026-12-14/"
    assert manager.get("/week/")["Location"] == "/week/2026-12-14/"
    assert manager.get("/day/?date=2026-12-20")["Location"] == "/day/2026-12-20/"
    assert manager.get("/week/?date=2026-12-20")["Location"] == "/week/2026-12-20/"
    response = manager.get("/day/?date=2026-02-30")
    assert response["Location"] == "/day/2026-12-14/"
    assert flashes(response) == ["“2026-02-30” is not a date; showing today."]


def test_navigation_marks_the_current_page(manager: Client) -> None:
    day = text(manager.get("/day/2026-12-15/"))
    assert '<a href="/day/" aria-current="page">Day</a>' in day
    assert '<a href="/week/">Week</a>' in day
    week = text(manager.get("/week/2026-12-15/"))
    assert '<a href="/week/" aria-current="page">Week</a>' in week


# --- the day -------------------------------------------------------------------------


def test_day_groups_schedules_by_type_and_slot_and_shows_who_is_on_and_off(
    manager: Client, lead: Employee, club_supervisor: Employee
) -> None:
    specialist = EmployeeFactory.create(name="Sam Specialist")
    barista = EmployeeFactory.create(name="Bea Barista", job_title=JobTitle.JUICER_BARISTA)
    off = EmployeeFactory.create(name="Otto Off")
    TimeOffFactory.create(employee=off, start_date=DAY, end_date=DAY, reason="Vacation")
    UnavailableDateFactory.create(
        employee=EmployeeFactory.create(name="Una Vailable"), date=DAY, reason="Dentist"
    )
    EmployeeFactory.create(name="Wes Weekend", available_tue=False)
    RotationFactory.create(weekday=1, kind=RotationKind.JUICER, employee=barista)
    RotationFactory.create(weekday=1, kind=RotationKind.PRIMARY_LEAD, employee=lead)
    ScheduleFactory.create(
        employee=lead, event=EventFactory.create(project_name="606001-CORE-Alpha"), start=TUE
    )
    ScheduleFactory.create(
        employee=specialist,
        event=EventFactory.create(project_name="606002-CORE-Beta"),
        start=store_local(2026, 12, 15, 11, 15),
    )
    ScheduleFactory.create(
        employee=barista,
        event=EventFactory.create(
            project_name="606003-JUICER-Juice",
            event_type=EventType.JUICER_PRODUCTION,
            estimated_minutes=540,
        ),
        start=store_local(2026, 12, 15, 9, 0),
    )
    # Scheduled although off: the day lists it as breaking a rule.
    ScheduleFactory.create(
        employee=off,
        event=EventFactory.create(project_name="606004-CORE-Gamma"),
        start=store_local(2026, 12, 15, 11, 45),
    )
    response = manager.get("/day/2026-12-15/")
    assert response.status_code == 200
    page = text(response)
    # Types in the order the day unfolds, then slots in time order.
    assert re.findall(r'<h3 id="type-(\w+)">', page) == ["juicer_production", "core"]
    assert re.findall(r'<th scope="rowgroup"[^>]*><time[^>]*>(\d\d:\d\d)', page) == [
        "09:00",
        "10:45",
        "11:15",
        "11:45",
    ]
    assert page.index("606001-CORE-Alpha") < page.index("606002-CORE-Beta")
    # Links to the event and employee pages.
    assert f'href="/employees/{lead.pk}/"' in page
    assert 'href="/events/' in page
    # Rotation.
    assert re.search(r"<dt>Juicer</dt>\s*<dd><a [^>]*>Bea Barista</a>", page)
    assert re.search(r"<dt>Primary Lead</dt>\s*<dd><a [^>]*>Lena Lead</a>", page)
    # Working, with hours that day.
    working = page[page.index('id="working-title"') : page.index('id="off-title"')]
    assert "Lena Lead" in working and "6.5 h" in working and "Bea Barista" in working
    assert "9 h" in working  # the Juicer day: 540 minutes
    # Off: time off, unavailable, not a working day.
    off_list = page[page.index('id="off-title"') :]
    assert "Otto Off" in off_list and "Time off" in off_list and "Vacation" in off_list
    assert "Una Vailable" in off_list and "Dentist" in off_list
    assert "Wes Weekend" in off_list and "does not work Tuesdays" in off_list
    # Rule warnings for the day, named by what they are (not by colour alone).
    warnings = page[page.index('id="warnings-title"') : page.index('id="schedules-title"')]
    assert "Breaks a rule:" in warnings and "Otto Off has time off on Tue 15 Dec." in warnings
    # Managers get the row actions.
    assert page.count('class="row-actions"') == 4


def test_day_shows_readers_no_actions(reader: Client, scheduled: Schedule) -> None:
    page = text(reader.get("/day/2026-12-15/"))
    assert "Crunchy Crackers" in page
    assert "row-actions" not in page
    assert "/unschedule/" not in page


def test_an_empty_day_and_a_holiday_say_so(manager: Client) -> None:
    CompanyHolidayFactory.create(name="Christmas Day", month=12, day=25)
    page = text(manager.get("/day/2026-12-25/"))
    assert "Nothing is scheduled on this day." in page
    assert "Company holiday:</strong> Christmas Day" in page


# --- the week ------------------------------------------------------------------------


def test_week_shows_seven_days_with_counts_and_links(
    monday: None, manager: Client, lead: Employee
) -> None:
    ScheduleFactory.create(employee=lead, start=TUE)
    ScheduleFactory.create(employee=lead, start=store_local(2026, 12, 17, 11, 15))
    ScheduleFactory.create(employee=EmployeeFactory.create(), start=TUE)
    # Unscheduled, last possible day Friday the 18th (due at midnight into Saturday).
    EventFactory.create(due_datetime=store_local(2026, 12, 19))
    page = text(manager.get("/week/2026-12-16/"))
    assert "<h1>Week of Mon 14 Dec</h1>" in page
    assert "Mon 14 Dec \N{EN DASH} Sun 20 Dec 2026" in page
    days = re.findall(r'<h2 id="wd-([\d-]+)"><a href="(/day/[\d-]+/)">', page)
    assert [d for d, _ in days] == [f"2026-12-{d}" for d in range(14, 21)]
    assert all(href == f"/day/{d}/" for d, href in days)
    counts = re.findall(r'<p class="day-counts"><strong>(\d+)</strong> scheduled', page)
    assert counts == ["0", "2", "0", "1", "0", "0", "0"]
    assert "<strong>1</strong> unscheduled due" in page
    assert 'class="week-day is-today"' in page  # Monday the 14th
    assert len(re.findall(r'href="/events/\d+/"', page)) == 3
    assert 'href="/week/2026-12-07/"' in page and 'href="/week/2026-12-21/"' in page


# --- the event page and the schedule form ----------------------------------------------


def test_event_page_lists_every_employee_eligible_first_and_blocked_with_the_rule(
    monday: None, manager: Client, lead: Employee, pair: tuple[Event, Event]
) -> None:
    core, supervisor_event = pair
    busy = EmployeeFactory.create(name="Bo Busy", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    ScheduleFactory.create(employee=busy, start=store_local(2026, 12, 16, 10, 45))  # 6.5 h
    off = EmployeeFactory.create(name="Otto Off")
    TimeOffFactory.create(employee=off, start_date=dt.date(2026, 12, 14))
    EmployeeFactory.create(name="Ina Active", is_active=False)
    page = text(manager.get(f"/events/{core.pk}/"))
    # Details, window and pairing.
    assert "606034-CORE-Super Pretzel" in page
    assert "Mon 14 Dec \N{EN DASH} Fri 18 Dec" in page
    assert f'<a href="/events/{supervisor_event.pk}/">606034-Supervisor-Super Pretzel</a>' in page
    assert "Not scheduled." in page
    # The form: date defaults to the first allowed day (today), slots are the Core slots.
    assert 'type="date" name="date" value="2026-12-14"' in page
    assert re.findall(r'<option value="(\d\d:\d\d)"', page) == ["10:45", "11:15", "11:45", "12:15"]
    assert 'name="time" value="10:45"' in page
    # Every active employee: eligible first (least busy first), blocked disabled with why.
    names = re.findall(r'<span class="cand-name">([^<]+)</span>', page)
    assert names == ["Lena Lead", "Bo Busy", "Otto Off"]
    assert "6.5 h this week" in page
    blocked = re.search(rf'<input type="radio" name="employee" value="{off.pk}"[^>]*>', page)
    assert blocked is not None and "disabled" in blocked.group(0)
    assert "Otto Off has time off on Mon 14 Dec." in page
    assert re.search(rf'<label for="cand-{lead.pk}">', page)


def test_changing_date_and_slot_re_renders_the_list(
    monday: None, manager: Client, lead: Employee
) -> None:
    event = EventFactory.create()
    ScheduleFactory.create(employee=lead, start=store_local(2026, 12, 16, 11, 0))
    page = text(manager.get(f"/events/{event.pk}/?date=2026-12-16&slot=11:15"))
    assert 'name="date" value="2026-12-16"' in page
    assert '<input type="hidden" name="time" value="11:15">' in page
    assert "Lena Lead is already working" in page
    # ?date=&time= works too, and a non-Core type offers its default start and a free time.
    freeosk = EventFactory.create(event_type=EventType.FREEOSK, estimated_minutes=30)
    page = text(manager.get(f"/events/{freeosk.pk}/?date=2026-12-17&time=13:30"))
    assert '<input type="hidden" name="time" value="13:30">' in page
    assert re.findall(r'<option value="(\d\d:\d\d)"', page) == ["10:00"]
    assert 'type="text" name="time" value="13:30"' in page  # the 24-hour clock
    # A bad date is shown as an error and the list falls back to the default.
    page = text(manager.get(f"/events/{event.pk}/?date=2026-02-30&slot=10:45"))
    assert "Enter a valid date." in page


def test_first_allowed_day_skips_past_days_and_holidays(monday: None, manager: Client) -> None:
    CompanyHolidayFactory.create(
        name="Founders' day", date=dt.date(2026, 12, 14), month=None, day=None
    )
    event = EventFactory.create(
        start_datetime=store_local(2026, 12, 10), due_datetime=store_local(2026, 12, 19)
    )
    page = text(manager.get(f"/events/{event.pk}/"))
    assert 'type="date" name="date" value="2026-12-15"' in page


def test_scheduling_from_the_event_page_cascades_and_redirects(
    manager: Client, lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    response = manager.post(
        f"/events/{core.pk}/schedule/",
        {"date": "2026-12-15", "time": "10:45", "employee": lead.pk},
    )
    assert (response.status_code, response["Location"]) == (302, f"/events/{core.pk}/")
    schedule = Schedule.objects.live().get(event=core)
    assert (schedule.employee, schedule.start) == (lead, TUE)
    change = ScheduleChange.objects.get(event=core)
    assert (change.action, change.source, change.by) == (
        "create",
        "page",
        response.wsgi_request.user,
    )
    cascaded = Schedule.objects.live().get(event=supervisor_event)
    assert cascaded.employee == club_supervisor
    assert flashes(response) == [
        "Scheduled Lena Lead on 606034-CORE-Super Pretzel Tue 15 Dec at 10:45. "
        "Supervisor event scheduled for Cy Super at 12:45."
    ]
    # The page now shows the schedule, the history and the reschedule form.
    page = text(manager.get(f"/events/{core.pk}/"))
    assert "Reschedule or change employee" in page
    assert f'action="/schedules/{schedule.pk}/reschedule/#schedule"' in page
    assert re.search(r"<td>Scheduled</td>\s*<td>manager<small", page)
    assert "Lena Lead, Tue 15 Dec 10:45\N{EN DASH}17:15" in page


def test_flash_says_why_the_supervisor_event_was_not_scheduled(
    manager: Client, lead: Employee, pair: tuple[Event, Event]
) -> None:
    core, _ = pair
    response = manager.post(
        f"/events/{core.pk}/schedule/",
        {"date": "2026-12-15", "time": "10:45", "employee": lead.pk, "next": "/day/2026-12-15/"},
    )
    assert response["Location"] == "/day/2026-12-15/"
    assert flashes(response) == [
        "Scheduled Lena Lead on 606034-CORE-Super Pretzel Tue 15 Dec at 10:45. Supervisor "
        "event not scheduled: No Club Supervisor works that day and no Primary Lead is on "
        "the rotation."
    ]


def test_a_hard_violation_is_shown_inline_and_nothing_is_saved(
    manager: Client, lead: Employee
) -> None:
    TimeOffFactory.create(employee=lead, start_date=DAY, end_date=DAY)
    event = EventFactory.create()
    response = manager.post(
        f"/events/{event.pk}/schedule/",
        {"date": "2026-12-15", "time": "10:45", "employee": lead.pk},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Not saved: this breaks a scheduling rule." in page
    assert (
        "Breaks a rule:</span> <strong>Time off</strong> · Lena Lead has time off on Tue 15 Dec."
        in page
    )
    assert 'name="acknowledge"' not in page
    assert Schedule.objects.count() == ScheduleChange.objects.count() == 0
    event.refresh_from_db()
    assert event.condition == EventCondition.UNSTAFFED


def test_a_soft_warning_asks_for_confirmation_then_confirming_saves(
    manager: Client, club_supervisor: Employee
) -> None:
    event = EventFactory.create()
    data = {"date": "2026-12-15", "time": "11:15", "employee": club_supervisor.pk}
    response = manager.post(f"/events/{event.pk}/schedule/", data)
    assert response.status_code == 400
    page = text(response)
    assert (
        "Not saved yet: Club Supervisor on a Core event. Confirm next to the button to go ahead."
        in page
    )
    assert (
        '<input type="checkbox" name="acknowledge" value="supervisor_on_core" '
        'id="ack-supervisor_on_core">' in page
    )
    assert "<legend>Go ahead despite Club Supervisor on a Core event?</legend>" in page
    assert (
        '<label for="ack-supervisor_on_core"><strong>Club Supervisor on a Core event</strong>: '
        "Cy Super is a Club" in page
    )
    # ... right before the button, and confirming without ticking says what is missing
    assert page.index('id="confirm"') < page.index("Confirm and schedule") < page.index("History")
    response = manager.post(f"/events/{event.pk}/schedule/", {**data, "confirming": "1"})
    assert response.status_code == 400
    missing = text(response)
    assert (
        "Not saved: tick the box next to the button to go ahead despite Club Supervisor on a "
        "Core event." in missing
    )
    assert "Not saved: tick the box below to go ahead" in missing
    assert Schedule.objects.count() == 0
    # The same form: the employee stays picked, date and time are carried.
    assert re.search(
        rf'value="{club_supervisor.pk}" id="cand-{club_supervisor.pk}"[^>]*checked', page
    )
    assert '<input type="hidden" name="time" value="11:15">' in page
    assert "Confirm and schedule" in page
    assert Schedule.objects.count() == 0

    response = manager.post(
        f"/events/{event.pk}/schedule/", {**data, "acknowledge": ["supervisor_on_core"]}
    )
    assert response.status_code == 302
    schedule = Schedule.objects.live().get(event=event)
    assert schedule.employee == club_supervisor
    assert flashes(response) == [
        f"Scheduled Cy Super on {event.project_name} Tue 15 Dec at 11:15. "
        "Went ahead despite: Club Supervisor on a Core event."
    ]


def test_bad_input_and_a_second_schedule_are_refused(manager: Client, scheduled: Schedule) -> None:
    event = EventFactory.create()
    response = manager.post(f"/events/{event.pk}/schedule/", {"date": "2026-12-15", "time": ""})
    assert response.status_code == 400
    assert "Start time: This field is required." in text(response)
    assert "Employee: Pick an employee." in text(response)
    response = manager.post(
        f"/events/{scheduled.event_id}/schedule/",
        {"date": "2026-12-15", "time": "11:15", "employee": EmployeeFactory.create().pk},
    )
    assert response.status_code == 409
    assert "Not saved: This event is already scheduled" in text(response)
    assert Schedule.objects.count() == 1


# --- reschedule, change employee, unschedule, trade -------------------------------------


def test_reschedule_moves_the_core_and_its_supervisor(
    manager: Client, lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, supervisor_event = pair
    schedule = schedule_create(event=core, employee=lead, start=TUE).schedule
    response = manager.post(
        f"/schedules/{schedule.pk}/reschedule/",
        {"date": "2026-12-16", "time": "11:15", "next": "/day/2026-12-15/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/day/2026-12-15/")
    schedule.refresh_from_db()
    assert schedule.start == store_local(2026, 12, 16, 11, 15)
    moved = Schedule.objects.live().get(event=supervisor_event)
    assert moved.start == store_local(2026, 12, 16, 13, 15)
    audit = ScheduleChange.objects.filter(event=core).order_by("at", "id").last()
    assert audit is not None and (audit.action, audit.source) == ("reschedule", "page")
    assert flashes(response) == [
        "606034-CORE-Super Pretzel: now Lena Lead Wed 16 Dec at 11:15. "
        "Supervisor event moved with it: Cy Super at 13:15."
    ]


def test_change_employee_reassigns(manager: Client, scheduled: Schedule) -> None:
    other = EmployeeFactory.create(name="Sam Specialist")
    response = manager.post(f"/schedules/{scheduled.pk}/reschedule/", {"employee": other.pk})
    # back where the change started: the event page
    assert (response.status_code, response["Location"]) == (
        302,
        f"/events/{scheduled.event_id}/",
    )
    scheduled.refresh_from_db()
    assert (scheduled.employee, scheduled.start) == (other, TUE)
    audit = ScheduleChange.objects.filter(action="reassign").get()
    assert audit.source == "page"


def test_reschedule_refused_re_renders_the_event_form_and_changes_nothing(
    manager: Client, scheduled: Schedule
) -> None:
    off = EmployeeFactory.create(name="Otto Off")
    TimeOffFactory.create(employee=off, start_date=DAY, end_date=DAY)
    before = state()
    response = manager.post(
        f"/schedules/{scheduled.pk}/reschedule/",
        {"employee": off.pk, "next": "/day/2026-12-15/"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Otto Off has time off on Tue 15 Dec." in page
    assert "Reschedule or change employee" in page
    assert '<input type="hidden" name="next" value="/day/2026-12-15/">' in page
    # Nothing to change is refused too.
    response = manager.post(f"/schedules/{scheduled.pk}/reschedule/", {"time": "10:45"})
    assert response.status_code == 400
    assert "Nothing to change: pick another time or employee." in text(response)
    assert state() == before


def test_the_event_page_does_not_count_a_schedule_against_its_own_employee(
    manager: Client, scheduled: Schedule
) -> None:
    page = text(manager.get(f"/events/{scheduled.event_id}/"))
    mine = re.search(
        rf'<input type="radio" name="employee" value="{scheduled.employee_id}"[^>]*>', page
    )
    assert mine is not None
    assert "checked" in mine.group(0) and "disabled" not in mine.group(0)
    assert "is already working" not in page


def test_unscheduling_a_core_unschedules_its_supervisor_on_the_day_page(
    manager: Client, lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> None:
    core, _ = pair
    schedule = schedule_create(event=core, employee=lead, start=TUE).schedule
    page = text(manager.get("/day/2026-12-15/"))
    assert "606034-Supervisor-Super Pretzel" in page and "606034-CORE-Super Pretzel" in page
    # The row's actions, loaded when it is opened, say what unscheduling does.
    actions = text(manager.get(f"/schedules/{schedule.pk}/actions/fragment/"))
    assert "Its Supervisor event, if scheduled, is unscheduled too." in actions
    response = manager.post(f"/schedules/{schedule.pk}/unschedule/", {"next": "/day/2026-12-15/"})
    assert (response.status_code, response["Location"]) == (302, "/day/2026-12-15/")
    assert flashes(response) == [
        "Unscheduled Lena Lead from 606034-CORE-Super Pretzel. "
        "Its Supervisor event (Cy Super) was unscheduled too."
    ]
    assert not Schedule.objects.live().exists()
    assert list(
        ScheduleChange.objects.filter(action="unschedule").values_list("source", flat=True)
    ) == ["page", "page"]
    page = text(manager.get("/day/2026-12-15/"))
    schedules = page[page.index('id="schedules-title"') :]
    assert "Super Pretzel" not in schedules
    assert "Nothing is scheduled on this day." in schedules
    # Twice: a conflict, shown on the day page, nothing changes.
    before = state()
    response = manager.post(f"/schedules/{schedule.pk}/unschedule/")
    assert response.status_code == 409
    assert "Not changed: This schedule was unscheduled meanwhile" in text(response)
    assert state() == before


def test_an_unsafe_next_is_ignored(manager: Client, scheduled: Schedule) -> None:
    response = manager.post(
        f"/schedules/{scheduled.pk}/unschedule/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/day/2026-12-15/"


def test_trade_swaps_the_employees(manager: Client, scheduled: Schedule, lead: Employee) -> None:
    other = EmployeeFactory.create(name="Sam Specialist")
    second = schedule_create(
        event=EventFactory.create(project_name="606200-CORE-Nuts"),
        employee=other,
        start=store_local(2026, 12, 15, 11, 15),
        acknowledge=["proximity"],
    ).schedule
    response = manager.post(
        "/schedules/trade/",
        {"first": scheduled.pk, "second": second.pk, "next": "/day/2026-12-15/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/day/2026-12-15/")
    scheduled.refresh_from_db()
    second.refresh_from_db()
    assert (scheduled.employee, second.employee) == (other, lead)
    assert list(ScheduleChange.objects.filter(action="trade").values_list("source", flat=True)) == [
        "page",
        "page",
    ]
    assert flashes(response) == [
        "Traded: Sam Specialist now works 606100-CORE-Crunchy Crackers at 10:45; "
        "Lena Lead works 606200-CORE-Nuts at 11:15."
    ]


def test_trade_with_warnings_asks_to_confirm_and_refusals_change_nothing(
    manager: Client, scheduled: Schedule, club_supervisor: Employee
) -> None:
    second = ScheduleFactory.create(
        employee=club_supervisor,
        event=EventFactory.create(project_name="606300-CORE-Olives"),
        start=store_local(2026, 12, 15, 11, 15),
    )
    before = state()
    data = {"first": scheduled.pk, "second": second.pk}
    response = manager.post("/schedules/trade/", data)
    assert response.status_code == 400
    page = text(response)
    assert (
        "Not saved yet: Club Supervisor on a Core event. Confirm next to the button to go ahead."
        in page
    )
    assert 'value="supervisor_on_core"' in page
    assert f'<input type="hidden" name="first" value="{scheduled.pk}">' in page
    assert state() == before
    response = manager.post("/schedules/trade/", {**data, "acknowledge": "supervisor_on_core"})
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.employee == club_supervisor

    # Across days: refused with the reason, nothing changes.
    tomorrow = ScheduleFactory.create(start=store_local(2026, 12, 16, 10, 45))
    before = state()
    response = manager.post("/schedules/trade/", {"first": second.pk, "second": tomorrow.pk})
    assert response.status_code == 400
    assert "Only schedules on the same day can be traded." in text(response)
    assert state() == before
    # Unknown schedule: 404.
    assert (
        manager.post("/schedules/trade/", {"first": second.pk, "second": 999999}).status_code == 404
    )


# --- print -------------------------------------------------------------------------------


def test_print_sheet_lists_the_day_by_slot_with_signature_lines(
    manager: Client, scheduled: Schedule
) -> None:
    ScheduleFactory.create(
        employee=EmployeeFactory.create(name="Sam Specialist"),
        event=EventFactory.create(project_name="606200-CORE-Nuts", store_name="Club Carmel"),
        start=store_local(2026, 12, 15, 11, 15),
    )
    response = manager.get("/day/2026-12-15/print/")
    page = text(response)
    assert "Day sheet — Tuesday 15 December 2026" in page
    assert re.findall(r'<h2 id="slot-\d+"><time[^>]*>(\d\d:\d\d)</time>', page) == [
        "10:45",
        "11:15",
    ]
    assert "Lena Lead" in page and "606100-CORE-Crunchy Crackers" in page
    assert "8135 Club Carmel" in page and "11:15\N{EN DASH}17:45" in page
    assert page.count('<td class="sign">') == 2
    assert "/static/css/scheduler.css" in page


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF's (Flate-compressed) content streams."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # ReportLab wraps Flate in ASCII85
            data = base64.a85decode(data[:-2])
        try:
            found.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(found)


def test_pdf_is_the_day_sheet_as_a_download(manager: Client, scheduled: Schedule) -> None:
    response = manager.get("/day/2026-12-15/print.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="schedule-2026-12-15.pdf"'
    assert response.content.startswith(b"%PDF")
    assert b"Day sheet 2026-12-15" in response.content  # the document title
    drawn = pdf_text(response.content)
    for expected in ("Tuesday 15 December 2026", "10:45", "Lena Lead", "Crunchy Crackers"):
        assert expected in drawn
    assert "Signature" in drawn


# --- constant queries -------------------------------------------------------------------


def grow_day(n: int) -> None:
    """Add n schedules (with their employees, events, time off, unavailability) on DAY."""
    for i in range(n):
        employee = EmployeeFactory.create(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
        core = EventFactory.create()
        EventFactory.create(event_type=EventType.SUPERVISOR, estimated_minutes=5, core_event=core)
        ScheduleFactory.create(
            employee=employee, event=core, start=TUE + dt.timedelta(minutes=30 * (i % 4))
        )
        TimeOffFactory.create(employee=EmployeeFactory.create(), start_date=DAY, end_date=DAY)
        UnavailableDateFactory.create(employee=EmployeeFactory.create(), date=DAY)
        EventFactory.create()  # unscheduled


@pytest.fixture
def rotation(lead: Employee) -> None:
    RotationFactory.create(weekday=1, kind=RotationKind.PRIMARY_LEAD, employee=lead)
    RotationFactory.create(weekday=1, kind=RotationKind.JUICER)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/day/2026-12-15/", 15),
        # + the permission check (2) of the navigation's manager links, + the week's last
        # publication (the self-service app's "Publish week" panel)
        ("/week/2026-12-15/", 8),
        ("/day/2026-12-15/print/", 8),
        ("/day/2026-12-15/print.pdf", 6),
    ],
)
def test_day_week_and_print_pages_run_constant_queries(
    manager: Client, scheduled: Schedule, rotation: None, url: str, expected: int
) -> None:
    grow_day(2)
    assert_constant_queries(lambda: manager.get(url), lambda: grow_day(8), expected=expected)


# The Supervisor preview: its event, the Club Supervisors, the rotation (2), its live
# schedule, and (when someone must be found for it) one snapshot for them all (6).
@pytest.mark.parametrize(("live", "expected"), [(False, 28), (True, 21)])
def test_event_page_runs_constant_queries(
    monday: None,
    manager: Client,
    lead: Employee,
    club_supervisor: Employee,
    pair: tuple[Event, Event],
    live: bool,
    expected: int,
) -> None:
    core, _ = pair
    if live:
        schedule_create(event=core, employee=lead, start=TUE)
    grow_day(2)

    def grow() -> None:
        grow_day(8)
        for _ in range(5):
            ScheduleChange.objects.create(event=core, action="reschedule", source="api")

    assert_constant_queries(lambda: manager.get(f"/events/{core.pk}/"), grow, expected=expected)


def test_a_refused_change_runs_constant_queries(
    manager: Client, scheduled: Schedule, rotation: None
) -> None:
    off = EmployeeFactory.create()
    TimeOffFactory.create(employee=off, start_date=DAY, end_date=DAY)

    def refused() -> int:
        queries, response = count_queries(
            lambda: manager.post(f"/schedules/{scheduled.pk}/reschedule/", {"employee": off.pk})
        )
        assert response.status_code == 400
        return queries

    grow_day(2)
    before = state()
    small = refused()
    grow_day(8)
    assert (small, refused()) == (small, small)
    assert state()[-1] == before[-1]  # no audit row: nothing was saved


def test_times_are_store_local(manager: Client, lead: Employee) -> None:
    # 10:45 in the store is 15:45 UTC: the pages show the store's wall clock.
    ScheduleFactory.create(employee=lead, start=TUE)
    assert timezone.localtime(TUE).hour == 10
    page = text(manager.get("/day/2026-12-15/"))
    assert '<time datetime="2026-12-15T10:45:00-05:00">10:45</time>' in page
