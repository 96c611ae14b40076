"""The day page stays linear in its rows; a row's action choices (move, change employee,
trade) load only when the row is opened, from a small fragment or, without JavaScript,
a page of their own."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from employees.models import Employee, JobTitle
from events.types import EventType
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import assert_constant_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 15)  # a Tuesday
URL = "/day/2026-12-15/"


def busy_day(n: int, *, offset: int = 0) -> list[Schedule]:
    """n more schedules on DAY, each with its own employee and Core event (and its
    Supervisor event), plus one more active employee per schedule who is off that day:
    the shape of a busy day, where the staff grows with the schedules. Names are of one
    length, so that bytes compare fairly between sizes."""
    made = []
    for i in range(offset, offset + n):
        employee = EmployeeFactory.create(
            name=f"Employee {i:04d}", job_title=JobTitle.LEAD_EVENT_SPECIALIST
        )
        core = EventFactory.create(project_name=f"{607000 + i}-CORE-Product {i:04d}")
        EventFactory.create(
            project_name=f"{607000 + i}-Supervisor-Product {i:04d}",
            event_type=EventType.SUPERVISOR,
            estimated_minutes=5,
            core_event=core,
        )
        made.append(
            ScheduleFactory.create(
                employee=employee,
                event=core,
                start=store_local(2026, 12, 15, 9, 0) + dt.timedelta(minutes=30 * (i % 16)),
            )
        )
        off = EmployeeFactory.create(name=f"Resting {i:04d}")
        TimeOffFactory.create(employee=off, start_date=DAY, end_date=DAY, reason="Vacation")
    return made


def measure(client: Client, rows: int) -> tuple[int, int]:
    """(bytes, <option> elements) of the day page."""
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr id="s') == rows
    return len(response.content), page.count("<option")


@pytest.mark.parametrize("who", ["manager", "reader"])
def test_the_day_page_grows_linearly_with_its_rows(
    request: pytest.FixtureRequest, who: str
) -> None:
    """No timing: bytes and <option> counts at 10, 20 and 40 rows. A page with a per-row
    list of the day's other rows or of every employee fails both."""
    client: Client = request.getfixturevalue(who)
    busy_day(10)
    small_bytes, small_options = measure(client, 10)
    busy_day(10, offset=10)
    mid_bytes, mid_options = measure(client, 20)
    busy_day(20, offset=20)
    big_bytes, big_options = measure(client, 40)
    # No choices on the page itself: they load per row when opened.
    assert (small_options, mid_options, big_options) == (0, 0, 0)
    # Twice the rows, at most 2.2 times the bytes, and each added row costs no more than before.
    assert mid_bytes <= 2.2 * small_bytes
    assert big_bytes <= 2.2 * mid_bytes
    assert big_bytes - mid_bytes <= 2.2 * (mid_bytes - small_bytes)


def test_each_row_links_to_its_actions_and_loads_them_when_opened(manager: Client) -> None:
    first, _ = busy_day(2)
    page = manager.get(URL).content.decode()
    assert page.count('class="row-actions"') == 2
    assert f'data-fragment="/schedules/{first.pk}/actions/fragment/?next=/day/2026-12-15/"' in page
    assert f'href="/schedules/{first.pk}/actions/?next=/day/2026-12-15/"' in page
    # No form on the page: every action, unschedule included, comes with the fragment.
    schedules = page[page.index('id="schedules-title"') :]
    assert "<form" not in schedules and "csrfmiddlewaretoken" not in schedules
    assert '<script src="/static/js/row_actions.js" defer></script>' in page
    assert "<script>" not in page and "style=" not in page


def option_texts(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, select_id
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_the_fragment_has_the_event_pages_eligibility_and_reasons(
    manager: Client, lead: Employee
) -> None:
    first, _ = busy_day(2)
    response = manager.get(f"/schedules/{first.pk}/actions/fragment/?next={URL}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    employees = option_texts(html, f"employee-{first.pk}")
    # Eligible first (the least busy first), then the blocked with why; the current
    # employee is chosen.
    assert employees == [
        "Lena Lead · Lead Event Specialist — Eligible",
        "Employee 0000 · Lead Event Specialist (current) — Eligible",
        "Resting 0000 · Event Specialist — Blocked: Resting 0000 has time off on Tue 15 Dec.",
        "Resting 0001 · Event Specialist — Blocked: Resting 0001 has time off on Tue 15 Dec.",
        "Employee 0001 · Lead Event Specialist — Blocked: Employee 0001 already works a Core "
        "event that day (607001-CORE-Product 0001). Employee 0001 is already working "
        "607001-CORE-Product 0001 then.",
    ]
    assert html.count(" disabled>") == 3
    assert re.search(rf'<option value="{first.employee_id}" selected>', html)
    assert "2 of 5 active employees can work then." in html
    # Trade: the day's other schedules with another employee.
    assert option_texts(html, f"trade-{first.pk}") == [
        "09:30 Employee 0001 · 607001-CORE-Product 0001"
    ]
    assert f'<input type="hidden" name="next" value="{URL}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    unschedule = f'action="/schedules/{first.pk}/unschedule/" class="unschedule">'
    assert f'<form method="post" {unschedule}' in html


@pytest.mark.parametrize("path", ["actions/fragment/", "actions/"])
def test_the_fragment_and_the_page_run_constant_queries(manager: Client, path: str) -> None:
    first, *_ = busy_day(3)

    def grow() -> None:
        busy_day(8, offset=100)

    assert_constant_queries(lambda: manager.get(f"/schedules/{first.pk}/{path}"), grow, expected=14)


def test_without_javascript_the_actions_page_does_the_same(manager: Client) -> None:
    first, _ = busy_day(2)
    response = manager.get(f"/schedules/{first.pk}/actions/?next={URL}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Change 607000-CORE-Product 0000</h1>" in html
    assert f'<a href="{URL}"><span aria-hidden="true">←</span> Back to the day</a>' in html
    for action in ("reschedule", "unschedule"):
        assert f'action="/schedules/{first.pk}/{action}/"' in html
    assert 'action="/schedules/trade/"' in html
    # Its Move form moves the schedule and goes back to the day.
    response = manager.post(
        f"/schedules/{first.pk}/reschedule/", {"date": "2026-12-15", "time": "13:00", "next": URL}
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    first.refresh_from_db()
    assert first.start == store_local(2026, 12, 15, 13, 0)
    # Without `next` (or with a foreign one), back goes to the schedule's day.
    back = manager.get(f"/schedules/{first.pk}/actions/?next=https://evil.example/").content
    assert b'<a href="/day/2026-12-15/"><span aria-hidden="true">' in back


def test_row_actions_are_for_managers_only(client: Client, reader: Client, manager: Client) -> None:
    (schedule,) = busy_day(1)
    for url in (
        f"/schedules/{schedule.pk}/actions/",
        f"/schedules/{schedule.pk}/actions/fragment/",
    ):
        response: Any = client.get(url)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )
        assert reader.get(url).status_code == 403
        assert manager.post(url).status_code == 405
    schedule.unscheduled_at = store_local(2026, 12, 14, 8, 0)
    schedule.save(update_fields=["unscheduled_at"])
    assert manager.get(f"/schedules/{schedule.pk}/actions/fragment/").status_code == 404
    assert manager.get("/schedules/999999/actions/").status_code == 404
