from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:  # the model module imports this one
    from scheduler.models import Schedule  # noqa: F401 (used in a string base class)


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def live(self) -> ScheduleQuerySet:
        return self.filter(unscheduled_at__isnull=True)

    def starting_between(self, start: dt.datetime, end: dt.datetime) -> ScheduleQuerySet:
        return self.filter(start__gte=start, start__lt=end)

    def with_related(self) -> ScheduleQuerySet:
        """Employee, event and the event's paired event in the same query."""
        return self.select_related(
            "employee", "event", "event__core_event", "event__supervisor_event"
        )
