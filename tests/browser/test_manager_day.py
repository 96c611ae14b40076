"""A manager's day, end to end in a real Chromium: sign in, dashboard, schedule an urgent
event (confirming a warning), the day with its Supervisor, reschedule, trade,
unschedule, print; a refused change; the 500 page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from core.dates import format_day
from core.page_cache import FRAGMENT_CACHE_ALIAS
from scheduler.models import Schedule, ScheduleChange
from tests.browser.axe import run_axe
from tests.browser.conftest import Shots, World, expect_message, sign_in
from tests.core.error_views import SECRET_TEXT
from tests.employees.factories import TimeOffFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def day_kept(settings: pytest.FixtureRequest) -> Iterator[None]:
    """The day page's body kept per data version, as in production: every change below
    must show on the next view of the day all the same."""
    settings.DAY_PAGE_CACHE_SECONDS = 300  # type: ignore[attr-defined]
    caches[FRAGMENT_CACHE_ALIAS].clear()
    yield
    caches[FRAGMENT_CACHE_ALIAS].clear()


def candidate(page: Page, employee_id: int) -> Locator:
    """One employee of the schedule form: radio, name, tag and reasons."""
    return page.locator(f"li.candidate:has(#cand-{employee_id})")


def schedule_row(page: Page, schedule_id: int) -> Locator:
    """One row of the day page; its "Change" actions opened."""
    row = page.locator(f"#s{schedule_id}")
    details = row.locator("details.row-actions")
    if details.get_attribute("open") is None:
        row.locator("summary").click()
    return row


def live(**filters: object) -> list[tuple[str, str, str]]:
    """Live schedules as (event, employee, store-local start) rows, by start."""
    return [
        (s.event.project_name, s.employee.name, f"{timezone.localtime(s.start):%H:%M}")
        for s in Schedule.objects.live()
        .filter(**filters)
        .select_related("event", "employee")
        .order_by("start", "pk")
    ]


def test_a_managers_day(page: Page, manager: User, world: World, shots: Shots) -> None:
    w = world
    day = format_day(w.day)  # how pages and messages write a day
    rule_day = f"{w.day:%a %-d %b}"  # how rule messages do
    core, pretzel_sup = w.core.project_name, w.supervisor.project_name

    # Sign in: the dashboard, with the urgent event highlighted.
    sign_in(page, manager)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    urgent = page.locator("table.events-table tr.due-soon", has_text=core)
    expect(urgent).to_contain_text("Last day tomorrow")
    expect(page.locator("table.events-table tbody tr").first).to_contain_text(core)
    shots.take(page, "dashboard")

    # Open it: the form lists every active employee, eligible first, blocked with why.
    urgent.get_by_role("link", name=f"Schedule {core}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(core)
    expect(page.get_by_role("heading", name="Schedule this event")).to_be_visible()
    expect(page.get_by_label("Date", exact=True)).to_have_value(w.day.isoformat())
    expect(page.get_by_label("Slot")).to_have_value("10:45")
    names = page.locator(".candidates .cand-name").all_inner_texts()
    tags = page.locator(".candidates .why .tag").all_text_contents()
    assert sorted(names[:4]) == ["Bea Barista", "Cy Super", "Eve Specialist", "Lena Lead"]
    assert tags == ["Eligible"] * 4 + ["Blocked"] * 2
    assert sorted(names[4:]) == ["Otto Off", "Sam Specialist"]
    expect(candidate(page, w.eve.pk).locator(".reason")).to_have_count(0)
    expect(candidate(page, w.lena.pk)).to_contain_text(
        "Warning: Lena Lead has 606077-Freeosk-Sparkling Water within 2 hours of this one."
    )
    expect(candidate(page, w.cy.pk)).to_contain_text(
        "Warning: Cy Super is a Club Supervisor on a Core event."
    )
    expect(candidate(page, w.otto.pk)).to_contain_text(f"Otto Off has time off on {rule_day}.")
    expect(candidate(page, w.sam.pk)).to_contain_text(
        "Sam Specialist is already working 606051-CORE-Crunchy Crackers then."
    )
    expect(page.get_by_role("radio", name=re.compile("^Otto Off"))).to_be_disabled()
    expect(page.get_by_role("radio", name=re.compile("^Sam Specialist"))).to_be_disabled()
    shots.take(page, "event-form", anchor="#schedule")

    # Schedule Lena, who has a Freeosk event just before: a warning to confirm first.
    page.get_by_role("radio", name=re.compile("^Lena Lead")).check()
    page.get_by_role("button", name="Schedule", exact=True).click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(
        "Not saved yet: Two events within 2 hours. Confirm next to the button to go ahead."
    )
    expect(refusal).to_contain_text(
        "Warning: Two events within 2 hours · Lena Lead has 606077-Freeosk-Sparkling Water"
    )
    assert live(event=w.core) == [] and live(event=w.supervisor) == []
    expect(page.get_by_role("radio", name=re.compile("^Lena Lead"))).to_be_checked()
    page.get_by_label(re.compile("^Two events within 2 hours: Lena Lead has")).check()
    page.get_by_role("button", name="Confirm and schedule").click()
    expect_message(
        page,
        f"Scheduled Lena Lead on {core} {day} at 10:45. "
        "Went ahead despite: Two events within 2 hours. "
        "Supervisor event scheduled for Cy Super at 12:45.",
    )
    assert live(event__in=[w.core, w.supervisor]) == [
        (core, "Lena Lead", "10:45"),
        (pretzel_sup, "Cy Super", "12:45"),
    ]
    pretzel = Schedule.objects.live().get(event=w.core)
    expect(page.get_by_role("heading", name="Reschedule or change employee")).to_be_visible()

    # The day shows it and its paired Supervisor event.
    page.get_by_role("link", name="see the day").click()
    expect(page).to_have_url(re.compile(rf"/day/{w.day.isoformat()}/$"))
    expect(page.locator(f"#s{pretzel.pk}")).to_contain_text("10:45")
    expect(page.locator(f"#s{pretzel.pk}")).to_contain_text("Lena Lead")
    supervisors = page.get_by_role("region", name=re.compile("^Supervisor"))
    expect(supervisors.locator("tr", has_text=pretzel_sup)).to_contain_text("Cy Super")
    expect(supervisors).to_contain_text("12:45")
    shots.take(page, "day")

    # Reschedule: move it to 11:45; the Supervisor event moves along.
    row = schedule_row(page, pretzel.pk)
    row.get_by_label("Start", exact=True).fill("11:45")
    row.get_by_role("button", name="Move").click()
    expect_message(
        page,
        f"{core}: now Lena Lead {day} at 11:45. Supervisor event moved with it: Cy Super at 13:45.",
    )
    assert live(event__in=[w.core, w.supervisor]) == [
        (core, "Lena Lead", "11:45"),
        (pretzel_sup, "Cy Super", "13:45"),
    ]

    # Trade with Sam's Core event at 12:15.
    row = schedule_row(page, pretzel.pk)
    row.get_by_label("Trade with").select_option(str(w.crackers.pk))
    row.get_by_role("button", name="Trade", exact=True).click()
    expect_message(
        page,
        f"Traded: Sam Specialist now works {core} at 11:45; "
        "Lena Lead works 606051-CORE-Crunchy Crackers at 12:15.",
    )
    expect(page.locator(f"#s{pretzel.pk}")).to_contain_text("Sam Specialist")
    expect(page.locator(f"#s{w.crackers.pk}")).to_contain_text("Lena Lead")

    # Unschedule: it asks first; its Supervisor event goes too.
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    schedule_row(page, pretzel.pk).get_by_role("button", name="Unschedule").click()
    expect_message(
        page,
        f"Unscheduled Sam Specialist from {core}. "
        "Its Supervisor event (Cy Super) was unscheduled too.",
    )
    assert asked == ["Unschedule this event? A Core event's Supervisor event is unscheduled too."]
    expect(page.locator(f"#s{pretzel.pk}")).to_have_count(0)
    expect(page.get_by_role("region", name=re.compile("^Supervisor"))).to_have_count(0)
    assert live() == [
        ("606077-Freeosk-Sparkling Water", "Lena Lead", "09:00"),
        ("606051-CORE-Crunchy Crackers", "Lena Lead", "12:15"),
    ]
    actions = ScheduleChange.objects.filter(event__in=[w.core, w.supervisor])
    assert sorted(actions.values_list("action", "source")) == sorted(
        [
            ("create", "page"),
            ("create", "page"),
            ("reschedule", "page"),
            ("reschedule", "page"),
            ("trade", "page"),
            ("unschedule", "page"),
            ("unschedule", "page"),
        ]
    )

    # The print sheet of the day.
    page.get_by_role("link", name="Print sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Day sheet — {w.day:%A} {w.day.day} {w.day:%B %Y}"
    )
    rows = page.locator("table.sheet-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Lena Lead")
    expect(rows.nth(0)).to_contain_text("606077-Freeosk-Sparkling Water")
    expect(rows.nth(1)).to_contain_text("606051-CORE-Crunchy Crackers")
    expect(page.locator("article.sheet")).not_to_contain_text("Super Pretzel")


def test_change_employee_from_the_day_row_and_without_javascript(
    page: Page, browser: Browser, manager: User, world: World
) -> None:
    w = world
    crackers = w.crackers.event.project_name
    sign_in(page, manager, next_url=f"/day/{w.day.isoformat()}/")
    row = page.locator(f"#s{w.crackers.pk}")
    # Closed, the row carries no choices: they load when it is opened.
    expect(row.locator("option")).to_have_count(0)
    row = schedule_row(page, w.crackers.pk)
    employee = row.get_by_label("Employee", exact=True)
    # The event page's eligibility, with its reasons: Otto is blocked and cannot be picked.
    otto = employee.locator(f'option[value="{w.otto.pk}"]')
    expect(otto).to_be_disabled()
    expect(otto).to_contain_text(f"Blocked: Otto Off has time off on {format_day(w.day)}.")
    expect(employee).to_have_value(str(w.sam.pk))
    employee.select_option(str(w.eve.pk))
    row.get_by_role("button", name="Change", exact=True).click()
    expect_message(page, f"{crackers}: now Eve Specialist {format_day(w.day)} at 12:15.")
    assert live(event=w.crackers.event) == [(crackers, "Eve Specialist", "12:15")]
    axe = run_axe(page)
    assert not axe.blocking, axe.summary(axe.blocking)

    # Without JavaScript, the row's link opens the same forms on a page of their own.
    context = browser.new_context(java_script_enabled=False, base_url=page.url.split("/day/")[0])
    nojs = context.new_page()
    sign_in(nojs, manager, next_url=f"/day/{w.day.isoformat()}/")
    nojs.locator(f"#s{w.crackers.pk} summary").click()
    nojs.locator(f"#s{w.crackers.pk}").get_by_role(
        "link", name=re.compile("^Move, change employee, trade or unschedule")
    ).click()
    expect(nojs.get_by_role("heading", level=1)).to_have_text(f"Change {crackers}")
    nojs.get_by_label("Start", exact=True).fill("13:15")
    nojs.get_by_role("button", name="Move").click()
    expect_message(nojs, f"{crackers}: now Eve Specialist {format_day(w.day)} at 13:15.")
    expect(nojs).to_have_url(re.compile(rf"/day/{w.day.isoformat()}/$"))
    context.close()


def test_a_hard_violation_shows_the_reason_and_saves_nothing(
    page: Page, manager: User, world: World
) -> None:
    w = world
    sign_in(page, manager, next_url=f"/events/{w.juicer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(w.juicer.project_name)
    rule = "An Event Specialist may not work Juicer (Production) events."
    expect(candidate(page, w.eve.pk)).to_contain_text(f"Blocked {rule}")
    eve = page.get_by_role("radio", name=re.compile("^Eve Specialist"))
    expect(eve).to_be_disabled()
    changes = ScheduleChange.objects.count()

    # A tampered form (the radio enabled by hand) is refused by the server all the same.
    eve.evaluate("radio => { radio.disabled = false; }")
    eve.check()
    page.get_by_role("button", name="Schedule", exact=True).click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not saved: this breaks a scheduling rule.")
    expect(refusal).to_contain_text(f"Breaks a rule: Role may not work this event · {rule}")
    expect(page.locator('input[name="acknowledge"]')).to_have_count(0)
    assert live(event=w.juicer) == []

    # A stale form: Bea was free when the page was drawn, then her time off was entered.
    page.goto(f"/events/{w.juicer.pk}/")
    page.get_by_role("radio", name=re.compile("^Bea Barista")).check()
    TimeOffFactory.create(employee=w.bea, start_date=w.day, end_date=w.day, reason="Sick")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Breaks a rule: Time off · Bea Barista has time off on {w.day:%a %-d %b}."
    )
    expect(candidate(page, w.bea.pk)).to_contain_text("Blocked")
    assert live(event=w.juicer) == []
    assert ScheduleChange.objects.count() == changes
    w.juicer.refresh_from_db()
    assert w.juicer.condition == "unstaffed"


@pytest.mark.urls("tests.core.urls")
def test_a_server_error_page_shows_an_error_id_and_no_exception_text(
    page: Page, manager: User
) -> None:
    sign_in(page, manager)
    response = page.goto("/test/raise/unexpected/")
    assert response is not None and response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong on our side")
    error_id = page.locator(".error-id code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", error_id)
    expect(page.locator(".error-id")).to_contain_text(f"Error id: {error_id}")
    content = page.content()
    assert SECRET_TEXT not in content and "Traceback" not in content
    assert "RuntimeError" not in content
    axe = run_axe(page)
    assert not axe.blocking, axe.summary(axe.blocking)
    page.get_by_role("link", name="Back to the start page").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
