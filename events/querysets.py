from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef

from events.live_schedules import live_schedules

if TYPE_CHECKING:  # the model module imports this one
    from events.models import Event  # noqa: F401 (used in a string base class)


class EventQuerySet(models.QuerySet["Event"]):
    def overlapping(self, start: dt.datetime, end: dt.datetime) -> EventQuerySet:
        """Events whose window [start_datetime, due_datetime) meets [start, end)."""
        return self.filter(start_datetime__lt=end, due_datetime__gt=start)

    def of_type(self, *event_types: str) -> EventQuerySet:
        return self.filter(event_type__in=event_types)

    def scheduled(self) -> EventQuerySet:
        """Events with a live schedule."""
        return self.filter(self._has_live_schedule())

    def unscheduled(self) -> EventQuerySet:
        return self.exclude(self._has_live_schedule())

    @staticmethod
    def _has_live_schedule() -> Exists:

        return Exists(live_schedules().filter(event=OuterRef("pk")))

    def with_related(self) -> EventQuerySet:
        """The paired events joined and the live schedule (with its employee) prefetched:
        two queries for any number of events."""

        return self.select_related("core_event", "supervisor_event").prefetch_related(
            models.Prefetch(
                "schedules",
                queryset=live_schedules().select_related("employee"),
                to_attr="live_schedules",
            )
        )
