"""Fixtures shared by the scheduler's service and page tests."""

import pytest

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
