"""Pages given days outside the accepted range (core.dates) answer 4xx, never 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client: Client, manager_user: User) -> Client:
    client.force_login(manager_user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/day/9999-12-31/",
        "/day/9999-12-31/print/",
        "/day/9999-12-31/print.pdf",
        "/week/9999-12-31/",
        "/day/0001-01-01/",
        "/week/1999-12-31/",
        "/day/2101-01-01/",
    ],
)
def test_a_day_address_out_of_range_is_a_404(manager: Client, path: str) -> None:
    assert manager.get(path).status_code == 404


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "2101-01-01"])
def test_the_event_page_refuses_a_day_out_of_range(manager: Client, date: str) -> None:
    event = EventFactory.create()
    response = manager.get(f"/events/{event.pk}/", {"date": date, "time": "10:45"})
    assert response.status_code in (200, 400)
    assert "Must be a day from 2000-01-01 to 2100-12-31" in response.content.decode()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_scheduling_on_a_day_out_of_range_is_refused(manager: Client, date: str) -> None:
    event, employee = EventFactory.create(), EmployeeFactory.create()
    response = manager.post(
        f"/events/{event.pk}/schedule/",
        {"date": date, "time": "10:45", "employee": employee.pk},
    )
    assert response.status_code in (200, 400)
    assert "Must be a day from 2000-01-01 to 2100-12-31" in response.content.decode()
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("number", ["9223372036854775808", "9" * 400])
@pytest.mark.parametrize("field", ["first", "second"])
def test_a_trade_with_an_id_that_overflows_is_refused(
    manager: Client, field: str, number: str
) -> None:
    """A number past the id column's range reached the lookup: a 500."""
    schedule = ScheduleFactory.create()
    other = ScheduleFactory.create()
    data = {"first": schedule.pk, "second": other.pk, field: number}
    response = manager.post("/schedules/trade/", data)
    assert response.status_code == 400
    assert Schedule.objects.get(pk=schedule.pk).employee_id == schedule.employee_id
