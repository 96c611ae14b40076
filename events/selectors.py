from __future__ import annotations

import datetime as dt

from core.dates import days_range
from events.models import Event
from events.querysets import EventQuerySet


def event_list() -> EventQuerySet:
    """Events with their paired event and live schedule loaded, most urgent first."""
    return Event.objects.with_related().order_by("due_datetime", "id")


def events_in_days(
    first: dt.date,
    last: dt.date,
    *,
    scheduled: bool | None = None,
    event_types: list[str] | None = None,
    store_number: str | None = None,
) -> EventQuerySet:
    """Events whose window meets the store-local days first..last, optionally narrowed."""
    events = event_list().overlapping(*days_range(first, last))
    if scheduled is True:
        events = events.scheduled()
    elif scheduled is False:
        events = events.unscheduled()
    if event_types:
        events = events.of_type(*event_types)
    if store_number:
        events = events.filter(store_number=store_number)
    return events
