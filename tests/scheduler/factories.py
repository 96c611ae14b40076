import factory
from factory.django import DjangoModelFactory

from core.dates import local_date
from events.types import EventType
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local


class ScheduleFactory(DjangoModelFactory[Schedule]):
    """A row as the services would write it (no rules checked: set the facts you need)."""

    class Meta:
        model = Schedule

    event = factory.SubFactory(EventFactory)
    employee = factory.SubFactory(EmployeeFactory)
    start = factory.LazyFunction(lambda: store_local(2026, 12, 15, 10, 45))
    end = factory.LazyAttribute(lambda o: o.start + o.event.duration)
    work_date = factory.LazyAttribute(lambda o: local_date(o.start))
    is_core = factory.LazyAttribute(lambda o: o.event.event_type == EventType.CORE)
