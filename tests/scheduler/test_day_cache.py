"""The day page keeps its body per data version: a repeat costs one query for the
version, and any write to what the body shows makes the next request rebuild it.

Every test commits (transaction=True), as requests do in production: on PostgreSQL the
data version moves at COMMIT.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from attendance.models import AttendanceStatus
from attendance.services import attendance_set
from core.page_cache import FRAGMENT_CACHE_ALIAS
from employees.models import Employee, JobTitle, RotationKind
from events.models import Event
from scheduler.models import Schedule
from tests.employees.factories import (
    CompanyHolidayFactory,
    EmployeeFactory,
    RotationExceptionFactory,
    RotationFactory,
    TimeOffFactory,
    UnavailableDateFactory,
)
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 12, 15)  # a Tuesday
PAGE = f"/day/{DAY}/"
_PLACEHOLDER_SHAPE = re.compile(r"csrf[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def day_cache(settings: pytest.FixtureRequest) -> Iterator[None]:
    settings.DAY_PAGE_CACHE_SECONDS = 300  # type: ignore[attr-defined]
    caches[FRAGMENT_CACHE_ALIAS].clear()
    with time_machine.travel(store_local(2026, 12, 15, 7, 0), tick=False):
        yield
    caches[FRAGMENT_CACHE_ALIAS].clear()


def scheduled(name: str = "Dana Demo", project: str = "606034-CORE-Super Pretzel") -> Schedule:
    return ScheduleFactory.create(
        employee=EmployeeFactory.create(name=name),
        event=EventFactory.create(
            project_name=project,
            start_datetime=store_local(2026, 12, 1),
            due_datetime=store_local(2026, 12, 31),
        ),
        start=store_local(2026, 12, 15, 10, 45),
    )


def unmasked(page: bytes) -> bytes:
    """The page without its CSRF tokens (masked afresh in every response)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def signed_in(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def test_a_repeat_is_answered_from_the_kept_body_in_one_query(manager_user: User) -> None:
    scheduled()
    manager = signed_in(manager_user)
    first, built = count_queries(lambda: manager.get(PAGE))
    repeat, kept = count_queries(lambda: manager.get(PAGE))

    assert built.status_code == kept.status_code == 200
    assert repeat <= first - 8  # the overview's nine queries, for the version's one
    assert unmasked(kept.content) == unmasked(built.content)


def test_off_it_builds_every_time(manager_user: User, settings: pytest.FixtureRequest) -> None:
    settings.DAY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    scheduled()
    manager = signed_in(manager_user)
    first, _ = count_queries(lambda: manager.get(PAGE))
    repeat, _ = count_queries(lambda: manager.get(PAGE))
    assert repeat == first


def _rotation() -> None:
    RotationFactory.create(
        weekday=DAY.weekday(),
        kind=RotationKind.JUICER,
        employee=EmployeeFactory.create(name="Rory Rota", job_title=JobTitle.JUICER_BARISTA),
    )


def _rotation_exception() -> None:
    RotationExceptionFactory.create(
        date=DAY,
        kind=RotationKind.JUICER,
        employee=EmployeeFactory.create(name="Rory Rota", job_title=JobTitle.JUICER_BARISTA),
    )


def _attendance() -> None:
    attendance_set(
        schedule=Schedule.objects.get(), status=AttendanceStatus.ON_TIME, by=None, note=""
    )


# One write per watched table, and what the page then shows that it did not before.
WRITES: dict[str, tuple[Callable[[], object], str]] = {
    "scheduler_schedule": (
        lambda: Schedule.objects.update(start=store_local(2026, 12, 15, 11, 15)),
        "11:15",
    ),
    "events_event": (lambda: Event.objects.update(project_name="Renamed Pretzel"), "Renamed"),
    "employees_employee": (lambda: Employee.objects.update(name="Renée Renamed"), "Renée"),
    "employees_timeoff": (
        lambda: TimeOffFactory.create(
            employee=EmployeeFactory.create(name="Tove Off"),
            start_date=DAY,
            end_date=DAY,
            reason="Wedding",
        ),
        "Wedding",
    ),
    "employees_unavailabledate": (
        lambda: UnavailableDateFactory.create(
            employee=EmployeeFactory.create(name="Una Busy"), date=DAY, reason="Dentist"
        ),
        "Dentist",
    ),
    "employees_companyholiday": (
        lambda: CompanyHolidayFactory.create(name="Founders Day", month=12, day=15),
        "Founders Day",
    ),
    "employees_rotation": (_rotation, "Rory Rota"),
    "employees_rotationexception": (_rotation_exception, "Rory Rota"),
    "attendance_attendancerecord": (_attendance, "<strong>On time</strong>"),
}


def test_every_table_the_day_page_shows_is_watched() -> None:
    from core.page_cache import WATCHED_TABLES

    assert set(WRITES) <= set(WATCHED_TABLES)


@pytest.mark.parametrize("table", list(WRITES))
def test_a_write_to_what_the_page_shows_rebuilds_it(manager_user: User, table: str) -> None:
    scheduled()
    manager = signed_in(manager_user)
    write, shown = WRITES[table]
    assert shown not in manager.get(PAGE).content.decode()
    assert shown not in manager.get(PAGE).content.decode()  # kept

    write()

    assert shown in manager.get(PAGE).content.decode()


def test_managers_and_readers_never_get_each_others_body(
    manager_user: User, reader_user: User
) -> None:
    schedule = scheduled()
    actions = f"/schedules/{schedule.pk}/actions/"
    reader, manager = signed_in(reader_user), signed_in(manager_user)

    assert actions not in reader.get(PAGE).content.decode()
    assert actions in manager.get(PAGE).content.decode()
    assert actions not in reader.get(PAGE).content.decode()
    assert 'name="status"' not in reader.get(PAGE).content.decode()


def test_each_response_carries_its_own_csrf_token(manager_user: User) -> None:
    """The attendance forms of a kept body post with the token of whoever got it."""
    schedule = scheduled()
    first = signed_in(manager_user, enforce_csrf_checks=True)
    second = signed_in(manager_user, enforce_csrf_checks=True)
    tokens = []
    for client in (first, second):
        page = client.get(PAGE).content.decode()
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert len(found) == 2  # sign out (the header), attendance (the kept body)
        assert _PLACEHOLDER_SHAPE.fullmatch(found[1]) is None  # never leaves the server
        tokens.append(found[1])

    response = second.post(
        f"/attendance/schedules/{schedule.pk}/",
        {"status": "on_time", "next": PAGE, "csrfmiddlewaretoken": tokens[1]},
    )

    assert response.status_code == 302
    assert "<strong>On time</strong>" in second.get(PAGE).content.decode()
