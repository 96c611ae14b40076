from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:  # the model module imports this one
    from events.models import Event  # noqa: F401 (used in a string base class)


class EventQuerySet(models.QuerySet["Event"]):
    def overlapping(self, start: dt.datetime, end: dt.datetime) -> EventQuerySet:
        """Events whose window [start_datetime, due_datetime) meets [start, end)."""
        return self.filter(start_datetime__lt=end, due_datetime__gt=start)

    def of_type(self, *event_types: str) -> EventQuerySet:
        return self.filter(event_type__in=event_types)
