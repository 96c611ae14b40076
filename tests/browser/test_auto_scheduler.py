"""The auto-scheduler in a real Chromium: start a run, watch the progress bar update
itself, review and approve; axe-core finds no serious violation on the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from scheduler.auto_services import auto_run_execute, auto_run_start
from scheduler.models import AutoProposal, AutoRun, Schedule
from tests.browser.axe import AxeResult
from tests.browser.conftest import DOCS_IMG, Shots, World, sign_in
from tests.browser.test_accessibility import assert_no_serious_violations, check_here

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def enabled(settings: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = True


def test_a_manager_runs_reviews_and_approves(
    page: Page, manager: User, world: World, shots: Shots
) -> None:
    sign_in(page, manager, next_url="/auto/")
    results: dict[str, AxeResult] = {}
    check_here(page, "auto-scheduler runs", results)
    page.get_by_role("button", name="Propose schedules").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Auto-scheduler run #")
    expect(page.locator("#result-title")).to_be_visible()
    run = AutoRun.objects.get()
    assert run.placed_count > 0
    # The days are collapsed to their summary line; one opens; the bar counts a selection.
    first_day = page.locator("details.auto-day").first
    first_day.locator(":scope > summary").click()
    expect(first_day).to_have_attribute("open", "")
    first_day.locator('input[name="proposal"]').first.check()
    expect(page.locator("[data-selection-count]")).to_have_text("1 selected")
    if shots.to_docs:  # the README's picture of the review page
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=DOCS_IMG / "auto-review.png", animations="disabled", caret="hide")
    # A proposal's "Change" loads its choices when opened: every employee, judged.
    change = first_day.locator("details.row-actions").first
    proposal_id = int((change.locator("xpath=ancestor::tr").get_attribute("id") or "p0")[1:])
    assert page.locator('.actions-cell select[name="employee"]').count() == 0
    change.locator(":scope > summary").click()
    choices = change.locator('select[name="employee"]')
    expect(choices).to_be_visible()
    expect(choices.locator("option[selected]")).to_contain_text("(proposed) — Eligible")
    check_here(page, "auto-scheduler review", results)
    assert_no_serious_violations(results)
    other = choices.locator("option", has_text="— Eligible").filter(has_not_text="(proposed)")
    name = other.first.inner_text().split(" · ")[0]
    choices.select_option(other.first.get_attribute("value"))
    change.get_by_role("button", name="Re-check and save").click()
    expect(page.locator(".messages")).to_contain_text(f"now {name}")
    changed = AutoProposal.objects.select_related("employee").get(pk=proposal_id)
    assert changed.employee is not None and changed.employee.name == name
    before = Schedule.objects.live().count()
    page.get_by_role("button", name=re.compile("^Approve all")).click()
    expect(page.locator(".messages")).to_contain_text(f"Approved: {run.placed_count} scheduled.")
    assert Schedule.objects.live().count() > before
    assert world.day


def test_the_progress_bar_follows_a_run_in_the_background(
    page: Page, manager: User, world: World
) -> None:
    # A queued run, as the database backend leaves it until a worker picks it up.
    run = auto_run_start(first_day=world.day, last_day=world.day, enqueue=False)
    sign_in(page, manager, next_url=f"/auto/{run.pk}/")
    expect(page.locator("#run-progress progress")).to_be_visible()
    expect(page.locator("[data-progress-text]")).to_have_text("0 of 0 events (0%)")
    auto_run_execute(run_id=run.pk)  # the "worker"
    # The page polls, sees the run finished and reloads itself with the result.
    expect(page.locator("#result-title")).to_be_visible(timeout=15_000)
    expect(page.locator("#run-progress")).to_have_count(0)
