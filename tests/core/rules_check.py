"""SPEC §3 hard rules checked over rows already in the database: a test helper.

`load_rows()` reads everything in four queries; `hard_violations()` is pure. Written
independently of the demo seeder's planner so it can judge it; it goes away when the
real rules engine lands in `scheduler/`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from employees.models import WEEKDAY_FIELDS, CompanyHoliday, JobTitle, TimeOff, UnavailableDate
from events.types import EventType, default_minutes
from scheduler.models import Schedule
from scheduler.roles import JUICER_TYPES, may_work


@dataclass(frozen=True)
class Violation:
    code: str
    schedule_id: int
    detail: str = ""


@dataclass(frozen=True)
class Row:
    """One live schedule with what the rules need of its event and employee."""

    id: int
    employee_id: int
    start: dt.datetime
    end: dt.datetime
    event_type: str
    window_start: dt.datetime
    window_due: dt.datetime
    minutes: int | None
    job_title: str
    is_active: bool
    termination_date: dt.date | None
    weekdays: frozenset[int]


@dataclass(frozen=True)
class Rows:
    schedules: list[Row]
    time_off: dict[int, list[tuple[dt.date, dt.date]]]
    unavailable: set[tuple[int, dt.date]]
    fixed_holidays: set[dt.date]
    recurring_holidays: set[tuple[int, int]]


def load_rows() -> Rows:
    """Every live schedule, time off, unavailable date and holiday: four queries."""
    fields = (
        "id",
        "employee_id",
        "start",
        "end",
        "event__event_type",
        "event__start_datetime",
        "event__due_datetime",
        "event__estimated_minutes",
        "employee__job_title",
        "employee__is_active",
        "employee__termination_date",
        *(f"employee__{f}" for f in WEEKDAY_FIELDS),
    )
    schedules = []
    for values in Schedule.objects.live().order_by("start", "id").values_list(*fields):
        (pk, employee_id, start, end, event_type, window_start, window_due, minutes) = values[:8]
        job_title, is_active, termination_date, *weekdays = values[8:]
        schedules.append(
            Row(
                id=pk,
                employee_id=employee_id,
                start=start,
                end=end,
                event_type=event_type,
                window_start=window_start,
                window_due=window_due,
                minutes=minutes,
                job_title=job_title,
                is_active=is_active,
                termination_date=termination_date,
                weekdays=frozenset(i for i, on in enumerate(weekdays) if on),
            )
        )
    time_off: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for employee_id, start, end in TimeOff.objects.values_list(
        "employee_id", "start_date", "end_date"
    ):
        time_off[employee_id].append((start, end))
    unavailable = set(UnavailableDate.objects.values_list("employee_id", "date"))
    fixed: set[dt.date] = set()
    recurring: set[tuple[int, int]] = set()
    for date, month, day in CompanyHoliday.objects.values_list("date", "month", "day"):
        if date is not None:
            fixed.add(date)
        elif month is not None and day is not None:
            recurring.add((month, day))
    return Rows(schedules, dict(time_off), unavailable, fixed, recurring)


def hard_violations(rows: Rows, tz: ZoneInfo | None = None) -> list[Violation]:
    """Every hard-rule violation among the live schedules (SPEC §3, rules 1-10)."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    found: list[Violation] = []
    by_employee_day: dict[tuple[int, dt.date], list[Row]] = defaultdict(list)
    by_employee: dict[int, list[Row]] = defaultdict(list)
    for row in rows.schedules:
        day = row.start.astimezone(tz).date()
        by_employee_day[(row.employee_id, day)].append(row)
        by_employee[row.employee_id].append(row)
        duration = dt.timedelta(minutes=row.minutes or default_minutes(row.event_type))
        checks = {
            "end_is_start_plus_duration": row.end == row.start + duration,
            "company_holiday": day not in rows.fixed_holidays
            and (day.month, day.day) not in rows.recurring_holidays,
            "outside_window": row.window_start <= row.start < row.window_due,
            "employee_inactive": row.is_active
            and (row.termination_date is None or row.termination_date > day),
            "time_off": not any(a <= day <= b for a, b in rows.time_off.get(row.employee_id, [])),
            "unavailable_date": (row.employee_id, day) not in rows.unavailable,
            "weekly_unavailable": day.weekday() in row.weekdays,
            "role_not_allowed": may_work(row.job_title, row.event_type),
        }
        found += [Violation(code, row.id, f"{day}") for code, ok in checks.items() if not ok]

    for (_, day), day_rows in by_employee_day.items():
        cores = [r for r in day_rows if r.event_type == EventType.CORE]
        found += [Violation("core_daily_limit", r.id, f"{day}") for r in cores[1:]]
        juices = any(r.event_type in JUICER_TYPES for r in day_rows)
        if juices and cores and day_rows[0].job_title == JobTitle.JUICER_BARISTA:
            found += [Violation("juicer_day", r.id, f"{day}") for r in cores]

    for employee_rows in by_employee.values():
        ordered = sorted(employee_rows, key=lambda r: (r.start, r.id))
        for i, row in enumerate(ordered):
            for later in ordered[i + 1 :]:
                if later.start >= row.end:
                    break
                found.append(Violation("overlap", later.id, f"overlaps schedule {row.id}"))
    return found
