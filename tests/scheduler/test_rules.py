"""The scheduling rules engine (docs/rules.md), tested pure: no database.

Every case builds the facts `scheduler.rules.check` reads by hand. The defaults are a
Lead Event Specialist available every day and a Core event (390 minutes, window
Mon 2026-12-14 00:00 .. Sat 2026-12-19 00:00 store time) started on Tue 2026-12-15 at
10:45 store time, i.e. 10:45 .. 17:15; each case states only what it changes.

Assertions compare the exact (code, severity) list, so an unexpected extra violation,
or one reported twice, fails the case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from employees.models import JobTitle
from events.types import EventType
from scheduler.roles import ALLOWED_TITLES
from scheduler.rules import (
    Booking,
    Code,
    Context,
    EmployeeFacts,
    EventFacts,
    Severity,
    Snapshot,
    Violation,
    check,
)

TZ = ZoneInfo(settings.TIME_ZONE)
UTC = dt.UTC
HARD = Severity.HARD
SOFT = Severity.SOFT
MANUAL = Context.MANUAL
AUTO = Context.AUTO

Pair = tuple[Code, Severity]


# The DST cases name the transitions of the default store zone.
INDIANAPOLIS_ONLY = pytest.mark.skipif(
    settings.TIME_ZONE != "America/Indiana/Indianapolis",
    reason="the DST cases use America/Indiana/Indianapolis transition dates",
)


# --- builders --------------------------------------------------------------------------


def at(
    year: int, month: int, dd: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> dt.datetime:
    """A store-local wall-clock time as an aware datetime."""
    return dt.datetime(year, month, dd, hour, minute, fold=fold, tzinfo=TZ)


def day(year: int, month: int, dd: int) -> dt.date:
    return dt.date(year, month, dd)


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


# docs/rules.md default durations (fixed here, so an env override of the settings cannot move
# the arithmetic these cases are written against).
DURATION = {
    EventType.CORE: 390,
    EventType.SUPERVISOR: 5,
    EventType.JUICER_PRODUCTION: 540,
    EventType.JUICER_SURVEY: 30,
    EventType.FREEOSK: 30,
    EventType.DIGITAL_SETUP: 30,
    EventType.DIGITAL_REFRESH: 30,
    EventType.DIGITAL_TEARDOWN: 30,
    EventType.DIGITALS: 30,
    EventType.OTHER: 60,
}
NAME = {
    EventType.CORE: "606034-CORE-Super Pretzel",
    EventType.SUPERVISOR: "606034-Supervisor-Super Pretzel",
    EventType.JUICER_PRODUCTION: "606990-JUICER-Production Fresh Juice",
    EventType.JUICER_SURVEY: "606991-JUICER-SURVEY Fresh Juice",
    EventType.FREEOSK: "607001-FREEOSK-Sample Kiosk Refill",
    EventType.DIGITAL_SETUP: "607002-DIGITAL SETUP-Endcap Screens",
    EventType.DIGITAL_REFRESH: "607002-Digital Refresh-Endcap Screens",
    EventType.DIGITAL_TEARDOWN: "607003-DIGITAL TEARDOWN-Endcap Screens",
    EventType.DIGITALS: "607009-DIGITALS-Endcap Screens",
    EventType.OTHER: "607004-Store Walkthrough",
}
# What the employee already works: different events from the one being checked.
BOOKED_NAME = {
    **NAME,
    EventType.CORE: "606035-CORE-Kirkland Trail Mix",
    EventType.OTHER: "607005-Store Reset",
}

EVERY_DAY = frozenset(range(7))
LEAD = EmployeeFacts(
    id=1,
    name="Lena Lead",
    job_title=JobTitle.LEAD_EVENT_SPECIALIST,
    is_active=True,
    termination_date=None,
    weekdays=EVERY_DAY,
)
SPECIALIST = dataclasses.replace(LEAD, name="Evan Specialist", job_title=JobTitle.EVENT_SPECIALIST)
SUPERVISOR = dataclasses.replace(LEAD, name="Casey Club", job_title=JobTitle.CLUB_SUPERVISOR)
BARISTA = dataclasses.replace(LEAD, name="Jules Juicer", job_title=JobTitle.JUICER_BARISTA)
OTHER_EMPLOYEE_ID = 2


def employee(base: EmployeeFacts = LEAD, **changes: Any) -> EmployeeFacts:
    return dataclasses.replace(base, **changes)


def event(kind: EventType = EventType.CORE, **changes: Any) -> EventFacts:
    facts = EventFacts(
        id=100,
        name=NAME[kind],
        event_type=kind,
        window_start=at(2026, 12, 14),
        window_due=at(2026, 12, 19),
        duration=minutes(DURATION[kind]),
    )
    return dataclasses.replace(facts, **changes)


def booking(
    start: dt.datetime,
    kind: EventType = EventType.OTHER,
    *,
    schedule_id: int = 7,
    length: int | None = None,
) -> Booking:
    """One of the employee's live schedules: another event, `length` minutes long."""
    return Booking(
        schedule_id=schedule_id,
        event_id=200 + schedule_id,
        event_name=BOOKED_NAME[kind],
        event_type=kind,
        start=start,
        # real elapsed time, also across a DST change (aware arithmetic is wall-clock)
        end=(
            start.astimezone(UTC) + minutes(DURATION[kind] if length is None else length)
        ).astimezone(start.tzinfo),
    )


CORE = event()
START = at(2026, 12, 15, 10, 45)  # Tue; the Core event runs 10:45 .. 17:15


@dataclasses.dataclass(frozen=True)
class Given:
    """One call of `check`: the defaults pass every rule."""

    event: EventFacts = CORE
    employee: EmployeeFacts = LEAD
    start: dt.datetime = START
    bookings: tuple[Booking, ...] = ()
    others_bookings: tuple[Booking, ...] = ()  # another employee's schedules
    holidays: tuple[tuple[dt.date, str], ...] = ()
    recurring: tuple[tuple[int, int, str], ...] = ()
    time_off: tuple[tuple[dt.date, dt.date, str], ...] = ()
    unavailable: tuple[tuple[dt.date, str], ...] = ()
    ignore: tuple[int, ...] = ()
    primary_leads: tuple[tuple[dt.date, int], ...] = ()
    now: dt.datetime | None = None

    def but(self, **changes: Any) -> Given:
        return dataclasses.replace(self, **changes)

    def snapshot(self) -> Snapshot:
        me = self.employee.id
        snapshot = Snapshot(
            tz=TZ,
            holiday_dates=dict(self.holidays),
            recurring_holidays={(month, dd): name for month, dd, name in self.recurring},
            time_off={me: list(self.time_off)} if self.time_off else {},
            unavailable={me: dict(self.unavailable)} if self.unavailable else {},
            primary_leads=dict(self.primary_leads),
            now=self.now,
        )
        for b in self.bookings:
            snapshot.add_booking(me, b)
        for b in self.others_bookings:
            snapshot.add_booking(OTHER_EMPLOYEE_ID, b)
        return snapshot

    def check(self, context: Context = MANUAL) -> list[Violation]:
        return check(
            event=self.event,
            employee=self.employee,
            start=self.start,
            context=context,
            snapshot=self.snapshot(),
            ignore_schedules=self.ignore,
        )


