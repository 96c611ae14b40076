import factory
from factory.django import DjangoModelFactory

from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local


class ScheduleFactory(DjangoModelFactory[Schedule]):
    class Meta:
        model = Schedule

    event = factory.SubFactory(EventFactory)
    employee = factory.SubFactory(EmployeeFactory)
    start = factory.LazyFunction(lambda: store_local(2026, 12, 15, 10, 45))
    end = factory.LazyAttribute(lambda o: o.start + o.event.duration)
