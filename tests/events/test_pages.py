"""The dashboard and the unscheduled list: access, content, filters, query counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from events.models import Event, EventCondition
from events.types import EventType
from tests.employees.factories import CompanyHolidayFactory, EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

# Monday 14 December 2026, 08:00 in the store's zone.
NOW = store_local(2026, 12, 14, 8, 0)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def due_in(days: int, **kwargs: object) -> Event:
    """An unscheduled event whose window opened yesterday and is due `days` days from
    today at midnight (store time)."""
    due = store_local(2026, 12, 14) + dt.timedelta(days=days)
    return EventFactory.create(start_datetime=store_local(2026, 12, 13), due_datetime=due, **kwargs)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def rows_of(html: str, table_class: str) -> list[str]:
    """The <tr> elements of the body of the first table with this class."""
    table = html.split(f'class="table {table_class}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return ["<tr" + part for part in body.split("<tr")[1:]]


def text(html: str) -> str:
    """The visible words of some HTML, spaces normalised."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([,.:])", r"\1", words).strip()


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/events/", "/events/?event_type=core"])
def test_anonymous_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


@pytest.mark.parametrize("url", ["/", "/events/"])
@pytest.mark.parametrize("role", ["manager_user", "reader_user", "staff_user"])
def test_every_signed_in_user_reads(
    client: Client, url: str, role: str, request: pytest.FixtureRequest
) -> None:
    response = signed_in(client, request.getfixturevalue(role)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/", "/events/"])
def test_pages_only_answer_reads(client: Client, manager_user: User, url: str) -> None:
    assert signed_in(client, manager_user).post(url).status_code == 405


def test_schedule_buttons_are_for_managers_only(
    client: Client, manager_user: User, reader_user: User
) -> None:
    event = due_in(2)
    for url in ("/", "/events/"):
        as_manager = signed_in(client, manager_user).get(url).content.decode()
        assert f'<a class="button small" href="/events/{event.pk}/">Schedule' in as_manager
        as_reader = signed_in(client, reader_user).get(url).content.decode()
        assert ">Schedule<" not in as_reader
        assert f'href="/events/{event.pk}/"' in as_reader  # the event itself is still linked


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/", "Dashboard"),
        ("/events/", "Unscheduled"),
        ("/employees/", "Employees"),
        ("/accounts/sessions/", None),
    ],
)
def test_navigation_marks_the_current_page(
    client: Client, manager_user: User, url: str, current: str | None
) -> None:
    html = signed_in(client, manager_user).get(url).content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]*)"( aria-current="page")?>([^<]+)</a>', nav)
    mine = [(href, name, bool(marked)) for href, marked, name in links][:3]
    assert mine == [
        ("/", "Dashboard", current == "Dashboard"),
        ("/events/", "Unscheduled", current == "Unscheduled"),
        ("/employees/", "Employees", current == "Employees"),
    ]


# --- dashboard ---------------------------------------------------------------------------


def test_dashboard_lists_unscheduled_events_most_urgent_first(
    client: Client, manager_user: User
) -> None:
    later = due_in(6, project_name="606001-CORE-Later")
    soonest = due_in(1, project_name="606002-CORE-Soonest")
    soon = due_in(3, project_name="606003-CORE-Soon")
    edge = due_in(4, project_name="606004-CORE-Edge")
    response = signed_in(client, manager_user).get("/")
    assert [row.event for row in response.context["urgent"]] == [soonest, soon, edge, later]
    rows = rows_of(response.content.decode(), "events-table")
    assert [text(r)[:50] for r in rows] == [
        "⚠ Last day today Mon 14 Dec 606002-CORE-Soonest #9",
        "⚠ Last day in 2 days Wed 16 Dec 606003-CORE-Soon #",
        "⚠ Last day in 3 days Thu 17 Dec 606004-CORE-Edge #",
        "Last day in 5 days Sat 19 Dec 606001-CORE-Later #9",
    ]
    # Due within three days: highlighted, and said in words (not by colour alone).
    assert [r.startswith('<tr class="due-soon">') for r in rows] == [True, True, True, False]
    assert (
        '<strong class="due-tag"><span aria-hidden="true">⚠ </span>Last day today</strong>'
        in rows[0]
    )
    assert "Last day in 2 days</strong>" in rows[1]
    assert '<span class="due-text">Last day in 5 days</span>' in rows[3]


