"""The month page: per day the schedules, the unscheduled events whose last day it is,
holidays and the warnings of what is scheduled. A constant number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core.dates import days_range, window_last_day
from events.models import Event
from events.selectors import CLOSED_CONDITIONS
from scheduler.models import Schedule
from scheduler.rules import Context, check
from scheduler.selectors import holidays_between
from scheduler.snapshot import employee_facts, event_facts, load_snapshot


@dataclass(frozen=True)
class MonthDay:
    day: dt.date
    in_month: bool
    scheduled: int = 0
    due: int = 0  # unscheduled events whose last day this is
    holiday: str | None = None
    warnings: int = 0  # schedules with a warning
    broken: int = 0  # schedules breaking a rule now


@dataclass(frozen=True)
class Month:
    first: dt.date  # the 1st of the month
    weeks: list[list[MonthDay]]  # Monday..Sunday rows covering the month

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=31)).replace(day=1)

    def days(self) -> list[MonthDay]:
        return [d for week in self.weeks for d in week if d.in_month]


def month_overview(first: dt.date) -> Month:
    """The month of `first` (its 1st) as weeks of days: eleven queries."""
    first = first.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_first = first - dt.timedelta(days=first.weekday())
    grid_last = last + dt.timedelta(days=6 - last.weekday())

    schedules = list(
        Schedule.objects.live()
        .filter(work_date__gte=first, work_date__lte=last)
        .select_related("event", "employee")
    )
    scheduled: dict[dt.date, int] = defaultdict(int)
    for s in schedules:
        scheduled[s.work_date] += 1

    # The rules over what is scheduled, as the day page checks it (a start already past is
    # no warning for a schedule already made).
    snapshot = load_snapshot(
        employee_ids={s.employee_id for s in schedules},
        first=first - dt.timedelta(days=1),
        last=last + dt.timedelta(days=1),
    )
    snapshot.now = None
    warnings: dict[dt.date, int] = defaultdict(int)
    broken: dict[dt.date, int] = defaultdict(int)
    for s in schedules:
        found = check(
            event=event_facts(s.event),
            employee=employee_facts(s.employee),
            start=s.start,
            context=Context.MANUAL,
            snapshot=snapshot,
            ignore_schedules=[s.pk],
        )
        if any(v.is_hard for v in found):
            broken[s.work_date] += 1
        elif found:
            warnings[s.work_date] += 1

    due: dict[dt.date, int] = defaultdict(int)
    start, after = days_range(first, last)
    for due_at in (
        Event.objects.unscheduled()
        .exclude(condition__in=CLOSED_CONDITIONS)
        .filter(due_datetime__gt=start, due_datetime__lte=after)
        .values_list("due_datetime", flat=True)
    ):
        due[window_last_day(due_at)] += 1
    holidays = holidays_between(grid_first, grid_last)

    weeks: list[list[MonthDay]] = []
    day = grid_first
    while day <= grid_last:
        week = []
        for _ in range(7):
            in_month = first <= day <= last
            week.append(
                MonthDay(
                    day=day,
                    in_month=in_month,
                    scheduled=scheduled[day] if in_month else 0,
                    due=due[day] if in_month else 0,
                    holiday=holidays.get(day),
                    warnings=warnings[day] if in_month else 0,
                    broken=broken[day] if in_month else 0,
                )
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return Month(first=first, weeks=weeks)
