import datetime as dt

import factory
from factory.django import DjangoModelFactory

from employees.models import (
    CompanyHoliday,
    Employee,
    JobTitle,
    Rotation,
    RotationException,
    RotationKind,
    TimeOff,
    UnavailableDate,
)


class EmployeeFactory(DjangoModelFactory[Employee]):
    class Meta:
        model = Employee

    external_id = factory.Sequence(lambda n: f"US{100000 + n}")
    rep_id = factory.Sequence(lambda n: 500000 + n)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"employee{n}@example.com")
    phone = factory.Sequence(lambda n: f"317-555-{n % 10000:04d}")
    job_title = JobTitle.EVENT_SPECIALIST


class TimeOffFactory(DjangoModelFactory[TimeOff]):
    class Meta:
        model = TimeOff

    employee = factory.SubFactory(EmployeeFactory)
    start_date = dt.date(2026, 12, 14)
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=2))
    reason = "Vacation"


class UnavailableDateFactory(DjangoModelFactory[UnavailableDate]):
    class Meta:
        model = UnavailableDate

    employee = factory.SubFactory(EmployeeFactory)
    date = dt.date(2026, 12, 15)
    reason = "Appointment"


class CompanyHolidayFactory(DjangoModelFactory[CompanyHoliday]):
    class Meta:
        model = CompanyHoliday

    name = "Christmas Day"
    month = 12
    day = 25


class RotationFactory(DjangoModelFactory[Rotation]):
    class Meta:
        model = Rotation

    weekday = 0
    kind = RotationKind.JUICER
    employee = factory.SubFactory(EmployeeFactory, job_title=JobTitle.JUICER_BARISTA)


class RotationExceptionFactory(DjangoModelFactory[RotationException]):
    class Meta:
        model = RotationException

    date = dt.date(2026, 12, 14)
    kind = RotationKind.JUICER
    employee = factory.SubFactory(EmployeeFactory, job_title=JobTitle.JUICER_BARISTA)
