"""The 7 am call-out in a real Chromium: Eve calls in sick; from the day view the manager
marks her out, checks the preselected replacement and applies — her Core event goes to a
colleague and its Supervisor check-in stays. Then one click of attendance. At desktop
and phone width, axe-core clean on every page."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth.models import User
from playwright.sync_api import Page, ViewportSize, expect

from attendance.models import AttendanceRecord, CallOut
from scheduler.models import Schedule
from scheduler.services import schedule_create
from tests.browser.axe import run_axe
from tests.browser.conftest import DESKTOP, MOBILE, Shots, World, at, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def assert_axe_clean(page: Page) -> None:
    result = run_axe(page)
    assert not result.blocking, f"{page.url}\n{result.summary(result.blocking)}"


@pytest.mark.parametrize("size", [DESKTOP, MOBILE], ids=["desktop", "phone"])
def test_a_7_am_call_out_from_the_day_view(
    page: Page, manager: User, world: World, shots: Shots, size: ViewportSize
) -> None:
    w = world
    pretzel = schedule_create(event=w.core, employee=w.eve, start=at(w.day, 10, 45))
    assert pretzel.supervisor is not None and pretzel.supervisor.schedule is not None
    check_in = pretzel.supervisor.schedule
    assert check_in.employee == w.cy
    day = w.day.isoformat()

    with time_machine.travel(at(w.day, 7, 0), tick=True):
        page.set_viewport_size(size)
        sign_in(page, manager, next_url=f"/day/{day}/")
        row = page.locator(f"#s{pretzel.schedule.pk}")
        assert_axe_clean(page)

        row.get_by_role("link", name="Mark out Eve Specialist").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Mark out: Eve Specialist")
        expect(
            page.get_by_role("heading", level=2, name=re.compile("1 schedule on"))
        ).to_be_visible()
        replacement = page.get_by_label(re.compile("Replacement for 606034-CORE-Super Pretzel"))
        expect(replacement).to_have_value(str(w.bea.pk))  # free, no warning: preselected
        expect(
            page.get_by_text("Keeps its Supervisor check-in: Cy Super at 12:45.")
        ).to_be_visible()
        assert_axe_clean(page)
        if size == DESKTOP:
            shots.take(page, "callout")

        page.get_by_role("button", name=re.compile("Apply: mark Eve Specialist out")).click()

        expect(page.locator(".messages")).to_have_text(
            "Eve Specialist is marked out. 1 change made."
        )
        expect(page.get_by_text("Replaced by Bea Barista.")).to_be_visible()
        assert_axe_clean(page)

        pretzel.schedule.refresh_from_db()
        check_in.refresh_from_db()
        assert pretzel.schedule.employee == w.bea
        assert (check_in.employee, check_in.is_live) == (w.cy, True)
        assert CallOut.objects.get().employee == w.eve

        # Back on the day: Sam came on time — one click.
        page.goto(f"/day/{day}/")
        sam_row = page.locator(f"#s{w.crackers.pk}")
        sam_row.locator('button[value="on_time"]').click()
        expect(page.locator(".messages")).to_have_text("Sam Specialist: On time.")
        assert AttendanceRecord.objects.get(schedule=w.crackers).status == "on_time"
        expect(page.locator(f'#s{w.crackers.pk} button[value="on_time"]')).to_have_attribute(
            "aria-pressed", "true"
        )
        assert_axe_clean(page)
        if size == DESKTOP:
            page.goto(f"/attendance/?month={w.day:%Y-%m}")
            assert_axe_clean(page)
            shots.take(page, "attendance-month")
            page.goto("/events/unreported/")
            assert_axe_clean(page)
    assert Schedule.objects.live().filter(employee=w.eve).count() == 0


def test_unreported_list_screenshot(page: Page, manager: User, world: World, shots: Shots) -> None:
    """The unreported list with a few past events (also axe-checked)."""
    import datetime as dt

    from tests.events.factories import EventFactory
    from tests.scheduler.factories import ScheduleFactory

    past = w_day = world.day - dt.timedelta(days=5)
    for i, person in enumerate((world.sam, world.lena, world.eve)):
        event = EventFactory.create(
            project_name=f"60620{i}-CORE-Past Demo {i}",
            start_datetime=at(past - dt.timedelta(days=2)),
            due_datetime=at(past + dt.timedelta(days=2)),
            store_number=f"81{35 + i}",
        )
        ScheduleFactory.create(
            event=event, employee=person, start=at(w_day + dt.timedelta(days=i), 10, 45)
        )
    sign_in(page, manager, next_url="/events/unreported/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unreported events")
    assert_axe_clean(page)
    page.set_viewport_size(MOBILE)
    assert_axe_clean(page)
    page.set_viewport_size(DESKTOP)
    shots.take(page, "unreported")
