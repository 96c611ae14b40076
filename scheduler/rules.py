"""The scheduling rules (docs/rules.md): one pure module, used by every write path.

`check()` answers whether `employee` may work `event` starting at `start`, as a list of
violations. It does no queries: callers load a `Snapshot` of the facts it needs in a
constant number of queries (`scheduler.snapshot`) and pass it in, for one employee or
for hundreds at once. Rule codes are stable API.

Time semantics:
- end = start + the event's duration; the day is the store-local date of the start;
- the window is half-open: `start_datetime <= start < due_datetime`;
- two schedules overlap when their [start, end) ranges intersect (back-to-back do not);
- "within 2 hours" means the gap between the two ranges is under 120 minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from employees.models import JobTitle
from events.types import EventType
from scheduler.roles import ALLOWED_TITLES, JUICER_TYPES

PROXIMITY = dt.timedelta(hours=2)


class Context(StrEnum):
    MANUAL = "manual"  # a person scheduling by hand: weekly availability only warns
    AUTO = "auto"  # the auto-scheduler and system cascades: it is a hard rule


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


class Code(StrEnum):
    COMPANY_HOLIDAY = "company_holiday"
    OUTSIDE_WINDOW = "outside_window"
    EMPLOYEE_INACTIVE = "employee_inactive"
    TIME_OFF = "time_off"
    UNAVAILABLE_DATE = "unavailable_date"
    WEEKLY_UNAVAILABLE = "weekly_unavailable"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    JUICER_DAY = "juicer_day"
    CORE_DAILY_LIMIT = "core_daily_limit"
    OVERLAP = "overlap"
    SUPERVISOR_ON_CORE = "supervisor_on_core"
    PROXIMITY = "proximity"
    PAST_START = "past_start"

    @property
    def label(self) -> str:
        """What a person reads for this code (pages, messages, PDFs, the admin)."""
        return LABELS[self]


LABELS: dict[Code, str] = {
    Code.COMPANY_HOLIDAY: "Company holiday",
    Code.OUTSIDE_WINDOW: "Outside the event's window",
    Code.EMPLOYEE_INACTIVE: "Not employed",
    Code.TIME_OFF: "Time off",
    Code.UNAVAILABLE_DATE: "Unavailable that day",
    Code.WEEKLY_UNAVAILABLE: "Not a usual working day",
    Code.ROLE_NOT_ALLOWED: "Role may not work this event",
    Code.JUICER_DAY: "Juicer and Core on one day",
    Code.CORE_DAILY_LIMIT: "Already on a Core event that day",
    Code.OVERLAP: "Already working then",
    Code.SUPERVISOR_ON_CORE: "Club Supervisor on a Core event",
    Code.PROXIMITY: "Two events within 2 hours",
    Code.PAST_START: "Start already past",
}


@dataclass(frozen=True)
class Violation:
    code: Code
    severity: Severity
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_hard(self) -> bool:
        return self.severity is Severity.HARD

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "details": self.details,
        }


@dataclass(frozen=True)
class EventFacts:
    id: int
    name: str
    event_type: str
    window_start: dt.datetime
    window_due: dt.datetime
    duration: dt.timedelta
    store_number: str = ""


@dataclass(frozen=True)
class EmployeeFacts:
    id: int
    name: str
    job_title: str
    is_active: bool
    termination_date: dt.date | None
    weekdays: frozenset[int]


@dataclass(frozen=True)
class Booking:
    """One of the employee's live schedules."""

    schedule_id: int
    event_id: int
    event_name: str
    event_type: str
    start: dt.datetime
    end: dt.datetime
    store_number: str = ""