def test_dashboard_leaves_out_what_needs_no_scheduling(client: Client, manager_user: User) -> None:
    wanted = due_in(2, project_name="606010-CORE-Wanted")
    ScheduleFactory.create(event=due_in(2, project_name="606011-CORE-Scheduled"))
    due_in(2, project_name="606012-CORE-Canceled", condition=EventCondition.CANCELED)
    due_in(2, project_name="606013-CORE-Expired", condition=EventCondition.EXPIRED)
    due_in(2, project_name="606014-CORE-Submitted", condition=EventCondition.SUBMITTED)
    EventFactory.create(
        project_name="606015-CORE-Past due",
        start_datetime=store_local(2026, 12, 10),
        due_datetime=store_local(2026, 12, 14, 0, 0),
    )
    response = signed_in(client, manager_user).get("/")
    assert [row.event for row in response.context["urgent"]] == [wanted]
    assert response.context["counts"].total == 1


def test_dashboard_counts_by_type_and_by_due_day(client: Client, manager_user: User) -> None:
    for _ in range(3):
        due_in(1)
    due_in(2, event_type=EventType.FREEOSK)
    due_in(5, event_type=EventType.FREEOSK)
    due_in(5, event_type=EventType.JUICER_PRODUCTION)
    ScheduleFactory.create(event=due_in(1))  # scheduled: not counted
    response = signed_in(client, manager_user).get("/")
    counts = response.context["counts"]
    assert counts.by_type == [
        ("core", "Core", 3),
        ("juicer_production", "Juicer (Production)", 1),
        ("freeosk", "Freeosk", 2),
    ]
    assert counts.by_due_day == [
        (dt.date(2026, 12, 15), 3),
        (dt.date(2026, 12, 16), 1),
        (dt.date(2026, 12, 19), 2),
    ]
    assert counts.total == 6
    assert response.context["due_soon_count"] == 4
    html = response.content.decode()
    assert '<a href="/events/?event_type=freeosk">Freeosk</a></th><td class="num">2</td>' in html
    assert (
        '<a href="/events/?due_from=2026-12-15&amp;due_to=2026-12-15">Tue 15 Dec</a></th>'
        '<td class="num">3</td>'
    ) in html
    summary = text(html.split('id="summary-title"', 1)[1].split("</ul>", 1)[0])
    assert "6 unscheduled events" in summary
    assert "4 due within 3 days" in summary


def test_dashboard_counts_the_first_two_weeks_of_due_days_one_by_one(
    client: Client, manager_user: User
) -> None:
    for days in range(1, 19):
        due_in(days)
    due_in(18)
    html = signed_in(client, manager_user).get("/").content.decode()
    by_day = html.split('id="by-day-title"', 1)[1].split("</table>", 1)[0]
    rows = [text("<tr" + r) for r in by_day.split("<tbody>", 1)[1].split("<tr")[1:]]
    assert rows[:2] == ["Tue 15 Dec 1", "Wed 16 Dec 1"]
    assert len(rows) == 15
    assert rows[-1] == "From Tue 29 Dec 5"  # due on the 29th .. 1 January: 4 days, 5 events
    assert '<a href="/events/?due_from=2026-12-29">From Tue 29 Dec</a>' in by_day


def test_dashboard_shows_at_most_fifty_events_and_links_to_the_rest(
    client: Client, manager_user: User
) -> None:
    for i in range(55):
        due_in(1 + i % 7)
    response = signed_in(client, manager_user).get("/")
    html = response.content.decode()
    assert len(rows_of(html, "events-table")) == 50
    assert "Showing the 50 most urgent of 55." in text(html)
    assert '<a href="/events/">See all unscheduled events</a>' in html


def test_dashboard_with_nothing_to_schedule(client: Client, manager_user: User) -> None:
    html = signed_in(client, manager_user).get("/").content.decode()
    assert "Nothing to schedule: every open event has a schedule." in html


def core_at(day: int, hour: int, minute: int, **kwargs: object) -> Event:
    """A Core event scheduled on December `day` at hour:minute (store time)."""
    event = EventFactory.create(
        start_datetime=store_local(2026, 12, 13), due_datetime=store_local(2026, 12, 25)
    )
    ScheduleFactory.create(event=event, start=store_local(2026, 12, day, hour, minute), **kwargs)
    return event