def pairs(violations: Sequence[Violation]) -> list[Pair]:
    return sorted((v.code, v.severity) for v in violations)


class Row(NamedTuple):
    name: str
    given: Given
    context: Context
    expected: list[Pair]


def both_contexts(case_id: str, given: Given, expected: list[Pair]) -> list[Row]:
    """The same case in manual and auto scheduling, where the answer is the same."""
    return [Row(f"{case_id}[{context}]", given, context, expected) for context in Context]


def params(rows: Sequence[Row]) -> list[Any]:
    return [pytest.param(r.given, r.context, r.expected, id=r.name) for r in rows]


# --- 1. every rule code, passing and failing, in both contexts --------------------------

NOT_TUESDAY = EVERY_DAY - {1}

RULE_CASES: list[Row] = [
    *both_contexts("defaults-pass", Given(), []),
    # company_holiday
    *both_contexts(
        "company_holiday-fails",
        Given(holidays=((day(2026, 12, 15), "Founders' Day"),)),
        [(Code.COMPANY_HOLIDAY, HARD)],
    ),
    *both_contexts(
        "company_holiday-passes-holiday-another-day",
        Given(holidays=((day(2026, 12, 16), "Founders' Day"),)),
        [],
    ),
    # outside_window
    *both_contexts(
        "outside_window-fails-after-due",
        Given(start=at(2026, 12, 19, 10, 45)),
        [(Code.OUTSIDE_WINDOW, HARD)],
    ),
    *both_contexts(
        "outside_window-fails-before-start",
        Given(start=at(2026, 12, 13, 10, 45)),
        [(Code.OUTSIDE_WINDOW, HARD)],
    ),
    *both_contexts("outside_window-passes-last-day", Given(start=at(2026, 12, 18, 10, 45)), []),
    # employee_inactive
    *both_contexts(
        "employee_inactive-fails-not-active",
        Given(employee=employee(is_active=False)),
        [(Code.EMPLOYEE_INACTIVE, HARD)],
    ),
    *both_contexts(
        "employee_inactive-fails-terminated-before",
        Given(employee=employee(termination_date=day(2026, 12, 10))),
        [(Code.EMPLOYEE_INACTIVE, HARD)],
    ),
    *both_contexts(
        "employee_inactive-passes-terminated-later",
        Given(employee=employee(termination_date=day(2026, 12, 31))),
        [],
    ),
    # time_off
    *both_contexts(
        "time_off-fails",
        Given(time_off=((day(2026, 12, 14), day(2026, 12, 16), "Vacation"),)),
        [(Code.TIME_OFF, HARD)],
    ),
    *both_contexts(
        "time_off-passes-other-days",
        Given(time_off=((day(2026, 12, 16), day(2026, 12, 18), "Vacation"),)),
        [],
    ),
    # unavailable_date
    *both_contexts(
        "unavailable_date-fails",
        Given(unavailable=((day(2026, 12, 15), "Doctor"),)),
        [(Code.UNAVAILABLE_DATE, HARD)],
    ),
    *both_contexts(
        "unavailable_date-passes-other-day",
        Given(unavailable=((day(2026, 12, 16), "Doctor"),)),
        [],
    ),
    # weekly_unavailable: hard for the auto-scheduler, a warning by hand
    Row(
        "weekly_unavailable-fails[auto]",
        Given(employee=employee(weekdays=NOT_TUESDAY)),
        AUTO,
        [(Code.WEEKLY_UNAVAILABLE, HARD)],
    ),
    Row(
        "weekly_unavailable-fails[manual]",
        Given(employee=employee(weekdays=NOT_TUESDAY)),
        MANUAL,
        [(Code.WEEKLY_UNAVAILABLE, SOFT)],
    ),
    *both_contexts(
        "weekly_unavailable-passes-tuesdays-only",
        Given(employee=employee(weekdays=frozenset({1}))),
        [],
    ),
    # role_not_allowed
    *both_contexts(
        "role_not_allowed-fails-specialist-on-freeosk",
        Given(event=event(EventType.FREEOSK), employee=SPECIALIST, start=at(2026, 12, 15, 10)),
        [(Code.ROLE_NOT_ALLOWED, HARD)],
    ),
    *both_contexts(
        "role_not_allowed-passes-lead-on-freeosk",
        Given(event=event(EventType.FREEOSK), start=at(2026, 12, 15, 10)),
        [],
    ),
    # role_not_allowed: a Lead takes a Supervisor event only as that day's Primary Lead
    *both_contexts(
        "role_not_allowed-fails-lead-on-supervisor-not-primary-lead",
        Given(
            event=event(EventType.SUPERVISOR),
            start=at(2026, 12, 15, 12, 45),
            primary_leads=((day(2026, 12, 15), OTHER_EMPLOYEE_ID),),
        ),
        [(Code.ROLE_NOT_ALLOWED, HARD)],
    ),
    *both_contexts(
        "role_not_allowed-fails-lead-primary-lead-another-day",
        Given(
            event=event(EventType.SUPERVISOR),
            start=at(2026, 12, 15, 12, 45),
            primary_leads=((day(2026, 12, 16), LEAD.id),),
        ),
        [(Code.ROLE_NOT_ALLOWED, HARD)],
    ),
    *both_contexts(
        "role_not_allowed-passes-primary-lead-on-supervisor",
        Given(
            event=event(EventType.SUPERVISOR),
            start=at(2026, 12, 15, 12, 45),
            primary_leads=((day(2026, 12, 15), LEAD.id),),
        ),
        [],
    ),
    # past_start: a warning by hand, hard for the auto-scheduler
    Row(
        "past_start-fails[manual]",
        Given(now=at(2026, 12, 15, 17, 45)),
        MANUAL,
        [(Code.PAST_START, SOFT)],
    ),
    Row(
        "past_start-fails[auto]",
        Given(now=at(2026, 12, 15, 17, 45)),
        AUTO,
        [(Code.PAST_START, HARD)],
    ),
    *both_contexts("past_start-passes-start-is-now", Given(now=START), []),
    *both_contexts("past_start-passes-earlier-now", Given(now=at(2026, 12, 15, 10, 44)), []),
    # juicer_day: a Juicer Survey 19:30 .. 20:00 the same day, 135 minutes after Core ends
    *both_contexts(
        "juicer_day-fails",
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 15, 19, 30), EventType.JUICER_SURVEY),),
        ),
        [(Code.JUICER_DAY, HARD)],
    ),
    *both_contexts(
        "juicer_day-passes-juicing-the-next-day",
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 16, 17), EventType.JUICER_SURVEY),),
        ),
        [],
    ),
    # core_daily_limit: another Core 00:00 .. 06:30 the same day, 255 minutes before
    *both_contexts(
        "core_daily_limit-fails",
        Given(bookings=(booking(at(2026, 12, 15), EventType.CORE),)),
        [(Code.CORE_DAILY_LIMIT, HARD)],
    ),
    *both_contexts(
        "core_daily_limit-passes-core-the-next-day",
        Given(bookings=(booking(at(2026, 12, 16, 10, 45), EventType.CORE),)),
        [],
    ),
    # overlap
    *both_contexts(
        "overlap-fails",
        Given(bookings=(booking(at(2026, 12, 15, 12)),)),
        [(Code.OVERLAP, HARD)],
    ),
    *both_contexts(
        "overlap-passes-two-hours-later",
        Given(bookings=(booking(at(2026, 12, 15, 19, 15)),)),
        [],
    ),
    # supervisor_on_core: a warning only
    *both_contexts(
        "supervisor_on_core-fails",
        Given(employee=SUPERVISOR),
        [(Code.SUPERVISOR_ON_CORE, SOFT)],
    ),
    *both_contexts(
        "supervisor_on_core-passes-supervisor-event",
        Given(
            event=event(EventType.SUPERVISOR), employee=SUPERVISOR, start=at(2026, 12, 15, 12, 45)
        ),
        [],
    ),
    # proximity: an Other event 18:00 .. 19:00, 45 minutes after Core ends
    *both_contexts(
        "proximity-fails",
        Given(bookings=(booking(at(2026, 12, 15, 18)),)),
        [(Code.PROXIMITY, SOFT)],
    ),
    *both_contexts(
        "proximity-passes-two-hours-before",
        Given(bookings=(booking(at(2026, 12, 15, 7, 45)),)),  # ends 08:45
        [],
    ),
    # proximity: never between two Supervisor check-ins in the same store (minutes long
    # by design); another store's check-in, or a real event, still counts
    *both_contexts(
        "proximity-passes-supervisor-check-ins-same-store",
        Given(
            event=event(EventType.SUPERVISOR, store_number="4711"),
            employee=SUPERVISOR,
            start=at(2026, 12, 15, 12, 45),
            bookings=(
                dataclasses.replace(
                    booking(at(2026, 12, 15, 13, 15), EventType.SUPERVISOR), store_number="4711"
                ),
            ),
        ),
        [],
    ),
    *both_contexts(
        "proximity-fails-supervisor-check-ins-other-store",
        Given(
            event=event(EventType.SUPERVISOR, store_number="4711"),
            employee=SUPERVISOR,
            start=at(2026, 12, 15, 12, 45),
            bookings=(
                dataclasses.replace(
                    booking(at(2026, 12, 15, 13, 15), EventType.SUPERVISOR), store_number="0815"
                ),
            ),
        ),
        [(Code.PROXIMITY, SOFT)],
    ),
    *both_contexts(
        "proximity-fails-supervisor-check-in-near-a-real-event",
        Given(
            event=event(EventType.SUPERVISOR, store_number="4711"),
            employee=SUPERVISOR,
            start=at(2026, 12, 15, 12, 45),
            bookings=(dataclasses.replace(booking(at(2026, 12, 15, 13, 15)), store_number="4711"),),
        ),
        [(Code.PROXIMITY, SOFT)],
    ),
]


