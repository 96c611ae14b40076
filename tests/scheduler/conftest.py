"""Fixtures shared by the scheduler's service and page tests."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from employees.models import Employee, JobTitle
from events.models import Event
from events.types import EventType
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory


@pytest.fixture
def lead() -> Employee:
    return EmployeeFactory.create(name="Lena Lead", job_title=JobTitle.LEAD_EVENT_SPECIALIST)


@pytest.fixture
def club_supervisor() -> Employee:
    return EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)


@pytest.fixture
def pair() -> tuple[Event, Event]:
    """A Core event and its paired Supervisor event."""
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    supervisor = EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        estimated_minutes=5,
        core_event=core,
    )
    return core, supervisor


@pytest.fixture
def manager(manager_user: User) -> Client:
    """A page client signed in as a manager."""
    client = Client()
    client.force_login(manager_user)
    return client


@pytest.fixture
def reader(reader_user: User) -> Client:
    """A page client signed in as a read-only user."""
    client = Client()
    client.force_login(reader_user)
    return client
