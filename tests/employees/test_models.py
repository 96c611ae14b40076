import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from employees.models import CompanyHoliday, Employee, JobTitle, Rotation, RotationKind
from tests.employees.factories import (
    CompanyHolidayFactory,
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(factory: Any, **kwargs: Any) -> None:
    """The database refuses the row, and nothing of it is left behind."""
    model = factory._meta.model
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        factory.create(**kwargs)
    assert model.objects.count() == before


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"external_id": "US100001"}, {"external_id": "US100001"}),
        ({"rep_id": 42}, {"rep_id": 42}),
        ({"email": "a.b@example.com"}, {"email": "a.b@example.com"}),
        ({"email": "a.b@example.com"}, {"email": "A.B@Example.com"}),
    ],
    ids=["external_id", "rep_id", "email", "email-case-insensitive"],
)
def test_employee_unique_fields_reject_duplicates(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    EmployeeFactory.create(**first)
    assert_rejected(EmployeeFactory, **second)


def test_employee_optional_unique_fields_may_repeat_when_absent() -> None:
    EmployeeFactory.create(email="", rep_id=None)
    EmployeeFactory.create(email="", rep_id=None)
    assert Employee.objects.filter(email="", rep_id__isnull=True).count() == 2


@pytest.mark.parametrize(
    "bad",
    [{"job_title": "janitor"}, {"external_id": ""}, {"name": ""}],
    ids=["unknown-title", "blank-external-id", "blank-name"],
)
def test_employee_checks_reject_bad_rows(bad: dict[str, Any]) -> None:
    assert_rejected(EmployeeFactory, **bad)


@pytest.mark.parametrize("title", JobTitle.values)
def test_employee_accepts_every_title(title: str) -> None:
    assert EmployeeFactory.create(job_title=title).job_title == title


def test_employee_availability_and_employment() -> None:
    employee = EmployeeFactory.create(
        available_sat=False, available_sun=False, termination_date=dt.date(2026, 12, 20)
    )
    assert employee.available_weekdays == frozenset({0, 1, 2, 3, 4})
    assert employee.is_employed_on(dt.date(2026, 12, 19))
    assert not employee.is_employed_on(dt.date(2026, 12, 20))
    employee.is_active = False
    assert not employee.is_employed_on(dt.date(2026, 12, 1))


def test_time_off_end_not_before_start() -> None:
    TimeOffFactory.create(start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 14))
    assert_rejected(
        TimeOffFactory, start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 13)
    )


def test_unavailable_date_unique_per_employee_and_date() -> None:
    first = UnavailableDateFactory.create(date=dt.date(2026, 12, 15))
    UnavailableDateFactory.create(date=dt.date(2026, 12, 15))  # another employee: fine
    UnavailableDateFactory.create(employee=first.employee, date=dt.date(2026, 12, 16))
    assert_rejected(UnavailableDateFactory, employee=first.employee, date=dt.date(2026, 12, 15))


@pytest.mark.parametrize(
    "good",
    [
        {"date": dt.date(2026, 11, 26), "month": None, "day": None},
        {"date": None, "month": 12, "day": 25},
        {"date": None, "month": 2, "day": 29},
    ],
    ids=["fixed", "recurring", "leap-day"],
)
def test_holiday_accepts_fixed_or_recurring(good: dict[str, Any]) -> None:
    CompanyHolidayFactory.create(**good).full_clean()


@pytest.mark.parametrize(
    "bad",
    [
        {"date": None, "month": None, "day": None},
        {"date": dt.date(2026, 11, 26), "month": 11, "day": 26},
        {"date": None, "month": 12, "day": None},
        {"date": None, "month": 13, "day": 1},
        {"date": None, "month": 1, "day": 32},
        {"date": None, "month": 1, "day": 0},
    ],
    ids=["neither", "both", "month-only", "month-13", "day-32", "day-0"],
)
def test_holiday_rejects_bad_rows(bad: dict[str, Any]) -> None:
    assert_rejected(CompanyHolidayFactory, **bad)


def test_holiday_uniqueness() -> None:
    CompanyHolidayFactory.create(month=12, day=25)
    assert_rejected(CompanyHolidayFactory, name="Xmas again", month=12, day=25)
    CompanyHolidayFactory.create(date=dt.date(2026, 11, 26), month=None, day=None)
    assert_rejected(CompanyHolidayFactory, date=dt.date(2026, 11, 26), month=None, day=None)


def test_holiday_clean_rejects_impossible_day_and_matches_dates() -> None:
    with pytest.raises(ValidationError):
        CompanyHoliday(name="Bad", month=2, day=30).full_clean()
    recurring = CompanyHoliday(name="Christmas", month=12, day=25)
    fixed = CompanyHoliday(name="Thanksgiving", date=dt.date(2026, 11, 26))
    assert recurring.falls_on(dt.date(2031, 12, 25))
    assert not recurring.falls_on(dt.date(2031, 12, 24))
    assert fixed.falls_on(dt.date(2026, 11, 26))
    assert not fixed.falls_on(dt.date(2027, 11, 26))


def test_rotation_unique_per_weekday_and_kind() -> None:
    RotationFactory.create(weekday=0, kind=RotationKind.JUICER)
    RotationFactory.create(weekday=0, kind=RotationKind.PRIMARY_LEAD)
    RotationFactory.create(weekday=1, kind=RotationKind.JUICER)
    assert_rejected(RotationFactory, weekday=0, kind=RotationKind.JUICER)
    assert Rotation.objects.count() == 3


@pytest.mark.parametrize(
    "bad", [{"weekday": 7}, {"kind": "cashier"}], ids=["weekday-7", "unknown-kind"]
)
def test_rotation_checks(bad: dict[str, Any]) -> None:
    assert_rejected(RotationFactory, **bad)


def test_rotation_exception_unique_per_date_and_kind() -> None:
    RotationExceptionFactory.create(date=dt.date(2026, 12, 14), kind=RotationKind.JUICER)
    RotationExceptionFactory.create(date=dt.date(2026, 12, 14), kind=RotationKind.PRIMARY_LEAD)
    assert_rejected(RotationExceptionFactory, date=dt.date(2026, 12, 14), kind=RotationKind.JUICER)
    assert_rejected(RotationExceptionFactory, date=dt.date(2026, 12, 15), kind="cashier")


def test_str_is_readable() -> None:
    employee = EmployeeFactory.create(name="Maria Lopez", external_id="US100234")
    assert str(employee) == "Maria Lopez (US100234)"
    assert str(CompanyHoliday(name="Christmas", month=12, day=25)) == "Christmas (every Dec 25)"
    rotation = RotationFactory.create(weekday=2, kind=RotationKind.PRIMARY_LEAD, employee=employee)
    assert str(rotation) == "Wednesday Primary Lead: Maria Lopez"