@pytest.mark.parametrize(("given", "context", "expected"), params(RULE_CASES))
def test_each_rule(given: Given, context: Context, expected: list[Pair]) -> None:
    # Given the facts of the row; when the engine checks them; then exactly these fail.
    assert pairs(given.check(context)) == sorted(expected)


SEVERITY_BY_CONTEXT = {
    (code, context): (
        (HARD if context is AUTO else SOFT)
        if code is Code.WEEKLY_UNAVAILABLE
        else SOFT
        if code in {Code.SUPERVISOR_ON_CORE, Code.PROXIMITY}
        else (HARD if context is AUTO else SOFT)
        if code is Code.PAST_START
        else HARD
    )
    for code in Code
    for context in Context
}


def test_rule_cases_cover_every_code_in_every_context() -> None:
    # Given the table above; then each code fails, with its SPEC severity, in both
    # contexts, and each code has a near-miss row of its own that passes.
    failing: set[tuple[Code, Severity, Context]] = set()
    passing: set[tuple[str, Context]] = set()
    for row in RULE_CASES:
        failing.update((code, severity, row.context) for code, severity in row.expected)
        if not row.expected:
            passing.add((row.name.split("-", 1)[0], row.context))
    assert failing == {(c, s, ctx) for (c, ctx), s in SEVERITY_BY_CONTEXT.items()}
    assert passing == {(str(c), ctx) for c in Code for ctx in Context} | {
        ("defaults", ctx) for ctx in Context
    }


# --- 2. edge cases ---------------------------------------------------------------------

LATE_OTHER = Given(event=event(EventType.OTHER), start=at(2026, 12, 15, 23, 30))  # .. Wed 00:30
HOLIDAY_SEASON = Given(
    event=event(EventType.OTHER, window_start=at(2026, 12, 21), window_due=at(2028, 1, 1)),
    start=at(2026, 12, 25, 11),
)
CHRISTMAS = ((12, 25, "Christmas"),)
CHRISTMAS_2026 = ((day(2026, 12, 25), "Christmas 2026"),)

