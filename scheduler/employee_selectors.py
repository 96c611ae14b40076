"""Reads of an employee's schedules, for the employee pages (scheduler/views/employees.py)."""

from __future__ import annotations

import datetime as dt

from scheduler.models import Schedule

UPCOMING_SCHEDULES = 100


def employee_upcoming_schedules(
    *, employee_id: int, since: dt.datetime, limit: int = UPCOMING_SCHEDULES
) -> list[Schedule]:
    """The employee's live schedules starting at `since` or later, soonest first, with
    their events (one query)."""
    return list(
        Schedule.objects.live()
        .filter(employee_id=employee_id, start__gte=since)
        .select_related("event")
        .order_by("start", "id")[:limit]
    )


def employee_schedules_on_days(
    *, employee_id: int, first: dt.date, last: dt.date
) -> list[Schedule]:
    """The employee's live schedules on the store-local days first..last (one query)."""
    return list(
        Schedule.objects.live()
        .filter(employee_id=employee_id, work_date__gte=first, work_date__lte=last)
        .select_related("event")
        .order_by("start", "id")
    )