@dataclass
class Snapshot:
    """Everything the rules read, for a set of employees around a range of days."""

    tz: ZoneInfo
    holiday_dates: dict[dt.date, str] = field(default_factory=dict)
    recurring_holidays: dict[tuple[int, int], str] = field(default_factory=dict)
    time_off: dict[int, list[tuple[dt.date, dt.date, str]]] = field(default_factory=dict)
    unavailable: dict[int, dict[dt.date, str]] = field(default_factory=dict)
    bookings: dict[int, list[Booking]] = field(default_factory=dict)
    # The Primary Lead on duty per store-local day (the rotation, its exceptions applied):
    # the one Lead who may take a Supervisor event that day.
    primary_leads: dict[dt.date, int] = field(default_factory=dict)
    # When the check runs; a start before it is `past_start`. None: not checked.
    now: dt.datetime | None = None

    def holiday(self, day: dt.date) -> str | None:
        if day in self.holiday_dates:
            return self.holiday_dates[day]
        return self.recurring_holidays.get((day.month, day.day))

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def add_booking(self, employee_id: int, booking: Booking) -> None:
        """Record a schedule made in memory (auto-scheduler proposals)."""
        self.bookings.setdefault(employee_id, []).append(booking)


def check(
    *,
    event: EventFacts,
    employee: EmployeeFacts,
    start: dt.datetime,
    context: Context,
    snapshot: Snapshot,
    ignore_schedules: Iterable[int] = (),
) -> list[Violation]:
    """Every rule `employee` working `event` from `start` would break; [] when none.

    `ignore_schedules` leaves out existing schedules that the change replaces (the one
    being rescheduled, both sides of a trade).
    """
    context = Context(context)
    # Real elapsed time: aware datetimes in one zone add and compare by wall clock, which
    # is off by an hour across a DST change. All arithmetic below is in UTC.
    start = start.astimezone(dt.UTC)
    end = start + event.duration
    day = snapshot.local_date(start)
    ignored = set(ignore_schedules)
    bookings = [
        replace(b, start=b.start.astimezone(dt.UTC), end=b.end.astimezone(dt.UTC))
        for b in snapshot.bookings.get(employee.id, ())
        if b.schedule_id not in ignored
    ]
    found: list[Violation] = []

    def hard(code: Code, message: str, **details: Any) -> None:
        found.append(Violation(code, Severity.HARD, message, details))

    def soft(code: Code, message: str, **details: Any) -> None:
        found.append(Violation(code, Severity.SOFT, message, details))

    holiday = snapshot.holiday(day)
    if holiday is not None:
        hard(
            Code.COMPANY_HOLIDAY,
            f"{day:%a %-d %b} is a company holiday ({holiday}).",
            date=day.isoformat(),
            holiday=holiday,
        )

    if not event.window_start.astimezone(dt.UTC) <= start < event.window_due.astimezone(dt.UTC):
        hard(
            Code.OUTSIDE_WINDOW,
            "The start is outside the event's window (from its start, before its due time).",
            window_start=event.window_start.astimezone(snapshot.tz).isoformat(),
            window_due=event.window_due.astimezone(snapshot.tz).isoformat(),
        )

    if not employee.is_active:
        hard(Code.EMPLOYEE_INACTIVE, f"{employee.name} is not active.")
    elif employee.termination_date is not None and employee.termination_date <= day:
        hard(
            Code.EMPLOYEE_INACTIVE,
            f"{employee.name} is terminated as of {employee.termination_date:%-d %b %Y}.",
            termination_date=employee.termination_date.isoformat(),
        )

    for first, last, reason in snapshot.time_off.get(employee.id, ()):
        if first <= day <= last:
            hard(
                Code.TIME_OFF,
                f"{employee.name} has time off on {day:%a %-d %b}.",
                start_date=first.isoformat(),
                end_date=last.isoformat(),
                reason=reason,
            )
            break

    unavailable_reason = snapshot.unavailable.get(employee.id, {}).get(day)
    if unavailable_reason is not None:
        hard(
            Code.UNAVAILABLE_DATE,
            f"{employee.name} is unavailable on {day:%a %-d %b}.",
            date=day.isoformat(),
            reason=unavailable_reason,
        )

    if day.weekday() not in employee.weekdays:
        message = f"{employee.name} does not work on {day:%A}s."
        if context is Context.AUTO:
            hard(Code.WEEKLY_UNAVAILABLE, message, weekday=day.weekday())
        else:
            soft(Code.WEEKLY_UNAVAILABLE, message, weekday=day.weekday())

    if employee.job_title not in ALLOWED_TITLES[event.event_type]:
        title = JobTitle(employee.job_title).label
        article = "An" if title[0] in "AEIOU" else "A"
        hard(
            Code.ROLE_NOT_ALLOWED,
            f"{article} {title} may not work {EventType(event.event_type).label} events.",
            job_title=employee.job_title,
            event_type=event.event_type,
        )
    elif (
        event.event_type == EventType.SUPERVISOR
        and employee.job_title == JobTitle.LEAD_EVENT_SPECIALIST
        and snapshot.primary_leads.get(day) != employee.id
    ):
        # Supervisor events are Club Supervisor work; the day's Primary Lead is the one
        # exception (the cascade's fallback), any other Lead is refused.
        hard(
            Code.ROLE_NOT_ALLOWED,
            f"{employee.name} is not the Primary Lead on {day:%a %-d %b}; only a Club "
            "Supervisor or that day's Primary Lead may work Supervisor events.",
            job_title=employee.job_title,
            event_type=event.event_type,
        )

    same_day = [b for b in bookings if snapshot.local_date(b.start) == day]
    if employee.job_title == JobTitle.JUICER_BARISTA:
        juicing = event.event_type in JUICER_TYPES
        clash = next(
            (
                b
                for b in same_day
                if (event.event_type == EventType.CORE and b.event_type in JUICER_TYPES)
                or (juicing and b.event_type == EventType.CORE)
            ),
            None,
        )
        if clash is not None:
            doing, other = ("Juicer", "Core") if juicing else ("Core", "Juicer")
            hard(
                Code.JUICER_DAY,
                f"{employee.name} cannot work {doing} on a day they work {other} "
                f"({clash.event_name}).",
                schedule=clash.schedule_id,
            )

    if event.event_type == EventType.CORE:
        other_core = next((b for b in same_day if b.event_type == EventType.CORE), None)
        if other_core is not None:
            hard(
                Code.CORE_DAILY_LIMIT,
                f"{employee.name} already works a Core event that day ({other_core.event_name}).",
                schedule=other_core.schedule_id,
            )

    for booking in sorted(bookings, key=lambda b: b.start):
        if booking.start < end and start < booking.end:
            hard(
                Code.OVERLAP,
                f"{employee.name} is already working {booking.event_name} then.",
                schedule=booking.schedule_id,
                start=booking.start.astimezone(snapshot.tz).isoformat(),
                end=booking.end.astimezone(snapshot.tz).isoformat(),
            )
        elif not (
            # Supervisor check-ins in one store are minutes long by design: never "close".
            event.event_type == EventType.SUPERVISOR
            and booking.event_type == EventType.SUPERVISOR
            and event.store_number == booking.store_number
        ):
            gap = booking.start - end if booking.start >= end else start - booking.end
            if gap < PROXIMITY:
                soft(
                    Code.PROXIMITY,
                    f"{employee.name} has {booking.event_name} within 2 hours of this one.",
                    schedule=booking.schedule_id,
                    gap_minutes=int(gap.total_seconds() // 60),
                )

    if event.event_type == EventType.CORE and employee.job_title == JobTitle.CLUB_SUPERVISOR:
        soft(Code.SUPERVISOR_ON_CORE, f"{employee.name} is a Club Supervisor on a Core event.")

    if snapshot.now is not None and start < snapshot.now.astimezone(dt.UTC):
        local = start.astimezone(snapshot.tz)
        message = f"The start ({local:%a %-d %b %H:%M}) is already past."
        if context is Context.AUTO:
            hard(Code.PAST_START, message, start=local.isoformat())
        else:
            soft(Code.PAST_START, message, start=local.isoformat())

    return found


def has_hard(violations: Iterable[Violation]) -> bool:
    return any(v.is_hard for v in violations)