EDGE_CASES = [
    # --- the window is [start_datetime, due_datetime) ---
    # start == due: due is exclusive
    pytest.param(
        Given(start=at(2026, 12, 19)), MANUAL, [(Code.OUTSIDE_WINDOW, HARD)], id="start-at-due"
    ),
    # start == window start: the start is inclusive
    pytest.param(Given(start=at(2026, 12, 14)), MANUAL, [], id="start-at-window-start"),
    # one minute before due: fine, although the 390 minutes run well past due
    pytest.param(Given(start=at(2026, 12, 18, 23, 59)), MANUAL, [], id="start-minute-before-due"),
    # one minute before the window opens
    pytest.param(
        Given(start=at(2026, 12, 13, 23, 59)),
        MANUAL,
        [(Code.OUTSIDE_WINDOW, HARD)],
        id="start-minute-before-window",
    ),
    # the same boundaries when the window is in UTC (as loaded) and the start in store time
    pytest.param(
        Given(
            event=event(
                window_start=at(2026, 12, 14).astimezone(UTC),
                window_due=at(2026, 12, 19).astimezone(UTC),
            ),
            start=at(2026, 12, 19),
        ),
        MANUAL,
        [(Code.OUTSIDE_WINDOW, HARD)],
        id="start-at-due-window-in-utc",
    ),
    pytest.param(
        Given(
            event=event(
                window_start=at(2026, 12, 14).astimezone(UTC),
                window_due=at(2026, 12, 19).astimezone(UTC),
            ),
            start=at(2026, 12, 18, 23, 59),
        ),
        MANUAL,
        [],
        id="start-minute-before-due-window-in-utc",
    ),
    # --- overlap is [start, end) intersecting; proximity is a gap under 120 minutes ---
    # back-to-back: the booking ends exactly when the new event starts -> gap 0, a warning
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 9, 45)),)),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="back-to-back-booking-before",
    ),
    # back-to-back: the booking starts exactly when the new event ends
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 17, 15)),)),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="back-to-back-booking-after",
    ),
    # one minute of overlap at either end
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 17, 14)),)),
        MANUAL,
        [(Code.OVERLAP, HARD)],
        id="overlap-last-minute",
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 9, 46)),)),
        MANUAL,
        [(Code.OVERLAP, HARD)],
        id="overlap-first-minute",
    ),
    # a booking that contains the whole new event
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 10), length=480),)),
        MANUAL,
        [(Code.OVERLAP, HARD)],
        id="overlap-booking-contains-event",
    ),
    # gap of exactly 120 minutes after (17:15 -> 19:15) and before (08:45 -> 10:45)
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 19, 15)),)), MANUAL, [], id="gap-120-after"
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 7, 45)),)), MANUAL, [], id="gap-120-before"
    ),
    # gap of 119 minutes after and before
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 19, 14)),)),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="gap-119-after",
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 7, 46)),)),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="gap-119-before",
    ),
    # each booking is judged on its own: one overlaps, one is near
    pytest.param(
        Given(
            bookings=(
                booking(at(2026, 12, 15, 12)),
                booking(at(2026, 12, 15, 18), schedule_id=8),
            )
        ),
        MANUAL,
        [(Code.OVERLAP, HARD), (Code.PROXIMITY, SOFT)],
        id="overlap-and-proximity",
    ),
    # two near bookings -> two warnings
    pytest.param(
        Given(
            bookings=(
                booking(at(2026, 12, 15, 9)),
                booking(at(2026, 12, 15, 18), schedule_id=8),
            )
        ),
        MANUAL,
        [(Code.PROXIMITY, SOFT), (Code.PROXIMITY, SOFT)],
        id="two-near-bookings",
    ),
    # another employee's schedules are not this employee's
    pytest.param(
        Given(
            others_bookings=(
                booking(at(2026, 12, 15, 12)),
                booking(at(2026, 12, 15), EventType.CORE, schedule_id=8),
            )
        ),
        MANUAL,
        [],
        id="other-employees-bookings",
    ),
    # --- crossing midnight in store time: Other 60 minutes, Tue 23:30 .. Wed 00:30 ---
    # a booking at 00:10 the next day overlaps
    pytest.param(
        LATE_OTHER.but(bookings=(booking(at(2026, 12, 16, 0, 10)),)),
        MANUAL,
        [(Code.OVERLAP, HARD)],
        id="midnight-overlap-next-day",
    ),
    # a booking at 00:30 the next day is back-to-back
    pytest.param(
        LATE_OTHER.but(bookings=(booking(at(2026, 12, 16, 0, 30)),)),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="midnight-back-to-back-next-day",
    ),
    # its day is the start's date: a holiday on Wednesday does not matter, Tuesday does
    pytest.param(
        LATE_OTHER.but(holidays=((day(2026, 12, 16), "Founders' Day"),)),
        MANUAL,
        [],
        id="midnight-holiday-next-day",
    ),
    pytest.param(
        LATE_OTHER.but(holidays=((day(2026, 12, 15), "Founders' Day"),)),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="midnight-holiday-start-day",
    ),
    # weekly availability is the start's weekday
    pytest.param(
        LATE_OTHER.but(employee=employee(weekdays=EVERY_DAY - {2})),
        AUTO,
        [],
        id="midnight-not-available-wednesdays",
    ),
    pytest.param(
        LATE_OTHER.but(employee=employee(weekdays=NOT_TUESDAY)),
        AUTO,
        [(Code.WEEKLY_UNAVAILABLE, HARD)],
        id="midnight-not-available-tuesdays",
    ),
    pytest.param(
        LATE_OTHER.but(time_off=((day(2026, 12, 16), day(2026, 12, 16), "Vacation"),)),
        MANUAL,
        [],
        id="midnight-time-off-next-day",
    ),
    # the start given in UTC (already Wednesday there) is still a Tuesday in the store
    pytest.param(
        LATE_OTHER.but(
            start=at(2026, 12, 15, 23, 30).astimezone(UTC),
            holidays=((day(2026, 12, 15), "Founders' Day"),),
        ),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="midnight-start-in-utc-is-store-day",
    ),
    # --- holidays ---
    # a recurring holiday matches its month/day in any year
    pytest.param(
        HOLIDAY_SEASON.but(recurring=CHRISTMAS),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="recurring-holiday-2026",
    ),
    pytest.param(
        HOLIDAY_SEASON.but(recurring=CHRISTMAS, start=at(2027, 12, 25, 11)),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="recurring-holiday-2027",
    ),
    pytest.param(
        HOLIDAY_SEASON.but(recurring=CHRISTMAS, start=at(2026, 12, 24, 11)),
        MANUAL,
        [],
        id="recurring-holiday-day-before",
    ),
    # a fixed-date holiday is that day of that year only
    pytest.param(
        HOLIDAY_SEASON.but(holidays=CHRISTMAS_2026),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="fixed-holiday-its-year",
    ),
    pytest.param(
        HOLIDAY_SEASON.but(holidays=CHRISTMAS_2026, start=at(2027, 12, 25, 11)),
        MANUAL,
        [],
        id="fixed-holiday-next-year",
    ),
    # both kinds on one day: one violation
    pytest.param(
        HOLIDAY_SEASON.but(holidays=CHRISTMAS_2026, recurring=CHRISTMAS),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="fixed-and-recurring-holiday",
    ),
    # Christmas 23:30 in the store is Dec 26 in UTC: still Christmas
    pytest.param(
        HOLIDAY_SEASON.but(recurring=CHRISTMAS, start=at(2026, 12, 25, 23, 30).astimezone(UTC)),
        MANUAL,
        [(Code.COMPANY_HOLIDAY, HARD)],
        id="recurring-holiday-late-start-in-utc",
    ),
    # --- active / terminated ---
    # terminated on the day -> inactive
    pytest.param(
        Given(employee=employee(termination_date=day(2026, 12, 15))),
        MANUAL,
        [(Code.EMPLOYEE_INACTIVE, HARD)],
        id="terminated-on-the-day",
    ),
    # terminated the day after -> still works that day
    pytest.param(
        Given(employee=employee(termination_date=day(2026, 12, 16))),
        MANUAL,
        [],
        id="terminated-the-day-after",
    ),
    pytest.param(
        Given(employee=employee(is_active=False)),
        AUTO,
        [(Code.EMPLOYEE_INACTIVE, HARD)],
        id="inactive",
    ),
    # inactive and terminated: one violation
    pytest.param(
        Given(employee=employee(is_active=False, termination_date=day(2026, 12, 1))),
        MANUAL,
        [(Code.EMPLOYEE_INACTIVE, HARD)],
        id="inactive-and-terminated",
    ),
    # --- time off (inclusive date ranges) ---
    pytest.param(
        Given(time_off=((day(2026, 12, 15), day(2026, 12, 17), "Vacation"),)),
        MANUAL,
        [(Code.TIME_OFF, HARD)],
        id="time-off-first-day",
    ),
    pytest.param(
        Given(time_off=((day(2026, 12, 13), day(2026, 12, 15), "Vacation"),)),
        MANUAL,
        [(Code.TIME_OFF, HARD)],
        id="time-off-last-day",
    ),
    pytest.param(
        Given(time_off=((day(2026, 12, 15), day(2026, 12, 15), "Vacation"),)),
        AUTO,
        [(Code.TIME_OFF, HARD)],
        id="time-off-single-day",
    ),
    pytest.param(
        Given(time_off=((day(2026, 12, 12), day(2026, 12, 14), "Vacation"),)),
        MANUAL,
        [],
        id="time-off-ends-day-before",
    ),
    pytest.param(
        Given(time_off=((day(2026, 12, 16), day(2026, 12, 18), "Vacation"),)),
        MANUAL,
        [],
        id="time-off-starts-day-after",
    ),
    # two ranges covering the day: one violation
    pytest.param(
        Given(
            time_off=(
                (day(2026, 12, 14), day(2026, 12, 15), "Vacation"),
                (day(2026, 12, 15), day(2026, 12, 16), "Training"),
            )
        ),
        MANUAL,
        [(Code.TIME_OFF, HARD)],
        id="time-off-two-ranges",
    ),
    # --- unavailable dates ---
    pytest.param(
        Given(unavailable=((day(2026, 12, 15), "Doctor"),)),
        AUTO,
        [(Code.UNAVAILABLE_DATE, HARD)],
        id="unavailable-that-date",
    ),
    pytest.param(
        Given(unavailable=((day(2026, 12, 14), "Doctor"), (day(2026, 12, 16), "Doctor"))),
        MANUAL,
        [],
        id="unavailable-days-around",
    ),
    # --- weekly availability ---
    pytest.param(
        Given(employee=employee(weekdays=frozenset())),
        MANUAL,
        [(Code.WEEKLY_UNAVAILABLE, SOFT)],
        id="weekly-no-days-manual",
    ),
    pytest.param(
        Given(employee=employee(weekdays=frozenset())),
        AUTO,
        [(Code.WEEKLY_UNAVAILABLE, HARD)],
        id="weekly-no-days-auto",
    ),
    # --- Juicer Barista: no Core on a day it juices ---
    # Core 11:15 .. 17:45 after Juicer Production 00:00 .. 09:00 (gap 135)
    pytest.param(
        Given(
            employee=BARISTA,
            start=at(2026, 12, 15, 11, 15),
            bookings=(booking(at(2026, 12, 15), EventType.JUICER_PRODUCTION),),
        ),
        MANUAL,
        [(Code.JUICER_DAY, HARD)],
        id="barista-core-on-production-day",
    ),
    # Core 10:45 .. 17:15 before a Juicer Survey 19:30 (gap 135)
    pytest.param(
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 15, 19, 30), EventType.JUICER_SURVEY),),
        ),
        AUTO,
        [(Code.JUICER_DAY, HARD)],
        id="barista-core-on-survey-day",
    ),
    # the usual Juicer Production 09:00 .. 18:00 also overlaps
    pytest.param(
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 15, 9), EventType.JUICER_PRODUCTION),),
        ),
        MANUAL,
        [(Code.JUICER_DAY, HARD), (Code.OVERLAP, HARD)],
        id="barista-core-during-production",
    ),
    # free days: juicing the day before or after
    pytest.param(
        Given(
            employee=BARISTA,
            bookings=(
                booking(at(2026, 12, 14, 9), EventType.JUICER_PRODUCTION),
                booking(at(2026, 12, 16, 9), EventType.JUICER_PRODUCTION, schedule_id=8),
            ),
        ),
        MANUAL,
        [],
        id="barista-core-on-free-day",
    ),
    # the reverse: Juicer Survey 19:30 for a barista with Core 10:45 .. 17:15 that day
    pytest.param(
        Given(
            event=event(EventType.JUICER_SURVEY),
            employee=BARISTA,
            start=at(2026, 12, 15, 19, 30),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
        ),
        MANUAL,
        [(Code.JUICER_DAY, HARD)],
        id="barista-survey-on-core-day",
    ),
    # Juicer Production 09:00 after a Core 00:00 .. 06:30 that day (gap 150)
    pytest.param(
        Given(
            event=event(EventType.JUICER_PRODUCTION),
            employee=BARISTA,
            start=at(2026, 12, 15, 9),
            bookings=(booking(at(2026, 12, 15), EventType.CORE),),
        ),
        AUTO,
        [(Code.JUICER_DAY, HARD)],
        id="barista-production-on-core-day",
    ),
    pytest.param(
        Given(
            event=event(EventType.JUICER_SURVEY),
            employee=BARISTA,
            start=at(2026, 12, 16, 17),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
        ),
        MANUAL,
        [],
        id="barista-survey-day-after-core",
    ),
    # Survey 20:00 after Production 09:00 .. 18:00: both juicing, gap 120
    pytest.param(
        Given(
            event=event(EventType.JUICER_SURVEY),
            employee=BARISTA,
            start=at(2026, 12, 15, 20),
            bookings=(booking(at(2026, 12, 15, 9), EventType.JUICER_PRODUCTION),),
        ),
        MANUAL,
        [],
        id="barista-survey-after-production",
    ),
    # a barista's second Core that day is the daily limit, not juicer_day
    pytest.param(
        Given(employee=BARISTA, bookings=(booking(at(2026, 12, 15), EventType.CORE),)),
        MANUAL,
        [(Code.CORE_DAILY_LIMIT, HARD)],
        id="barista-second-core",
    ),
    # the juicing being moved away is left out
    pytest.param(
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 15, 19, 30), EventType.JUICER_SURVEY),),
            ignore=(7,),
        ),
        MANUAL,
        [],
        id="barista-core-juicing-ignored",
    ),
    # --- one Core per store-local day ---
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 14, 10, 45), EventType.CORE),)),
        MANUAL,
        [],
        id="core-the-day-before",
    ),
    # Core Tue 23:00 .. Wed 05:30 is a Tuesday Core (gap 345 after)
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 23), EventType.CORE),)),
        AUTO,
        [(Code.CORE_DAILY_LIMIT, HARD)],
        id="core-same-store-day-late",
    ),
    # the same booking as loaded (UTC, already Wednesday there)
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 23).astimezone(UTC), EventType.CORE),)),
        MANUAL,
        [(Code.CORE_DAILY_LIMIT, HARD)],
        id="core-same-store-day-booking-in-utc",
    ),
    # Core Mon 23:00 .. Tue 05:30 is a Monday Core (Tuesday in UTC; gap 315)
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 14, 23).astimezone(UTC), EventType.CORE),)),
        MANUAL,
        [],
        id="core-previous-store-day-booking-in-utc",
    ),
    # an Other event on a Core day is not limited (19:30, gap 135)
    pytest.param(
        Given(
            event=event(EventType.OTHER),
            start=at(2026, 12, 15, 19, 30),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
        ),
        MANUAL,
        [],
        id="other-on-core-day",
    ),
    # --- Club Supervisor on Core: allowed with a warning only ---
    pytest.param(
        Given(employee=SUPERVISOR), MANUAL, [(Code.SUPERVISOR_ON_CORE, SOFT)], id="cs-core-manual"
    ),
    pytest.param(
        Given(employee=SUPERVISOR), AUTO, [(Code.SUPERVISOR_ON_CORE, SOFT)], id="cs-core-auto"
    ),
    # --- ignore_schedules: a reschedule does not clash with itself ---
    # this event's own schedule (Core 10:45) moved to 11:15
    pytest.param(
        Given(
            start=at(2026, 12, 15, 11, 15),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
            ignore=(7,),
        ),
        MANUAL,
        [],
        id="reschedule-ignores-itself",
    ),
    pytest.param(
        Given(
            start=at(2026, 12, 15, 11, 15),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
        ),
        MANUAL,
        [(Code.CORE_DAILY_LIMIT, HARD), (Code.OVERLAP, HARD)],
        id="reschedule-without-ignore",
    ),
    pytest.param(
        Given(
            start=at(2026, 12, 15, 11, 15),
            bookings=(booking(at(2026, 12, 15, 10, 45), EventType.CORE),),
            ignore=(8,),
        ),
        MANUAL,
        [(Code.CORE_DAILY_LIMIT, HARD), (Code.OVERLAP, HARD)],
        id="reschedule-ignores-another-id",
    ),
    # only the ignored one is left out: the near booking still warns
    pytest.param(
        Given(
            start=at(2026, 12, 15, 11, 15),
            bookings=(
                booking(at(2026, 12, 15, 10, 45), EventType.CORE),
                booking(at(2026, 12, 15, 18), schedule_id=8),
            ),
            ignore=(7,),
        ),
        MANUAL,
        [(Code.PROXIMITY, SOFT)],
        id="reschedule-keeps-other-bookings",
    ),
    # --- everything at once: each rule reports independently ---
    pytest.param(
        Given(
            event=event(EventType.FREEOSK),
            employee=employee(SPECIALIST, is_active=False, weekdays=frozenset()),
            start=at(2026, 12, 20, 10),
            holidays=((day(2026, 12, 20), "Founders' Day"),),
            time_off=((day(2026, 12, 20), day(2026, 12, 20), "Vacation"),),
            unavailable=((day(2026, 12, 20), "Doctor"),),
            bookings=(
                booking(at(2026, 12, 20, 10)),
                booking(at(2026, 12, 20, 11), schedule_id=8),
            ),
        ),
        AUTO,
        [
            (Code.COMPANY_HOLIDAY, HARD),
            (Code.OUTSIDE_WINDOW, HARD),
            (Code.EMPLOYEE_INACTIVE, HARD),
            (Code.TIME_OFF, HARD),
            (Code.UNAVAILABLE_DATE, HARD),
            (Code.WEEKLY_UNAVAILABLE, HARD),
            (Code.ROLE_NOT_ALLOWED, HARD),
            (Code.OVERLAP, HARD),
            (Code.PROXIMITY, SOFT),
        ],
        id="everything-at-once",
    ),
]


