import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event
from events.types import EventType, event_number


def store_local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime at a wall-clock time in the store's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))  # noqa: DTZ001


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    project_ref_num = factory.Sequence(lambda n: 9_100_000 + n)
    project_name = factory.Sequence(lambda n: f"{606000 + n}-CORE-Demo Product {n}")
    event_number = factory.LazyAttribute(lambda o: event_number(o.project_name))
    event_type = EventType.CORE
    store_number = "8135"
    store_name = "Club 8135 Indianapolis"
    location_id = "11584"
    start_datetime = factory.LazyFunction(lambda: store_local(2026, 12, 14))
    due_datetime = factory.LazyAttribute(lambda o: o.start_datetime + dt.timedelta(days=5))
    estimated_minutes = 390
