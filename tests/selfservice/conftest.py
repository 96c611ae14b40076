"""Fixtures of the self-service tests: an employee account, the calendar feature on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from employees.models import Employee
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory
from tests.planning.conftest import (  # noqa: F401 (the fake planning system on loopback)
    _planning_server_process,
    fake,
    planning_server,
    sync_on,
)
from tests.scheduler.factories import ScheduleFactory
from tests.selfservice.smtp_server import SMTPServer, smtp_server


def local_at(day: dt.date, hour: int = 10, minute: int = 45) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def schedule_on(employee: Employee, day: dt.date, **event_fields: object) -> Schedule:
    event = EventFactory.create(
        start_datetime=local_at(day, 0, 0),
        due_datetime=local_at(day + dt.timedelta(days=1), 0, 0),
        **event_fields,
    )
    return ScheduleFactory.create(event=event, employee=employee, start=local_at(day))


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def employee_user(db: None) -> User:
    return User.objects.create_user("us100001", "emma@example.com", "emma-pass-123")


@pytest.fixture
def employee(employee_user: User) -> Employee:
    return EmployeeFactory.create(
        name="Emma Employee", user=employee_user, email="emma@example.com"
    )


@pytest.fixture
def other() -> Employee:
    return EmployeeFactory.create(name="Otto Other", email="otto@example.com", phone="317-555-0199")


@pytest.fixture
def employee_client(employee: Employee, employee_user: User) -> Client:
    client = Client()
    client.force_login(employee_user)
    return client


@pytest.fixture
def manager_client(manager_user: User) -> Client:
    client = Client()
    client.force_login(manager_user)
    return client


@pytest.fixture
def feeds_on(settings: pytest.FixtureRequest) -> None:
    settings.CALENDAR_FEEDS_ENABLED = True  # type: ignore[attr-defined]
    settings.CALENDAR_FEEDS_SECRET = "test-feed-secret-0123456789"  # type: ignore[attr-defined]


@pytest.fixture
def smtp(settings: pytest.FixtureRequest) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback, and Django's SMTP backend sending to it."""
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
        settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
        settings.EMAIL_PORT = server.port  # type: ignore[attr-defined]
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False  # type: ignore[attr-defined]
        settings.EMAIL_TIMEOUT = 5  # type: ignore[attr-defined]
        yield server