def test_dashboard_flags_uncovered_core_slots_per_day(client: Client, manager_user: User) -> None:
    core_at(14, 10, 45)
    core_at(14, 11, 15)
    core_at(14, 11, 15)  # two at one slot still cover only that slot
    for slot in ((10, 45), (11, 15), (11, 45), (12, 15)):
        core_at(15, *slot)
    core_at(16, 12, 15)
    core_at(21, 10, 45)  # after the seven days: not shown
    unscheduled = core_at(16, 10, 45)
    unscheduled.schedules.update(unscheduled_at=NOW)  # history, not live
    response = signed_in(client, manager_user).get("/")
    days = response.context["days"]
    assert [d.day for d in days] == [TODAY + dt.timedelta(days=i) for i in range(7)]
    uncovered = {d.day.day: [f"{t:%H:%M}" for t in d.uncovered_slots] for d in days}
    assert uncovered == {
        14: ["11:45", "12:15"],
        15: [],
        16: ["10:45", "11:15", "11:45"],
        17: ["10:45", "11:15", "11:45", "12:15"],
        18: ["10:45", "11:15", "11:45", "12:15"],
        19: ["10:45", "11:15", "11:45", "12:15"],
        20: ["10:45", "11:15", "11:45", "12:15"],
    }
    rows = rows_of(response.content.decode(), "days-table")
    assert 'href="/day/2026-12-14/">Mon 14 Dec</a>' in rows[0]
    assert "Needs attention" in text(rows[0])
    assert "Uncovered: 11:45, 12:15" in text(rows[0])
    assert rows[0].startswith('<tr class="flagged">')
    assert "All covered" in text(rows[1])
    assert "OK" in text(rows[1])
    assert not rows[1].startswith('<tr class="flagged">')


def test_dashboard_does_not_flag_slots_on_a_company_holiday(
    client: Client, manager_user: User
) -> None:
    CompanyHolidayFactory.create(name="Founders Day", month=12, day=16)
    response = signed_in(client, manager_user).get("/")
    holiday = response.context["days"][2]
    assert (holiday.day, holiday.holiday, holiday.uncovered_slots) == (
        dt.date(2026, 12, 16),
        "Founders Day",
        [],
    )
    row = rows_of(response.content.decode(), "days-table")[2]
    assert "Company holiday: Founders Day" in text(row)
    assert not row.startswith('<tr class="flagged">')


def test_dashboard_flags_missing_supervisor_pairing_per_day(
    client: Client, manager_user: User
) -> None:
    # Core scheduled on the 15th, its Supervisor unscheduled: flagged on the 15th.
    lonely_core = core_at(15, 10, 45)
    lonely_core.project_name = "606100-CORE-Lonely"
    lonely_core.save()
    EventFactory.create(event_type=EventType.SUPERVISOR, core_event=lonely_core)
    # Core and Supervisor both scheduled: fine.
    paired_core = core_at(15, 11, 15)
    paired_supervisor = EventFactory.create(event_type=EventType.SUPERVISOR, core_event=paired_core)
    ScheduleFactory.create(event=paired_supervisor, start=store_local(2026, 12, 15, 13, 15))
    # Core scheduled with no Supervisor event at all: not a pairing problem.
    core_at(15, 11, 45)
    # Supervisor events with no Core event: on their schedule's day, else their due day.
    orphan_due = due_in(3, event_type=EventType.SUPERVISOR, project_name="606200-Supervisor-Due")
    orphan_scheduled = due_in(
        6, event_type=EventType.SUPERVISOR, project_name="606201-Supervisor-Scheduled"
    )
    ScheduleFactory.create(event=orphan_scheduled, start=store_local(2026, 12, 16, 12, 45))
    due_in(
        3,
        event_type=EventType.SUPERVISOR,
        condition=EventCondition.CANCELED,
        project_name="606202-Supervisor-Canceled",
    )
    due_in(9, event_type=EventType.SUPERVISOR, project_name="606203-Supervisor-Later")
    response = signed_in(client, manager_user).get("/")
    problems = {
        d.day.day: ([e.pk for e in d.unpaired_cores], [e.pk for e in d.orphan_supervisors])
        for d in response.context["days"]
        if d.unpaired_cores or d.orphan_supervisors
    }
    assert problems == {
        15: ([lonely_core.pk], []),
        16: ([], [orphan_scheduled.pk]),
        17: ([], [orphan_due.pk]),
    }
    rows = rows_of(response.content.decode(), "days-table")
    assert (
        f'Supervisor not scheduled for <a href="/events/{lonely_core.pk}/">606100-CORE-Lonely</a>'
        in rows[1]
    )
    assert (
        f'No Core event for <a href="/events/{orphan_due.pk}/">606200-Supervisor-Due</a>' in rows[3]
    )
    assert "Needs attention" in text(rows[3])


