"""Accessibility of the manager pages in a real Chromium: axe-core finds no serious or
critical violation on the main pages, and the schedule form works from the keyboard
alone with a visible focus."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from scheduler.models import Schedule
from tests.browser.axe import AxeResult, run_axe
from tests.browser.conftest import DESKTOP, MOBILE, PASSWORD, World, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def check_here(page: Page, name: str, results: dict[str, AxeResult]) -> None:
    """axe-core on the page as it is, at desktop and at mobile width."""
    for size_name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        results[f"{name} ({size_name})"] = run_axe(page)
    page.set_viewport_size(DESKTOP)


def check_pages(page: Page, pages: dict[str, str], results: dict[str, AxeResult]) -> None:
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.ok, url
        check_here(page, name, results)


def report(results: dict[str, AxeResult]) -> str:
    return "\n".join(f"{name}: {r.url}\n{r.summary()}" for name, r in results.items())


def assert_no_serious_violations(results: dict[str, AxeResult]) -> None:
    blocking = {name: r for name, r in results.items() if r.blocking}
    assert not blocking, (
        "axe-core found serious or critical violations:\n"
        + "\n".join(f"{name}: {r.url}\n{r.summary(r.blocking)}" for name, r in blocking.items())
        + "\n\nAll violations (minor and moderate ones do not fail the test):\n"
        + report(results)
    )


def test_the_main_pages_have_no_serious_accessibility_violations(
    page: Page, manager: User, world: World
) -> None:
    w = world
    results: dict[str, AxeResult] = {}
    check_pages(page, {"sign-in": "/accounts/login/"}, results)
    sign_in(page, manager)
    day = w.day.isoformat()
    check_pages(
        page,
        {
            "dashboard": "/",
            "unscheduled": "/events/",
            "day": f"/day/{day}/",
            "week": f"/week/{day}/",
            "event": f"/events/{w.core.pk}/",
            "employees": "/employees/",
            "employee": f"/employees/{w.lena.pk}/",
            "print sheet": f"/day/{day}/print/",
            "my sessions": "/accounts/sessions/",
        },
        results,
    )
    # The states the forms go through: warnings to confirm, a history, a trade to
    # confirm, the day's actions opened.
    page.goto(f"/events/{w.core.pk}/")
    page.get_by_role("radio", name=re.compile("^Cy Super")).check()
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm next to the button")
    check_here(page, "event, warnings to confirm", results)
    page.get_by_label(re.compile("^Club Supervisor on a Core event:")).check()
    page.get_by_role("button", name="Confirm and schedule").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    check_here(page, "event, scheduled, with its history", results)
    cy_on_core = Schedule.objects.live().get(event=w.core)
    page.goto(f"/day/{day}/")
    row = page.locator(f"#s{w.crackers.pk}")
    row.locator("summary").click()
    row.get_by_label("Trade with").select_option(str(cy_on_core.pk))
    row.get_by_role("button", name="Trade", exact=True).click()
    expect(page.get_by_role("heading", name="Trade two schedules")).to_be_visible()
    check_here(page, "trade, warnings to confirm", results)
    page.goto(f"/day/{day}/")
    page.locator("details.row-actions").first.locator("summary").click()
    page.evaluate("document.querySelectorAll('details.row-actions').forEach(d => d.open = true)")
    check_here(page, "day, actions open", results)
    print("\n" + report(results))  # shown with -s, and in the failure message below
    assert_no_serious_violations(results)


def focus_is_visible(page: Page) -> bool:
    """The focused element draws a solid outline at least 2px wide, or the focus is on
    the picker button inside a date or time field, which Chromium rings itself."""
    return bool(
        page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e.matches(":focus") && e.matches('input[type="date"], input[type="time"]')) {
                    return true;
                }
                const s = getComputedStyle(e);
                return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
            }"""
        )
    )


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus; each stop must show where it is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_sign_in_and_schedule_with_the_keyboard_only(
    page: Page, manager: User, world: World
) -> None:
    w = world
    page.goto(f"/accounts/login/?next=/events/{w.core.pk}/")
    # The sign-in form starts in the username field.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(manager.get_username())
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(w.core.project_name)

    # The first Tab on a page shows the skip link.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(page)

    # Into the list of employees: Tab lands on the first one, arrows move and pick.
    tab_to(page, 'input[name="employee"]')
    first = page.get_by_role("radio", name=re.compile("^Bea Barista"))
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")  # the next enabled one, picked as it gets the focus
    cy = page.get_by_role("radio", name=re.compile("^Cy Super"))
    expect(cy).to_be_focused()
    expect(cy).to_be_checked()
    page.keyboard.press("ArrowDown")
    eve = page.get_by_role("radio", name=re.compile("^Eve Specialist"))
    expect(eve).to_be_focused()
    page.keyboard.press("Space")
    expect(eve).to_be_checked()
    assert focus_is_visible(page)
    tab_to(page, 'button[type="submit"]')
    expect(page.get_by_role("button", name="Schedule", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text(
        f"Scheduled Eve Specialist on {w.core.project_name}"
    )
    schedule = Schedule.objects.live().get(event=w.core)
    assert schedule.employee == w.eve

    # The day's row actions open and submit from the keyboard too: unschedule it.
    page.goto(f"/day/{w.day.isoformat()}/")
    tab_to(page, f"#s{schedule.pk} summary")
    page.keyboard.press("Enter")
    expect(page.locator(f"#s{schedule.pk} details")).to_have_attribute("open", "")
    # Its forms load when it is opened: wait for them rather than tab past them.
    expect(page.locator(f"#s{schedule.pk} .unschedule button")).to_be_attached()
    tab_to(page, f"#s{schedule.pk} .unschedule button")
    page.once("dialog", lambda dialog: dialog.accept())  # "Unschedule this event?"
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(
        f"Unscheduled Eve Specialist from {w.core.project_name}."
    )
    assert not Schedule.objects.live().filter(event__in=[w.core, w.supervisor]).exists()