@pytest.mark.parametrize(("given", "context", "expected"), EDGE_CASES)
def test_edge_case(given: Given, context: Context, expected: list[Pair]) -> None:
    assert pairs(given.check(context)) == sorted(expected)


@pytest.mark.parametrize(
    ("booked", "gap"),
    [
        pytest.param(at(2026, 12, 15, 9, 45), 0, id="ends-as-event-starts"),
        pytest.param(at(2026, 12, 15, 17, 15), 0, id="starts-as-event-ends"),
        pytest.param(at(2026, 12, 15, 19, 14), 119, id="119-after"),
        pytest.param(at(2026, 12, 15, 7, 46), 119, id="119-before"),
        pytest.param(at(2026, 12, 15, 18).astimezone(UTC), 45, id="45-after-booking-in-utc"),
    ],
)
def test_proximity_reports_the_gap(booked: dt.datetime, gap: int) -> None:
    # Given an Other booking near the Core event; when checked; then the gap is reported.
    violations = Given(bookings=(booking(booked),)).check()

    assert [(v.code, v.details) for v in violations] == [
        (Code.PROXIMITY, {"schedule": 7, "gap_minutes": gap})
    ]


# --- role table: every event type x every job title -----------------------------------

# docs/rules.md "Who may work it"; Supervisor events go to the Club Supervisor on duty, else to
# the Primary Lead (docs/rules.md, the Supervisor cascade), so Leads may work them too.
LEADS = {JobTitle.LEAD_EVENT_SPECIALIST, JobTitle.CLUB_SUPERVISOR}
SPEC_ALLOWED = {
    EventType.JUICER_PRODUCTION: {JobTitle.JUICER_BARISTA},
    EventType.JUICER_SURVEY: {JobTitle.JUICER_BARISTA},
    EventType.FREEOSK: LEADS,
    EventType.DIGITAL_SETUP: LEADS,
    EventType.DIGITAL_REFRESH: LEADS,
    EventType.DIGITAL_TEARDOWN: LEADS,
    EventType.DIGITALS: LEADS,
    EventType.CORE: {
        JobTitle.EVENT_SPECIALIST,
        JobTitle.LEAD_EVENT_SPECIALIST,
        JobTitle.JUICER_BARISTA,
        JobTitle.CLUB_SUPERVISOR,  # with the supervisor_on_core warning
    },
    EventType.SUPERVISOR: LEADS,
    EventType.OTHER: LEADS,
}


