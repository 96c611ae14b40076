"""An employee's first day with the app, on a phone: the set-password link from the
email, their week, the calendar link copied, a day off asked for; the manager approves,
is offered the call-out for the schedule it clashes with, and publishes the week."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from core.dates import format_day
from employees.models import Employee, TimeOff
from events.types import EventType
from scheduler.selectors import week_of
from scheduler.services import schedule_create
from selfservice.models import RequestStatus, TimeOffRequest
from selfservice.services import employee_account_create
from tests.browser.axe import run_axe
from tests.browser.conftest import (
    DESKTOP,
    DOCS_IMG,
    MOBILE,
    TIMEOUT_MS,
    at,
    expect_message,
    sign_in,
    windowed,
)
from tests.employees.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

NEW_PASSWORD = "a-long-phone-pass-77"


def shot(page: Page, folder: Path, name: str, *, to_docs: bool) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=path, animations="disabled", caret="hide", full_page=True)
    if to_docs:
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMG / path.name)


def assert_accessible(page: Page) -> None:
    result = run_axe(page)
    assert result.blocking == [], result.summary(result.blocking)


@pytest.fixture
def feeds_on(settings: Any) -> None:
    settings.CALENDAR_FEEDS_ENABLED = True
    settings.CALENDAR_FEEDS_SECRET = "browser-feed-secret-0123456789"


def test_employee_on_a_phone_then_the_manager_approves(
    browser: Browser,
    live_server: Any,
    manager: User,
    feeds_on: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    to_docs = os.environ.get("DOCS_SCREENSHOTS") == "1"
    today = timezone.localdate()
    emma = EmployeeFactory.create(name="Emma Stone", email="emma@example.com")
    lena = EmployeeFactory.create(name="Lena Lead", job_title="lead_event_specialist")
    EmployeeFactory.create(name="Cy Super", job_title="club_supervisor")  # the Supervisor
    tomorrow = today + dt.timedelta(days=1)
    core = windowed(
        "606034-CORE-Super Pretzel",
        EventType.CORE,
        tomorrow,
        sales_tool_url="https://tools.example.com/606034.pdf",
    )
    windowed(
        "606034-Supervisor-Super Pretzel",
        EventType.SUPERVISOR,
        tomorrow,
        estimated_minutes=5,
        core_event=core,
    )
    schedule_create(event=core, employee=emma, start=at(tomorrow, 10, 45))
    off_day = today + dt.timedelta(days=3)
    clash = schedule_create(
        event=windowed("606051-CORE-Crunchy Crackers", EventType.CORE, off_day),
        employee=emma,
        start=at(off_day, 11, 15),
    ).schedule
    schedule_create(
        event=windowed("606077-Freeosk-Sparkling Water", EventType.FREEOSK, tomorrow),
        employee=lena,
        start=at(tomorrow, 9, 0),
    )

    # Staff made the account (admin action): the email carries the one-time link.
    employee_account_create(employee_id=emma.pk, base_url=str(live_server))
    [email] = mail.outbox
    link = re.search(r"(http://\S+/me/set-password/\S+/)", str(email.body))
    assert link is not None

    phone = browser.new_context(
        base_url=str(live_server),
        viewport=MOBILE,
        locale="en-US",
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    phone.set_default_timeout(TIMEOUT_MS)
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=str(live_server))
    page = phone.new_page()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(emma.external_id.lower())
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Their week: only their own schedules, with the Supervisor partner and sales tool.
    expect(page.get_by_role("heading", name="My schedule", exact=True)).to_be_visible()
    assert page.url.endswith("/me/")
    expect(page.locator(".me-event", has_text="606034-CORE-Super Pretzel")).to_be_visible()
    expect(page.get_by_text("Supervisor check-in: Cy Super")).to_be_visible()
    expect(
        page.get_by_role("link", name="Sales tool for 606034-CORE-Super Pretzel")
    ).to_be_visible()
    expect(page.get_by_text("606077-Freeosk-Sparkling Water")).to_have_count(0)  # Lena's
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"]  # nothing wider than the phone
    assert_accessible(page)
    shot(page, tmp_path, "me-mobile", to_docs=to_docs)
    # The manager pages are closed to them.
    assert page.goto("/week/").status == 403  # type: ignore[union-attr]
    page.goto("/me/")

    # The calendar link: made, then copied.
    page.get_by_role("link", name="Calendar link").click()
    page.get_by_role("button", name="Make my link").click()
    expect_message(page, "New link made; the old one no longer works.")
    url = page.get_by_label("Your calendar link").input_value()
    assert url.startswith("webcal://") and url.endswith(".ics")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page)
    feed = page.request.get(url.replace("webcal://", "http://"))
    assert feed.status == 200 and b"606034-CORE-Super Pretzel" in feed.body()

    # A day off.
    page.goto("/me/")
    page.get_by_role("link", name="Ask for time off").click()
    page.get_by_label("First day").fill(off_day.isoformat())
    page.get_by_label("Last day").fill(off_day.isoformat())
    page.get_by_label("Reason (optional)").fill("Family wedding")
    page.get_by_role("button", name="Send request").click()
    expect_message(page, "Request sent. A manager will decide on it.")
    expect(page.locator(".status-pending")).to_have_text("Pending")
    assert_accessible(page)
    phone.close()

    # The manager's inbox: the clash and the approval.
    office = browser.new_context(
        base_url=str(live_server), viewport=DESKTOP, locale="en-US", bypass_csp=True
    )
    office.set_default_timeout(TIMEOUT_MS)
    desk = office.new_page()
    sign_in(desk, manager)
    desk.get_by_role("link", name="Requests").click()
    request_card = desk.locator("section.request", has_text="Emma Stone")
    expect(request_card).to_contain_text("Clashes with 1 scheduled event")
    expect(
        request_card.get_by_role("link", name=re.compile("606051-CORE-Crunchy Crackers"))
    ).to_be_visible()
    assert_accessible(desk)
    shot(desk, tmp_path, "requests-inbox", to_docs=to_docs)
    request_card.get_by_role("button", name="Approve Emma Stone").click()
    expect(desk.locator(".messages")).to_contain_text("Approved: Emma Stone is off")

    # What the approval left to cover, and the call-out prefilled to cover it.
    follow_up = desk.locator("section.follow-up")
    expect(follow_up).to_contain_text("Emma Stone is off: 1 schedule to cover")
    expect(
        follow_up.get_by_role("link", name=re.compile("606051-CORE-Crunchy Crackers"))
    ).to_be_visible()
    assert_accessible(desk)
    follow_up.get_by_role("link", name="Cover them (call-out)").click()
    expect(desk.locator("#plan-title")).to_contain_text("1 schedule on")
    expect(desk.locator("#plan-title")).to_contain_text("Time off")
    expect(desk.get_by_role("link", name="606051-CORE-Crunchy Crackers")).to_be_visible()

    # Publishing the week: what each employee will be told, then one digest each.
    desk.goto(f"/week/{tomorrow.isoformat()}/")
    desk.get_by_role("link", name=re.compile("^Publish week")).click()
    expect(desk.get_by_role("heading", name=re.compile("^Publish the week of"))).to_be_visible()
    emma_row = desk.locator("section.publish-row", has_text="Emma Stone")
    expect(emma_row).to_contain_text("606034-CORE-Super Pretzel")
    emma_row.get_by_text("The email to Emma Stone").click()
    expect(emma_row.locator("pre.digest")).to_contain_text("Your week (store time):")
    expect(emma_row.locator("pre.digest")).to_contain_text("(their own link, not shown here)")
    assert_accessible(desk)
    shot(desk, tmp_path, "publish-week", to_docs=to_docs)
    sent_before = len(mail.outbox)
    desk.get_by_role("button", name=re.compile("^Publish and email")).click()
    expect(desk.locator(".messages")).to_contain_text("will get their week by email.")
    expect(desk.locator(".publish-panel")).to_contain_text("Published to employees")
    office.close()
    digests = [m for m in mail.outbox[sent_before:] if m.to == ["emma@example.com"]]
    assert [m.subject for m in digests] == [
        f"Your schedule for the week of {format_day(week_of(tomorrow)[0])}"
    ]
    assert "606034-CORE-Super Pretzel" in str(digests[0].body)
    assert re.search(r"webcal://\S+\.ics", str(digests[0].body))  # her own link

    req = TimeOffRequest.objects.get(employee=emma)
    assert req.status == RequestStatus.APPROVED
    off = TimeOff.objects.get(employee=emma)
    assert (off.start_date, off.end_date, off.reason) == (off_day, off_day, "Family wedding")
    assert Employee.objects.get(pk=emma.pk).user is not None
    assert clash.pk  # still scheduled: the manager moves it next
    assert "Time off approved" in [m.subject for m in mail.outbox]
