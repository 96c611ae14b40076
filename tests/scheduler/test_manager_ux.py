"""What a manager reads: one window on every page, labels not rule codes, the past."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from core.dates import format_window, window_last_day
from employees.models import Employee, JobTitle
from events.models import Event
from scheduler.labels import LABELS, label_of
from scheduler.models import Schedule
from scheduler.rules import Code
from scheduler.services import (
    SupervisorWouldBeDroppedError,
    schedule_create,
    schedule_reschedule,
)
from tests.employees.factories import CompanyHolidayFactory, EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

WINDOW = "Fri 4 Dec \N{EN DASH} Mon 7 Dec"
TUE = store_local(2026, 12, 15, 10, 45)


@pytest.fixture
def due_tuesday() -> Event:
    """Event 852944 of the report: window opens Fri 4 Dec, due Tue 8 Dec 00:00."""
    return EventFactory.create(
        project_ref_num=852944,
        start_datetime=store_local(2026, 12, 4),
        due_datetime=store_local(2026, 12, 8),
    )


def test_the_window_is_the_days_a_start_is_allowed_on() -> None:
    assert window_last_day(store_local(2026, 12, 8)) == dt.date(2026, 12, 7)
    assert window_last_day(store_local(2026, 12, 8, 0, 1)) == dt.date(2026, 12, 8)
    assert format_window(store_local(2026, 12, 4), store_local(2026, 12, 8)) == WINDOW
    assert format_window(store_local(2026, 12, 4), store_local(2026, 12, 5)) == "Fri 4 Dec"
    assert (
        format_window(store_local(2026, 12, 30), store_local(2027, 1, 2))
        == "Wed 30 Dec \N{EN DASH} Fri 1 Jan 2027"
    )


@pytest.mark.parametrize("url", ["/events/", "/events/{pk}/", "/admin/events/event/"])
def test_every_page_writes_the_same_window(
    staff_client: Client, due_tuesday: Event, url: str
) -> None:
    page = staff_client.get(url.format(pk=due_tuesday.pk)).content.decode()
    assert WINDOW in page
    assert "Tue 8 Dec" not in page


# --- rescheduling a Core event: what happens to its Supervisor event, said before saving


def flashes(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def scheduled_pair(
    lead: Employee, pair: tuple[Event, Event], club_supervisor: Employee
) -> tuple[Schedule, Schedule]:
    core, supervisor_event = pair
    schedule = schedule_create(event=core, employee=lead, start=TUE).schedule
    return schedule, Schedule.objects.live().get(event=supervisor_event)


def test_the_event_page_says_where_the_supervisor_event_moves(
    manager: Client, scheduled_pair: tuple[Schedule, Schedule]
) -> None:
    core, _ = scheduled_pair
    page = manager.get(
        f"/events/{core.event_id}/", {"date": "2026-12-16", "slot": "11:15"}
    ).content.decode()
    assert "moves to Cy Super at 13:15." in page
    assert 'name="drop_supervisor"' not in page


def test_moving_a_core_event_where_nobody_can_supervise_needs_confirmation(
    manager: Client, scheduled_pair: tuple[Schedule, Schedule], club_supervisor: Employee
) -> None:
    core, supervisor = scheduled_pair
    TimeOffFactory.create(employee=club_supervisor, start_date=dt.date(2026, 12, 16))
    # Before saving: the page says the Supervisor event will be unscheduled, and why.
    page = manager.get(
        f"/events/{core.event_id}/", {"date": "2026-12-16", "slot": "11:15"}
    ).content.decode()
    assert "(Cy Super) will be unscheduled:</strong> No Club Supervisor or Primary Lead" in page
    assert "Cy Super has time off on Wed 16 Dec." in page
    assert '<input type="checkbox" name="drop_supervisor" value="on" id="drop-supervisor">' in page
    assert page.index('id="cascade"') < page.index("Save changes")

    # Saving without the box: nothing changes, and the page says what is missing.
    data = {"date": "2026-12-16", "time": "11:15"}
    response = manager.post(f"/schedules/{core.pk}/reschedule/", data)
    assert response.status_code == 400
    refused = response.content.decode()
    assert "Not saved: Its Supervisor event (Cy Super) would be unscheduled" in refused
    assert "Tick this box to move the Core event and unschedule its Supervisor event" in refused
    core.refresh_from_db()
    supervisor.refresh_from_db()
    assert core.start == TUE and supervisor.is_live

    # Confirmed: saved, a warning (not a success), and back on the event page.
    response = manager.post(f"/schedules/{core.pk}/reschedule/", {**data, "drop_supervisor": "on"})
    assert (response.status_code, response["Location"]) == (302, f"/events/{core.event_id}/")
    supervisor.refresh_from_db()
    assert not supervisor.is_live
    assert flashes(response) == [
        (
            "warning",
            "606034-CORE-Super Pretzel: now Lena Lead Wed 16 Dec at 11:15. Its Supervisor "
            "event was unscheduled: No Club Supervisor or Primary Lead can take the Supervisor "
            "event at 13:15.",
        )
    ]


def test_the_api_still_moves_a_core_event_and_drops_its_supervisor(
    scheduled_pair: tuple[Schedule, Schedule], club_supervisor: Employee
) -> None:
    core, supervisor = scheduled_pair
    TimeOffFactory.create(employee=club_supervisor, start_date=dt.date(2026, 12, 16))
    with pytest.raises(SupervisorWouldBeDroppedError):
        schedule_reschedule(
            schedule=core,
            start=store_local(2026, 12, 16, 11, 15),
            allow_supervisor_drop=False,
        )
    supervisor.refresh_from_db()
    assert supervisor.is_live
    result = schedule_reschedule(schedule=core, start=store_local(2026, 12, 16, 11, 15))
    assert result.supervisor is not None and result.supervisor.unscheduled


# --- the date picker and times outside the window ---------------------------------------


def test_the_date_picker_offers_the_window_only(manager: Client, due_tuesday: Event) -> None:
    page = manager.get(f"/events/{due_tuesday.pk}/").content.decode()
    assert re.search(
        r'<input type="date" name="date"[^>]*min="2026-12-04"[^>]*max="2026-12-07"', page
    )


def test_a_time_outside_the_window_is_said_once_above_the_list(
    manager: Client, due_tuesday: Event, lead: Employee
) -> None:
    EmployeeFactory.create_batch(3)
    page = manager.get(
        f"/events/{due_tuesday.pk}/", {"date": "2026-12-08", "slot": "10:45"}
    ).content.decode()
    message = "The start is outside the event&#x27;s window"
    assert page.count(message) == 1
    assert page.index('id="about-time"') < page.index('class="candidates"')
    assert f"The event may start {WINDOW}." in page
    assert "0 of 4 active employees can work then" in page


def test_a_start_already_past_is_a_warning_said_once(manager_user: User, lead: Employee) -> None:
    event = EventFactory.create(
        start_datetime=store_local(2026, 12, 1), due_datetime=store_local(2026, 12, 20)
    )
    EmployeeFactory.create_batch(2)
    with time_machine.travel(store_local(2026, 12, 14, 17, 45), tick=False):
        manager = Client()
        manager.force_login(manager_user)  # a session of that day
        page = manager.get(
            f"/events/{event.pk}/", {"date": "2026-12-14", "slot": "10:45"}
        ).content.decode()
        assert page.count("is already past") == 1
        assert "Warning:</strong> The start (Mon 14 Dec 10:45) is already past." in page
        response = manager.post(
            f"/events/{event.pk}/schedule/",
            {"date": "2026-12-14", "time": "10:45", "employee": lead.pk},
        )
        assert response.status_code == 400
        assert "Not saved yet: Start already past." in response.content.decode()
        response = manager.post(
            f"/events/{event.pk}/schedule/",
            {
                "date": "2026-12-14",
                "time": "10:45",
                "employee": lead.pk,
                "acknowledge": ["past_start"],
            },
        )
    assert response.status_code == 302
    assert Schedule.objects.live().get(event=event).employee == lead


def test_unschedule_asks_for_confirmation(manager: Client, lead: Employee) -> None:
    schedule = schedule_create(event=EventFactory.create(), employee=lead, start=TUE).schedule
    page = manager.get(f"/events/{schedule.event_id}/").content.decode()
    assert (
        f'action="/schedules/{schedule.pk}/unschedule/" data-confirm="Unschedule Lena Lead '
        f'from {schedule.event.project_name}?"' in page
    )


# --- labels, not codes ---------------------------------------------------------------


def test_every_rule_code_and_auto_scheduler_reason_has_a_label() -> None:
    assert {str(c) for c in Code} <= set(LABELS)
    assert all(label and "_" not in label for label in LABELS.values())
    # The optimizer leaves an event out for more events, or for more urgent ones.
    assert label_of("gave_way") == "Gave way to other events"
    assert label_of("no_one_free") == "No one free"
    assert label_of("no_supervisor") == "Nobody to supervise"
    assert label_of("something_new") == "Something new"


# --- the month page ------------------------------------------------------------------


def test_the_month_page_counts_each_day(manager: Client, lead: Employee) -> None:
    schedule_create(event=EventFactory.create(), employee=lead, start=TUE)
    EventFactory.create(  # unscheduled, last day Thu 17 Dec
        start_datetime=store_local(2026, 12, 14), due_datetime=store_local(2026, 12, 18)
    )
    CompanyHolidayFactory.create(
        name="Founders' day", date=dt.date(2026, 12, 24), month=None, day=None
    )
    page = manager.get("/month/2026-12/").content.decode()
    assert "<h1>December 2026</h1>" in page
    cells = {
        day: " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for day, cell in re.findall(
            r'<a class="month-day-link" href="/day/(2026-12-\d\d)/">(.*?)</td>', page, flags=re.S
        )
    }
    assert len(cells) == 31
    assert cells["2026-12-15"] == "Tue 15 Dec 1 scheduled"
    assert cells["2026-12-17"] == "Thu 17 Dec none scheduled 1 unscheduled, last day"
    assert cells["2026-12-24"] == "Thu 24 Dec none scheduled Holiday: Founders&#x27; day"
    assert 'href="/month/2026-11/" rel="prev"' in page
    assert 'href="/month/2027-01/" rel="next"' in page


def test_the_month_page_shows_warnings_and_broken_rules(manager: Client, lead: Employee) -> None:
    club = EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)
    schedule_create(
        event=EventFactory.create(), employee=club, start=TUE, acknowledge=["supervisor_on_core"]
    )
    done = schedule_create(
        event=EventFactory.create(), employee=lead, start=TUE + dt.timedelta(days=1)
    ).schedule
    TimeOffFactory.create(employee=lead, start_date=dt.date(2026, 12, 16))  # after the fact
    page = manager.get("/month/2026-12/").content.decode()
    assert "<strong>1</strong> with warnings" in page
    assert "<strong>1</strong> breaks a rule" in page
    assert done.is_live


def test_a_bad_month_is_not_found(manager: Client) -> None:
    assert manager.get("/month/2026-13/").status_code == 404
    assert manager.get("/month/").status_code == 302


def test_the_month_page_runs_constant_queries(manager: Client, lead: Employee) -> None:
    def grow() -> None:
        for i in range(5):
            person = EmployeeFactory.create()
            schedule_create(
                event=EventFactory.create(), employee=person, start=TUE + dt.timedelta(days=i % 3)
            )
            EventFactory.create()

    grow()
    # session and user (3 with the page's permission check), schedules, Primary Leads (2),
    # holidays (snapshot), time off, unavailable dates, bookings, unscheduled events,
    # holidays (grid)
    assert_constant_queries(lambda: manager.get("/month/2026-12/"), grow, expected=13)


def test_weeks_are_named_by_their_monday_everywhere(manager: Client, due_tuesday: Event) -> None:
    # The event page opens on Fri 4 Dec: its week began on Monday 30 November.
    event_page = manager.get(f"/events/{due_tuesday.pk}/", {"date": "2026-12-04"})
    assert "Week of Mon 30 Nov</a>" in event_page.content.decode()
    week = manager.get("/week/2026-12-04/").content.decode()
    assert "<h1>Week of Mon 30 Nov</h1>" in week
    day = manager.get("/day/2026-12-04/").content.decode()
    assert "Week of Mon 30 Nov</a>" in day


def test_time_fields_use_the_24_hour_clock(manager: Client) -> None:
    event = EventFactory.create(event_type="freeosk", estimated_minutes=30)
    page = manager.get(f"/events/{event.pk}/").content.decode()
    assert 'type="time"' not in page
    assert re.search(
        r'<input type="text" name="time"[^>]*pattern="\(\[01\]\[0-9\]\|2\[0-3\]\):\[0-5\]\[0-9\]"',
        page,
    )
    # 24-hour input is understood; a 12-hour one is refused on the form
    response = manager.get(
        f"/events/{event.pk}/", {"date": "2026-12-15", "slot": "10:00", "time": "18:30"}
    )
    assert "Employee on Tue 15 Dec 2026 at 18:30" in response.content.decode()