def test_allowed_titles_match_the_spec() -> None:
    assert {kind: set(titles) for kind, titles in ALLOWED_TITLES.items()} == SPEC_ALLOWED


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        pytest.param(kind, title, id=f"{kind}-{title}")
        for kind in ALLOWED_TITLES
        for title in JobTitle
    ],
)
@pytest.mark.parametrize("context", list(Context))
def test_role_table(kind: EventType, title: JobTitle, context: Context) -> None:
    # Given an employee with `title` on an event of type `kind`, and nothing else amiss
    given = Given(event=event(kind), employee=employee(job_title=title))

    # When checked
    found = pairs(given.check(context))

    # Then role_not_allowed exactly when the title may not work the type; a Club
    # Supervisor on Core is allowed, with the supervisor_on_core warning only.
    # A Lead on a Supervisor event is refused too: it is not the day's Primary Lead.
    expected: list[Pair] = []
    if title not in ALLOWED_TITLES[kind] or (
        kind == EventType.SUPERVISOR and title == JobTitle.LEAD_EVENT_SPECIALIST
    ):
        expected.append((Code.ROLE_NOT_ALLOWED, HARD))
    if kind == EventType.CORE and title == JobTitle.CLUB_SUPERVISOR:
        expected.append((Code.SUPERVISOR_ON_CORE, SOFT))
    assert found == sorted(expected)


