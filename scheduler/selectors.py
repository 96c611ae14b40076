from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core.dates import days_range, local_date
from employees.models import Employee
from events.models import Event
from scheduler.models import Schedule
from scheduler.querysets import ScheduleQuerySet
from scheduler.rules import Context, Violation, check, has_hard
from scheduler.snapshot import employee_facts, event_facts, load_snapshot


def schedule_list() -> ScheduleQuerySet:
    """Live schedules with employee, event and paired event in the same query."""
    return Schedule.objects.live().with_related().order_by("start", "id")


def schedules_in_days(first: dt.date, last: dt.date) -> ScheduleQuerySet:
    """Live schedules starting on the store-local days first..last."""
    return schedule_list().starting_between(*days_range(first, last))


@dataclass(frozen=True)
class Candidate:
    employee: Employee
    violations: list[Violation]
    hours_this_week: float

    @property
    def ok(self) -> bool:
        return not has_hard(self.violations)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday..Sunday of the week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def hours_by_employee(first: dt.date, last: dt.date) -> dict[int, float]:
    """Scheduled hours per employee on the store-local days first..last (one query)."""
    hours: dict[int, float] = defaultdict(float)
    for employee_id, start, end in (
        Schedule.objects.live()
        .filter(work_date__gte=first, work_date__lte=last)
        .values_list("employee_id", "start", "end")
    ):
        hours[employee_id] += (end - start).total_seconds() / 3600
    return hours


def candidates_for(*, event: Event, start: dt.datetime) -> list[Candidate]:
    """Every active employee for `event` at `start`: eligible first, then the least
    busy that week. Seven queries, whatever the number of employees."""
    day = local_date(start)
    employees = list(Employee.objects.active().order_by("name", "pk"))
    snapshot = load_snapshot(
        employee_ids=[e.pk for e in employees],
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    hours = hours_by_employee(*week_of(day))
    facts = event_facts(event)
    candidates = [
        Candidate(
            employee=employee,
            violations=check(
                event=facts,
                employee=employee_facts(employee),
                start=start,
                context=Context.MANUAL,
                snapshot=snapshot,
            ),
            hours_this_week=round(hours.get(employee.pk, 0.0), 2),
        )
        for employee in employees
    ]
    return sorted(candidates, key=lambda c: (not c.ok, c.hours_this_week, c.employee.name))