def test_dashboard_runs_a_constant_number_of_queries(client: Client, manager_user: User) -> None:
    def grow() -> None:
        for i in range(30):
            core = due_in(1 + i % 7)
            EventFactory.create(
                event_type=EventType.SUPERVISOR,
                core_event=core,
                start_datetime=core.start_datetime,
                due_datetime=core.due_datetime,
            )
            due_in(1 + i % 5, event_type=EventType.FREEOSK)
            due_in(2 + i % 3, event_type=EventType.SUPERVISOR)  # orphans
        for day in range(14, 21):
            for hour, minute in ((10, 45), (11, 45)):
                core_at(day, hour, minute)
                sup = EventFactory.create(event_type=EventType.SUPERVISOR)
                sup.core_event = core_at(day, hour, minute + 10)
                sup.save()

    due_in(2)
    # session + user, the user's two permission lookups (manager?), counts by type and
    # by due day, the 50 most urgent, holidays, the week's Core schedules, orphans, and
    # the attendance app's count of unreported events.
    client.force_login(manager_user)
    assert_constant_queries(lambda: client.get("/"), grow, expected=11)


# --- unscheduled list --------------------------------------------------------------------


def test_list_shows_open_unscheduled_events_most_urgent_first(
    client: Client, manager_user: User
) -> None:
    later = due_in(5)
    core = due_in(2)
    supervisor = due_in(2, event_type=EventType.SUPERVISOR, core_event=core)
    ScheduleFactory.create(event=due_in(1))
    due_in(1, condition=EventCondition.CANCELED)
    response = signed_in(client, manager_user).get("/events/")
    assert [r.event for r in response.context["rows"]] == [core, supervisor, later]
    html = response.content.decode()
    rows = rows_of(html, "events-table")
    assert [r.startswith('<tr class="due-soon">') for r in rows] == [True, True, False]
    assert (
        f'Supervisor: <a href="/events/{supervisor.pk}/">#{supervisor.project_ref_num}</a>'
        in rows[0]
    )
    assert f'Core: <a href="/events/{core.pk}/">#{core.project_ref_num}</a>' in rows[1]
    assert "3 events" in text(html)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event_type": "freeosk"}, ["freeosk-2", "freeosk-6"]),
        ({"store": "4711"}, ["core-other-store"]),
        ({"due_from": "2026-12-16", "due_to": "2026-12-16"}, ["core-2", "freeosk-2"]),
        ({"due_from": "2026-12-19"}, ["core-other-store", "freeosk-6"]),
        ({"due_to": "2026-12-16"}, ["core-2", "freeosk-2"]),
        ({"search": "Freeosk-6"}, ["freeosk-6"]),
        ({"search": "9100001"}, ["freeosk-2"]),
        ({"event_type": "core", "store": "8135"}, ["core-2"]),
        ({"event_type": "", "store": "", "due_from": "", "search": ""}, None),
    ],
)
def test_list_filters(
    client: Client, manager_user: User, params: dict[str, str], expected: list[str] | None
) -> None:
    due_in(2, project_name="606001-CORE-core-2", project_ref_num=9100000)
    due_in(
        2,
        project_name="606002-FREEOSK-freeosk-2",
        event_type=EventType.FREEOSK,
        project_ref_num=9100001,
    )
    due_in(
        6,
        project_name="606003-FREEOSK-freeosk-6",
        event_type=EventType.FREEOSK,
        project_ref_num=9100002,
    )
    due_in(5, project_name="606004-CORE-core-other-store", store_number="4711")
    response = signed_in(client, manager_user).get("/events/", params)
    assert response.status_code == 200
    names = [r.event.project_name.split("-", 2)[2] for r in response.context["rows"]]
    assert names == (expected or ["core-2", "freeosk-2", "core-other-store", "freeosk-6"])
    if expected is not None:
        assert '<a href="/events/">Clear filters</a>' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"event_type": "bogus"}, "Type", "Select a valid choice. bogus is not one of the"),
        ({"due_from": "2026-13-45"}, "Due from", "Enter a valid date."),
        ({"due_from": "2026-12-18", "due_to": "2026-12-15"}, "Due to", "Must not be before"),
        ({"search": "x" * 101}, "Name or ref #", "at most 100 characters"),
        ({"store": "9" * 17}, "Store number", "at most 16 characters"),
    ],
)
def test_list_shows_bad_filter_values_as_form_errors(
    client: Client, manager_user: User, params: dict[str, str], field: str, message: str
) -> None:
    due_in(2)
    response = signed_in(client, manager_user).get("/events/", params)
    assert response.status_code == 400
    html = response.content.decode()
    errors = text(html.split('class="form-errors" role="alert"', 1)[1].split("</div>", 1)[0])
    assert f"{field}:" in errors
    assert message in errors
    assert 'aria-invalid="true"' in html
    assert "No results: fix the filters above" in text(html)
    assert list(response.context["rows"]) == []