# --- DST: durations are real elapsed time; the day is the store-local date ------------

# A start comes in three shapes: everything in UTC (as loaded from the database); a start
# in store time (a form or the API: Django and DRF hand back the current zone) against
# bookings in UTC; everything in store time (facts built in memory).
VARIANTS = ("utc", "store-start", "store")


def expressed(given: Given, variant: str) -> Given:
    """The same instants, with tzinfo as `variant` says."""
    start_zone = UTC if variant == "utc" else TZ
    other_zone = TZ if variant == "store" else UTC

    def move(b: Booking) -> Booking:
        return dataclasses.replace(
            b, start=b.start.astimezone(other_zone), end=b.end.astimezone(other_zone)
        )

    return given.but(
        start=given.start.astimezone(start_zone),
        event=dataclasses.replace(
            given.event,
            window_start=given.event.window_start.astimezone(other_zone),
            window_due=given.event.window_due.astimezone(other_zone),
        ),
        bookings=tuple(move(b) for b in given.bookings),
    )


SPRING = Given(  # Sun 2027-03-14: 02:00 EST -> 03:00 EDT
    event=event(window_start=at(2027, 3, 13), window_due=at(2027, 3, 16)),
    start=at(2027, 3, 14, 0, 30),  # 05:30 UTC; 390 real minutes end at 12:00 UTC = 08:00 EDT
)
FALL = Given(  # Sun 2026-11-01: 02:00 EDT -> 01:00 EST
    event=event(window_start=at(2026, 10, 31), window_due=at(2026, 11, 3)),
    start=at(2026, 11, 1, 0, 30),  # 04:30 UTC; 390 real minutes end at 11:00 UTC = 06:00 EST
)

# (id, given, expected): each checked with its datetimes in UTC and in store time.
DST_CASES: list[tuple[str, Given, list[Pair]]] = [
    # Core 00:30 EST .. 08:00 EDT overlaps an Other booking at 07:30 EDT
    (
        "spring-core-overlaps-0730",
        SPRING.but(bookings=(booking(at(2027, 3, 14, 7, 30)),)),
        [(Code.OVERLAP, HARD)],
    ),
    # a booking at 08:00 EDT is back-to-back
    (
        "spring-core-back-to-back-0800",
        SPRING.but(bookings=(booking(at(2027, 3, 14, 8)),)),
        [(Code.PROXIMITY, SOFT)],
    ),
    # 09:59 EDT is 119 real minutes after the end; 10:00 is 120
    (
        "spring-core-gap-119",
        SPRING.but(bookings=(booking(at(2027, 3, 14, 9, 59)),)),
        [(Code.PROXIMITY, SOFT)],
    ),
    (
        "spring-core-gap-120",
        SPRING.but(bookings=(booking(at(2027, 3, 14, 10)),)),
        [],
    ),
    # Other 01:30 EST .. 03:30 EDT (one real hour) overlaps a booking at 03:00 EDT
    (
        "spring-other-across-the-jump",
        SPRING.but(
            event=event(EventType.OTHER, window_start=at(2027, 3, 13), window_due=at(2027, 3, 16)),
            start=at(2027, 3, 14, 1, 30),
            bookings=(booking(at(2027, 3, 14, 3)),),
        ),
        [(Code.OVERLAP, HARD)],
    ),
    # 03:30 EDT, just after the jump, is on Sunday Mar 14
    (
        "spring-day-after-the-jump",
        SPRING.but(start=at(2027, 3, 14, 3, 30), holidays=((day(2027, 3, 14), "DST Day"),)),
        [(Code.COMPANY_HOLIDAY, HARD)],
    ),
    # 04:30 UTC on Mar 15 is 00:30 EDT Monday (not 23:30 Sunday at the winter offset)
    (
        "spring-next-day-at-summer-offset",
        SPRING.but(start=at(2027, 3, 15, 0, 30), unavailable=((day(2027, 3, 15), "Doctor"),)),
        [(Code.UNAVAILABLE_DATE, HARD)],
    ),
    # Core 00:30 EDT .. 06:00 EST is back-to-back with a booking at 06:00 EST
    (
        "fall-core-back-to-back-0600",
        FALL.but(bookings=(booking(at(2026, 11, 1, 6)),)),
        [(Code.PROXIMITY, SOFT)],
    ),
    # and 30 minutes from a booking at 06:30 EST: a warning, not an overlap
    (
        "fall-core-near-0630",
        FALL.but(bookings=(booking(at(2026, 11, 1, 6, 30)),)),
        [(Code.PROXIMITY, SOFT)],
    ),
    (
        "fall-core-overlaps-0530",
        FALL.but(bookings=(booking(at(2026, 11, 1, 5, 30)),)),
        [(Code.OVERLAP, HARD)],
    ),
    # the repeated hour: Other 01:30 EST follows a booking 01:30 EDT .. 01:30 EST
    (
        "fall-repeated-hour-back-to-back",
        FALL.but(
            event=event(EventType.OTHER, window_start=at(2026, 10, 31), window_due=at(2026, 11, 3)),
            start=at(2026, 11, 1, 1, 30, fold=1),
            bookings=(booking(at(2026, 11, 1, 1, 30, fold=0)),),
        ),
        [(Code.PROXIMITY, SOFT)],
    ),
    # 04:30 UTC on Nov 2 is 23:30 EST Sunday Nov 1 (not 00:30 Monday at the summer offset)
    (
        "fall-day-at-winter-offset",
        FALL.but(start=at(2026, 11, 1, 23, 30), unavailable=((day(2026, 11, 1), "Doctor"),)),
        [(Code.UNAVAILABLE_DATE, HARD)],
    ),
]


