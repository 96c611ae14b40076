from __future__ import annotations

import datetime as dt

from core.dates import days_range
from scheduler.models import Schedule
from scheduler.querysets import ScheduleQuerySet


def schedule_list() -> ScheduleQuerySet:
    """Live schedules with employee, event and paired event in the same query."""
    return Schedule.objects.live().with_related().order_by("start", "id")


def schedules_in_days(first: dt.date, last: dt.date) -> ScheduleQuerySet:
    """Live schedules starting on the store-local days first..last."""
    return schedule_list().starting_between(*days_range(first, last))