def test_list_paginates_and_keeps_the_filters(client: Client, manager_user: User) -> None:
    for i in range(120):
        due_in(1 + i % 7, event_type=EventType.FREEOSK)
    due_in(1)  # a Core event, filtered out
    client = signed_in(client, manager_user)
    first = client.get("/events/", {"event_type": "freeosk"})
    html = first.content.decode()
    assert len(rows_of(html, "events-table")) == 50
    assert "120 events matching" in text(html)
    assert "Page 1 of 3" in text(html)
    assert '<a href="?event_type=freeosk&amp;page=2" rel="next">' in html
    last = client.get("/events/", {"event_type": "freeosk", "page": "3"})
    assert len(rows_of(last.content.decode(), "events-table")) == 20
    assert '<a href="?event_type=freeosk&amp;page=2" rel="prev">' in last.content.decode()
    assert [r.event.due_datetime for r in last.context["rows"]] == sorted(
        r.event.due_datetime for r in last.context["rows"]
    )
    # Out of range or not a number: the nearest page, never an error.
    assert client.get("/events/", {"page": "99"}).context["page_obj"].number == 3
    assert client.get("/events/", {"page": "x"}).context["page_obj"].number == 1


def test_list_runs_a_constant_number_of_queries(client: Client, manager_user: User) -> None:
    def grow() -> None:
        for i in range(60):
            core = due_in(1 + i % 7)
            EventFactory.create(
                event_type=EventType.SUPERVISOR,
                core_event=core,
                start_datetime=core.start_datetime,
                due_datetime=core.due_datetime,
            )
            ScheduleFactory.create(event=due_in(2))

    due_in(2)
    # session + user, two permission lookups, count, one page (paired events joined).
    client.force_login(manager_user)
    assert_constant_queries(lambda: client.get("/events/", {"store": "8135"}), grow, expected=6)


# --- the search box -------------------------------------------------------------------


def test_search_finds_events_by_number_or_name_and_employees_by_name(
    client: Client, manager_user: User
) -> None:
    pretzel = EventFactory.create(project_ref_num=852944, project_name="606034-CORE-Super Pretzel")
    EventFactory.create(project_name="606035-CORE-Olives")
    EmployeeFactory.create(name="Pat Pretzelmaker")
    signed_in(client, manager_user)

    by_ref = client.get("/search/", {"q": "852944"})
    assert [e.pk for e in by_ref.context["events"]] == [pretzel.pk]
    by_number = client.get("/search/", {"q": "606034"})
    assert [e.pk for e in by_number.context["events"]] == [pretzel.pk]
    by_name = client.get("/search/", {"q": "pretzel"})
    assert [e.pk for e in by_name.context["events"]] == [pretzel.pk]
    assert [p.name for p in by_name.context["employees"]] == ["Pat Pretzelmaker"]
    page = by_name.content.decode()
    assert f'<a href="/events/{pretzel.pk}/">606034-CORE-Super Pretzel</a>' in page
    assert 'role="search"' in page
    short = client.get("/search/", {"q": "p"})
    assert short.context["searched"] is False
    assert "Type at least 2 characters" in short.content.decode()


def test_search_runs_one_query_each(
    client: Client, manager_user: User, django_assert_num_queries: Any
) -> None:
    signed_in(client, manager_user)
    for rows in (1, 20):
        EventFactory.create_batch(rows, project_name="606100-CORE-Apples")
        EmployeeFactory.create_batch(rows, name="Ann Apple")
        # session, user, the navigation's permission check (2), events, employees
        with django_assert_num_queries(6):
            assert client.get("/search/", {"q": "apple"}).status_code == 200


def test_search_needs_a_signed_in_user(client: Client) -> None:
    response = client.get("/search/", {"q": "pretzel"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_planning_files_are_linked_from_the_navigation_and_dashboard_in_plain_words(
    client: Client, manager_user: User
) -> None:
    signed_in(client, manager_user)
    dashboard = client.get("/").content.decode()
    assert dashboard.count('href="/planning/"') == 2  # navigation and the dashboard card
    page = client.get("/planning/").content.decode()
    assert "SYNC_ENABLED" not in page and "SPEC" not in page
    assert "Import &amp; export with the planning system" in page
