"""Every admin page opens, is staff-only, searches, and runs a constant number of queries.

Behaviour of individual admins (actions, services called by save_model, form errors) is
tested next to each app: tests/<app>/test_admin.py.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from employees.models import (
    CompanyHoliday,
    Employee,
    Rotation,
    RotationException,
    RotationKind,
    TimeOff,
    UnavailableDate,
)
from events.models import Event
from events.types import EventType
from scheduler.models import Schedule
from tests.employees.factories import (
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)
from tests.events.factories import EventFactory
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

_serial = itertools.count()


# --- Row makers: n rows, each with its own related rows, so an N+1 would show ---------


def _users(n: int) -> list[User]:
    return User.objects.bulk_create([User(username=f"user{next(_serial)}") for _ in range(n)])


def _employees(n: int, *, with_users: bool = False) -> list[Employee]:
    employees = EmployeeFactory.build_batch(n)
    if with_users:
        for employee, user in zip(employees, _users(n), strict=True):
            employee.user = user
    return Employee.objects.bulk_create(employees)


def make_employees(n: int) -> list[Employee]:
    return _employees(n, with_users=True)


def make_time_off(n: int) -> list[TimeOff]:
    return TimeOff.objects.bulk_create(
        [TimeOffFactory.build(employee=employee) for employee in _employees(n)]
    )


def make_unavailable_dates(n: int) -> list[UnavailableDate]:
    return UnavailableDate.objects.bulk_create(
        [UnavailableDateFactory.build(employee=employee) for employee in _employees(n)]
    )


def make_holidays(n: int) -> list[CompanyHoliday]:
    first = CompanyHoliday.objects.count()
    return CompanyHoliday.objects.bulk_create(
        [
            CompanyHoliday(
                name=f"Holiday {i:04d}",
                date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                month=None,
                day=None,
            )
            for i in range(first, first + n)
        ]
    )


def make_rotations(n: int) -> list[Rotation]:
    """At most 14 rows exist: one Juicer and one Primary Lead per weekday."""
    taken = set(Rotation.objects.values_list("weekday", "kind"))
    free = [
        (weekday, kind)
        for weekday in range(7)
        for kind in RotationKind.values
        if (weekday, kind) not in taken
    ][:n]
    return Rotation.objects.bulk_create(
        [
            RotationFactory.build(weekday=weekday, kind=kind, employee=employee)
            for (weekday, kind), employee in zip(free, _employees(len(free)), strict=True)
        ]
    )


def make_rotation_exceptions(n: int) -> list[RotationException]:
    first = RotationException.objects.count()
    kinds = RotationKind.values
    return RotationException.objects.bulk_create(
        [
            RotationExceptionFactory.build(
                date=dt.date(2026, 1, 1) + dt.timedelta(days=i // len(kinds)),
                kind=kinds[i % len(kinds)],
                employee=employee,
            )
            for i, employee in enumerate(_employees(n), start=first)
        ]
    )


def make_events(n: int) -> list[Event]:
    """Core events, half of them paired with a Supervisor event; each one scheduled."""
    cores = Event.objects.bulk_create(EventFactory.build_batch(n - n // 2))
    supervisors = Event.objects.bulk_create(
        [
            EventFactory.build(
                project_name=f"{core.event_number}-Supervisor-Demo",
                event_type=EventType.SUPERVISOR,
                estimated_minutes=5,
                core_event=core,
            )
            for core in cores[: n // 2]
        ]
    )
    events = cores + supervisors
    Schedule.objects.bulk_create(
        [
            ScheduleFactory.build(event=event, employee=employee)
            for event, employee in zip(events, _employees(n), strict=True)
        ]
    )
    return events


def make_schedules(n: int) -> list[Schedule]:
    """Each with its own event, employee and author."""
    events = Event.objects.bulk_create(EventFactory.build_batch(n))
    return Schedule.objects.bulk_create(
        [
            ScheduleFactory.build(event=event, employee=employee, created_by=user)
            for event, employee, user in zip(events, _employees(n), _users(n), strict=True)
        ]
    )


@dataclass(frozen=True)
class AdminCase:
    model: type[Model]
    make: Callable[[int], Sequence[Model]]
    search_term: Callable[[Model], str]  # finds that row and no other
    most_rows: int = 500

    @property
    def name(self) -> str:
        return self.model._meta.model_name or ""

    def url(self, view: str, *args: object) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _employee_id(row: Model) -> str:
    employee = getattr(row, "employee", row)
    assert isinstance(employee, Employee)
    return employee.external_id


def _ref_num(row: Model) -> str:
    event = getattr(row, "event", row)
    assert isinstance(event, Event)
    return str(event.project_ref_num)


CASES = [
    AdminCase(Employee, make_employees, _employee_id),
    AdminCase(TimeOff, make_time_off, _employee_id),
    AdminCase(UnavailableDate, make_unavailable_dates, _employee_id),
    AdminCase(CompanyHoliday, make_holidays, lambda row: getattr(row, "name", "")),
    AdminCase(Rotation, make_rotations, _employee_id, most_rows=14),
    AdminCase(RotationException, make_rotation_exceptions, _employee_id),
    AdminCase(Event, make_events, _ref_num),
    AdminCase(Schedule, make_schedules, _ref_num),
]
by_model = pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)


def _login_redirect(path: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = path
    return f"{reverse('admin:login')}?{query.urlencode(safe='/')}"


def _pages(case: AdminCase, row: Model) -> list[str]:
    return [
        case.url("changelist"),
        case.url("changelist") + "?q=something",
        case.url("add"),
        case.url("change", row.pk),
    ]


# --- Pages ----------------------------------------------------------------------------


def test_every_domain_model_is_registered() -> None:
    from django.contrib import admin

    assert {case.model for case in CASES} <= set(admin.site._registry)


@by_model
def test_pages_open_for_staff(staff_client: Client, case: AdminCase) -> None:
    row = case.make(3)[0]

    for page in _pages(case, row):
        assert staff_client.get(page).status_code == 200, page


@by_model
def test_pages_send_anonymous_visitors_to_the_login(client: Client, case: AdminCase) -> None:
    row = case.make(1)[0]

    for page in _pages(case, row):
        response = client.get(page)

        assert response.status_code == 302, page
        assert response["Location"] == _login_redirect(page)


@by_model
def test_search_finds_only_the_matching_row(staff_client: Client, case: AdminCase) -> None:
    wanted, *_ = case.make(3)

    found = staff_client.get(case.url("changelist"), {"q": case.search_term(wanted)})
    nothing = staff_client.get(case.url("changelist"), {"q": "something"})

    assert [row.pk for row in found.context["cl"].result_list] == [wanted.pk]
    assert nothing.context["cl"].result_count == 0


def test_site_header_names_the_product(staff_client: Client) -> None:
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Event Scheduler admin" in response.content.decode()


# --- Queries --------------------------------------------------------------------------


@by_model
def test_changelist_queries_do_not_grow_with_rows(
    staff_client: Client, django_assert_num_queries: DjangoAssertNumQueries, case: AdminCase
) -> None:
    url = case.url("changelist")
    case.make(5)
    staff_client.get(url)  # fills per-process caches (content types) before counting
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(url)
    assert response.context["cl"].result_count == 5

    case.make(case.most_rows - 5)
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)

    assert response.context["cl"].result_count == case.most_rows
    assert len(response.context["cl"].result_list) == min(case.most_rows, 100)
