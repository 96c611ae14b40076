"""The API page cache: a repeat answers from memory, any write makes it rebuild.

Every test commits (transaction=True), as requests do in production: on PostgreSQL the
data version moves at COMMIT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from attendance.models import AttendanceRecord, AttendanceStatus
from core.models import DataVersion
from core.page_cache import WATCHED_TABLES, data_version
from employees.models import Employee
from events.models import Event
from events.types import EventType
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

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache")]

SCHEDULES = "/api/v1/schedules/"
EVENTS = "/api/v1/events/"
EMPLOYEES = "/api/v1/employees/"
ApiAs = Callable[[User | None], APIClient]


def test_every_watched_table_moves_the_version() -> None:
    schedule = ScheduleFactory.create()
    tables = {
        "employees_employee": lambda: Employee.objects.update(name="Renamed"),
        "events_event": lambda: Event.objects.update(store_name="Renamed"),
        "scheduler_schedule": lambda: Schedule.objects.update(external_schedule_id="77"),
        "employees_timeoff": lambda: TimeOffFactory.create(employee=schedule.employee),
        "employees_unavailabledate": lambda: UnavailableDateFactory.create(
            employee=schedule.employee
        ),
        "employees_companyholiday": lambda: CompanyHolidayFactory.create(),
        "employees_rotation": lambda: RotationFactory.create(),
        "employees_rotationexception": lambda: RotationExceptionFactory.create(),
        "attendance_attendancerecord": lambda: AttendanceRecord.objects.create(
            schedule=schedule,
            employee=schedule.employee,
            work_date=schedule.work_date,
            status=AttendanceStatus.ON_TIME,
            recorded_at=schedule.start,
        ),
    }
    assert set(tables) == set(WATCHED_TABLES)
    for table, write in tables.items():
        before = data_version()
        write()
        assert data_version() != before, table
    assert schedule.pk


@pytest.mark.postgres
def test_a_transaction_moves_it_once_at_commit() -> None:
    EmployeeFactory.create_batch(3)
    before = DataVersion.objects.get().version
    with transaction.atomic():
        for employee in Employee.objects.all():
            employee.name += " Jr."
            employee.save()
        assert DataVersion.objects.get().version == before  # deferred to COMMIT
    assert DataVersion.objects.get().version == before + 1


def test_a_rolled_back_write_leaves_it_alone() -> None:
    EmployeeFactory.create_batch(3)
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Employee.objects.update(name="Never")
        raise RuntimeError("roll back")
    assert data_version() == before
    assert not Employee.objects.filter(name="Never").exists()


def test_other_tables_leave_it_alone(reader_user: User) -> None:
    before = data_version()
    reader_user.first_name = "Changed"
    reader_user.save()
    assert data_version() == before


def test_a_repeat_is_answered_from_memory_with_the_same_bytes(
    api_as: ApiAs, reader_user: User
) -> None:
    ScheduleFactory.create_batch(3)
    client = api_as(reader_user)
    built, first = count_queries(lambda: client.get(SCHEDULES, {"page_size": 100}))
    cached, second = count_queries(lambda: client.get(SCHEDULES, {"page_size": 100}))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["Allow"] == first["Allow"]
    # session, user, data version, page (the last one: no count)  vs  session, user,
    # data version.
    assert (built, cached) == (4, 3)


@pytest.mark.parametrize(
    ("url", "expected"),
    # session, user, data version; employees: + the two permission reads of the variant.
    [(SCHEDULES, 3), (EVENTS, 3), (EMPLOYEES, 5)],
)
def test_a_cached_page_costs_the_same_queries_at_1_and_200_rows(
    api_as: ApiAs, reader_user: User, url: str, expected: int
) -> None:
    ScheduleFactory.create()
    client = api_as(reader_user)
    client.get(url, {"page_size": 200})
    small, _ = count_queries(lambda: client.get(url, {"page_size": 200}))
    ScheduleFactory.create_batch(199)
    client.get(url, {"page_size": 200})
    large, response = count_queries(lambda: client.get(url, {"page_size": 200}))
    assert len(response.json()["results"]) == 200
    assert small == large == expected


def _schedule_via_api(client: APIClient, event: Event, employee: Employee) -> None:
    response = client.post(
        SCHEDULES,
        {"event": event.pk, "employee": employee.pk, "start": "2026-12-15T10:45:00-05:00"},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_every_kind_of_write_shows_at_once(api_as: ApiAs, manager_user: User) -> None:
    """Service writes through the API, model saves, bulk updates and raw SQL."""
    client = api_as(manager_user)
    employee = EmployeeFactory.create(name="Maria Lopez")
    event = EventFactory.create(project_name="606001-CORE-Pretzel")

    def names() -> list[str]:
        return [row["employee_name"] for row in client.get(SCHEDULES).json()["results"]]

    def starts() -> list[str]:
        return [row["start"] for row in client.get(SCHEDULES).json()["results"]]

    assert names() == []
    _schedule_via_api(client, event, employee)
    assert names() == ["Maria Lopez"]

    schedule = Schedule.objects.live().get()
    moved = client.patch(
        f"{SCHEDULES}{schedule.pk}/", {"start": "2026-12-16T11:15:00-05:00"}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert starts() == ["2026-12-16T11:15:00-05:00"]

    employee.name = "Maria López"
    employee.save()
    assert names() == ["Maria López"]

    Employee.objects.filter(pk=employee.pk).update(name="M. Lopez")
    assert names() == ["M. Lopez"]

    with connection.cursor() as cursor:
        cursor.execute("UPDATE employees_employee SET name = %s", ["Maria L."])
    assert names() == ["Maria L."]

    gone = client.delete(f"{SCHEDULES}{schedule.pk}/")
    assert gone.status_code in (200, 204), gone.content
    assert names() == []


def test_events_list_follows_schedules_and_events(api_as: ApiAs, manager_user: User) -> None:
    client = api_as(manager_user)
    event = EventFactory.create(store_name="Club 8135 Indianapolis")
    employee = EmployeeFactory.create(name="James Park")

    def row() -> dict[str, object]:
        return dict(client.get(EVENTS).json()["results"][0])

    assert row()["schedule"] is None
    _schedule_via_api(client, event, employee)
    assert row()["schedule"] is not None
    Event.objects.filter(pk=event.pk).update(store_name="Club 8135 Indy")
    assert row()["store_name"] == "Club 8135 Indy"


def test_permissions_are_checked_before_the_cache(
    api_as: ApiAs, reader_user: User, manager_user: User
) -> None:
    EmployeeFactory.create(email="maria@example.com", phone="317-555-0100")
    manager_row = api_as(manager_user).get(EMPLOYEES).json()["results"][0]
    assert manager_row["email"] == "maria@example.com"

    reader_row = api_as(reader_user).get(EMPLOYEES).json()["results"][0]
    assert "email" not in reader_row and "phone" not in reader_row

    api_as(reader_user).get(SCHEDULES)
    anonymous = api_as(None).get(SCHEDULES)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"


def test_errors_are_never_cached(api_as: ApiAs, reader_user: User) -> None:
    ScheduleFactory.create()
    client = api_as(reader_user)
    for _ in range(2):
        bad = client.get(SCHEDULES, {"date_from": "yesterday"})
        assert bad.status_code == 400
        assert bad["Content-Type"] == "application/problem+json"
        assert bad.json()["errors"][0]["attr"] == "date_from"
    for _ in range(2):
        assert client.get(SCHEDULES, {"page": 9}).status_code == 404


def test_pages_of_different_urls_and_hosts_are_kept_apart(
    api_as: ApiAs, reader_user: User, settings: pytest.FixtureRequest
) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "testserver.local"]  # type: ignore[attr-defined]
    ScheduleFactory.create_batch(3)
    client = api_as(reader_user)
    first = client.get(SCHEDULES, {"page_size": 1}).json()
    second = client.get(SCHEDULES, {"page_size": 1, "page": 2}).json()
    assert first["results"] != second["results"]
    other_host = client.get(SCHEDULES, {"page_size": 1}, HTTP_HOST="testserver.local")
    assert other_host.json()["next"].startswith("http://testserver.local/")
    assert first["next"].startswith("http://testserver/")


def test_off_when_the_setting_is_zero(
    api_as: ApiAs, reader_user: User, settings: pytest.FixtureRequest
) -> None:
    settings.API_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    ScheduleFactory.create()
    client = api_as(reader_user)
    counts = [count_queries(lambda: client.get(SCHEDULES))[0] for _ in range(2)]
    # session, user, page (the last one: no count): no data-version query either.
    assert counts == [3, 3]


def test_without_its_row_nothing_is_cached_until_the_next_write(
    api_as: ApiAs, reader_user: User
) -> None:
    ScheduleFactory.create()
    DataVersion.objects.all().delete()
    assert data_version() is None
    client = api_as(reader_user)
    # session, user, data version (none), page (the last one: no count).
    assert [count_queries(lambda: client.get(SCHEDULES))[0] for _ in range(2)] == [4, 4]

    EmployeeFactory.create()
    assert data_version() is not None
    assert [count_queries(lambda: client.get(SCHEDULES))[0] for _ in range(2)] == [4, 3]


def test_session_users_are_served_too(client: Client, reader_user: User) -> None:
    ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45) + dt.timedelta(days=1))
    client.force_login(reader_user)
    first = client.get(SCHEDULES)
    assert client.get(SCHEDULES).content == first.content
    assert first.json()["results"][0]["event_type"] == EventType.CORE