@INDIANAPOLIS_ONLY
@pytest.mark.parametrize(
    ("given", "expected", "variant"),
    [
        pytest.param(given, expected, variant, id=f"{case_id}[{variant}]")
        for case_id, given, expected in DST_CASES
        for variant in VARIANTS
    ],
)
def test_dst(given: Given, expected: list[Pair], variant: str) -> None:
    # Given facts around a DST change, with datetimes in the zones `variant` names
    # When checked; then overlap and proximity use real elapsed minutes and the day is
    # the store-local date.
    assert pairs(expressed(given, variant).check()) == sorted(expected)


@INDIANAPOLIS_ONLY
def test_dst_transitions_are_where_the_cases_say() -> None:
    assert at(2027, 3, 14, 1, 59).utcoffset() == dt.timedelta(hours=-5)
    assert at(2027, 3, 14, 3).utcoffset() == dt.timedelta(hours=-4)
    assert at(2026, 11, 1, 1, 30, fold=0).utcoffset() == dt.timedelta(hours=-4)
    assert at(2026, 11, 1, 1, 30, fold=1).utcoffset() == dt.timedelta(hours=-5)


# --- 3. the shape of a violation -------------------------------------------------------

RAW_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:Code|Severity|EventType|JobTitle)\.|None")

FAILING_ROWS = [
    *(pytest.param(row.given, row.context, id=row.name) for row in RULE_CASES if row.expected),
    *(pytest.param(*row.values[:2], id=row.id) for row in EDGE_CASES if row.values[2]),
]


@pytest.mark.parametrize(("given", "context"), FAILING_ROWS)
def test_violation_shape(given: Given, context: Context) -> None:
    violations = given.check(context)

    assert violations
    for violation in violations:
        as_dict = violation.as_dict()
        assert list(as_dict) == ["code", "severity", "message", "details"]
        assert as_dict["code"] == violation.code.value
        assert as_dict["severity"] == violation.severity.value
        assert violation.is_hard is (violation.severity is HARD)
        # JSON-serialisable, and unchanged by the round trip (no dates, tuples, enums)
        assert json.loads(json.dumps(as_dict)) == as_dict
        assert type(as_dict["code"]) is str
        assert type(as_dict["severity"]) is str
        # a human sentence: capitalised, ends with a full stop, no identifiers
        message = as_dict["message"]
        assert re.fullmatch(r"[A-Z].*\.", message), message
        assert RAW_IDENTIFIER.search(message) is None, message


# One row per code: the exact message and details a client sees.
MESSAGE_CASES = [
    pytest.param(
        Given(holidays=((day(2026, 12, 15), "Founders' Day"),)),
        "Tue 15 Dec is a company holiday (Founders' Day).",
        {"date": "2026-12-15", "holiday": "Founders' Day"},
        id="company_holiday",
    ),
    pytest.param(
        Given(
            event=event(
                window_start=at(2026, 12, 14).astimezone(UTC),
                window_due=at(2026, 12, 19).astimezone(UTC),
            ),
            start=at(2026, 12, 19, 10, 45),
        ),
        "The start is outside the event's window (from its start, before its due time).",
        # in store time, whatever the zone of the facts
        {
            "window_start": at(2026, 12, 14).isoformat(),
            "window_due": at(2026, 12, 19).isoformat(),
        },
        id="outside_window",
    ),
    pytest.param(
        Given(employee=employee(is_active=False)),
        "Lena Lead is not active.",
        {},
        id="employee_inactive-not-active",
    ),
    pytest.param(
        Given(employee=employee(termination_date=day(2026, 12, 15))),
        "Lena Lead is terminated as of 15 Dec 2026.",
        {"termination_date": "2026-12-15"},
        id="employee_inactive-terminated",
    ),
    pytest.param(
        Given(time_off=((day(2026, 12, 14), day(2026, 12, 16), "Vacation"),)),
        "Lena Lead has time off on Tue 15 Dec.",
        {"start_date": "2026-12-14", "end_date": "2026-12-16", "reason": "Vacation"},
        id="time_off",
    ),
    pytest.param(
        Given(unavailable=((day(2026, 12, 15), "Doctor"),)),
        "Lena Lead is unavailable on Tue 15 Dec.",
        {"date": "2026-12-15", "reason": "Doctor"},
        id="unavailable_date",
    ),
    pytest.param(
        Given(employee=employee(weekdays=NOT_TUESDAY)),
        "Lena Lead does not work on Tuesdays.",
        {"weekday": 1},
        id="weekly_unavailable",
    ),
    pytest.param(
        Given(event=event(EventType.JUICER_PRODUCTION)),
        "A Lead Event Specialist may not work Juicer (Production) events.",
        {"job_title": "lead_event_specialist", "event_type": "juicer_production"},
        id="role_not_allowed",
    ),
    pytest.param(
        Given(
            employee=BARISTA,
            bookings=(booking(at(2026, 12, 15, 19, 30), EventType.JUICER_SURVEY),),
        ),
        "Jules Juicer cannot work Core on a day they work Juicer "
        "(606991-JUICER-SURVEY Fresh Juice).",
        {"schedule": 7},
        id="juicer_day",
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15), EventType.CORE),)),
        "Lena Lead already works a Core event that day (606035-CORE-Kirkland Trail Mix).",
        {"schedule": 7},
        id="core_daily_limit",
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 12).astimezone(UTC)),)),
        "Lena Lead is already working 607005-Store Reset then.",
        {
            "schedule": 7,
            "start": at(2026, 12, 15, 12).isoformat(),
            "end": at(2026, 12, 15, 13).isoformat(),
        },
        id="overlap",
    ),
    pytest.param(
        Given(employee=SUPERVISOR),
        "Casey Club is a Club Supervisor on a Core event.",
        {},
        id="supervisor_on_core",
    ),
    pytest.param(
        Given(bookings=(booking(at(2026, 12, 15, 18)),)),
        "Lena Lead has 607005-Store Reset within 2 hours of this one.",
        {"schedule": 7, "gap_minutes": 45},
        id="proximity",
    ),
    pytest.param(
        Given(now=at(2026, 12, 15, 17, 45)),
        "The start (Tue 15 Dec 10:45) is already past.",
        {"start": at(2026, 12, 15, 10, 45).isoformat()},
        id="past_start",
    ),
]


def test_message_cases_cover_every_code() -> None:
    assert {str(row.id).split("-", 1)[0] for row in MESSAGE_CASES} == {str(c) for c in Code}


@pytest.mark.parametrize(("given", "message", "details"), MESSAGE_CASES)
def test_message_and_details(given: Given, message: str, details: dict[str, Any]) -> None:
    violations = given.check(AUTO)

    assert [(v.message, v.details) for v in violations] == [(message, details)]
