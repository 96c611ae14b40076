"""Browser tests: Playwright's sync API drives Debian's Chromium against `live_server`.

Chromium comes from the system (`/usr/bin/chromium`, installed by `.ci/run` with apt):
nothing is downloaded, `playwright install` is never run, and pytest-playwright is not
used. One browser serves the whole package; each test gets a fresh context (cookies,
storage) and signs in through the real sign-in form.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import (
    Browser,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from employees.models import Employee, JobTitle
from events.models import Event
from events.types import EventType
from scheduler.models import Schedule
from scheduler.services import schedule_create
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory

CHROMIUM = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MOBILE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
# Screenshots go to a temporary folder; with DOCS_SCREENSHOTS=1 also to docs/img/ (the
# README shows two of them). Opt-in, so that a test run leaves the work tree unchanged.
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PASSWORD = "manager-pass-123"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without the browser the tests skip with the reason (CI installs it)."""
    if shutil.which(CHROMIUM) or Path(CHROMIUM).is_file():
        return
    skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API marks an asyncio loop as running in the test thread for as
    long as it is started, so Django refuses ORM calls there (SynchronousOnlyOperation)
    although nothing runs concurrently: the loop only turns while a Playwright call
    waits. The tests set up and check data with the ORM between page actions, so allow
    it, for this package only (the variable is restored when its last test is done)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def playwright(allow_orm_beside_playwright: None) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()  # also marks the loop as not running again for the tests that follow


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    """A fresh browser context on the live server, at desktop size, store-like locale."""
    context = browser.new_context(
        base_url=str(live_server),
        viewport=DESKTOP,
        locale="en-US",
        color_scheme="light",
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def manager(transactional_db: None) -> User:
    """A manager (the "Managers" group). The group is made again: a transactional test's
    flush may have removed the one migrations created."""
    from core.roles import ensure_manager_group

    user = User.objects.create_user("morgan", "morgan@example.com", PASSWORD)
    user.groups.add(ensure_manager_group())
    return user


def sign_in(page: Page, user: User, *, next_url: str = "/") -> None:
    """Through the real sign-in form (django-axes watches it: always the right password)."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@dataclass
class Shots:
    """Saves screenshots at desktop and mobile width."""

    folder: Path
    to_docs: bool

    def take(self, page: Page, name: str, *, anchor: str | None = None) -> list[Path]:
        """`name`-desktop.png and `name`-mobile.png of the viewport, scrolled to the top
        of the page or to the element `anchor` selects."""
        saved = []
        for size_name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page.set_viewport_size(size)
            if anchor is None:
                page.evaluate("window.scrollTo(0, 0)")
            else:
                page.locator(anchor).evaluate("el => el.scrollIntoView({block: 'start'})")
            path = self.folder / f"{name}-{size_name}.png"
            page.screenshot(path=path, animations="disabled", caret="hide")
            saved.append(path)
            if self.to_docs:
                DOCS_IMG.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, DOCS_IMG / path.name)
        page.set_viewport_size(DESKTOP)
        return saved


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return Shots(folder, to_docs=os.environ.get("DOCS_SCREENSHOTS") == "1")


def expect_message(page: Page, text: str) -> None:
    """The page shows this message (waits for the page the last action led to)."""
    expect(page.locator(".messages")).to_have_text(text)


# --- the data of a manager's day --------------------------------------------------------


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment at a store-local wall-clock time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def windowed(name: str, event_type: str, first: dt.date, days: int = 1, **kw: Any) -> Event:
    """An event that may start on `first` and the `days - 1` days after it."""
    return EventFactory.create(
        project_name=name,
        event_type=event_type,
        start_datetime=at(first),
        due_datetime=at(first + dt.timedelta(days=days)),
        **kw,
    )


@dataclass
class World:
    """Tomorrow, as a manager finds it in the morning."""

    day: dt.date
    core: Event  # urgent: only `day` is left, due at midnight after it
    supervisor: Event  # paired with `core`
    juicer: Event
    crackers: Schedule  # another Core schedule that day: Sam at 12:15
    freeosk: Schedule  # Lena at 09:00: scheduling her at 10:45 is a proximity warning
    lena: Employee  # Lead Event Specialist
    cy: Employee  # Club Supervisor: takes the Supervisor event, warned on a Core event
    sam: Employee  # Event Specialist, busy from 12:15
    eve: Employee  # Event Specialist, free
    otto: Employee  # time off that day
    bea: Employee  # Juicer Barista


@pytest.fixture
def world(transactional_db: None) -> World:
    day = timezone.localdate() + dt.timedelta(days=1)
    lena = EmployeeFactory.create(name="Lena Lead", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    cy = EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)
    sam = EmployeeFactory.create(name="Sam Specialist")
    eve = EmployeeFactory.create(name="Eve Specialist")
    otto = EmployeeFactory.create(name="Otto Off")
    bea = EmployeeFactory.create(name="Bea Barista", job_title=JobTitle.JUICER_BARISTA)
    TimeOffFactory.create(employee=otto, start_date=day, end_date=day, reason="Vacation")
    core = windowed("606034-CORE-Super Pretzel", EventType.CORE, day)
    supervisor = windowed(
        "606034-Supervisor-Super Pretzel",
        EventType.SUPERVISOR,
        day,
        estimated_minutes=5,
        core_event=core,
    )
    crackers = schedule_create(
        event=windowed("606051-CORE-Crunchy Crackers", EventType.CORE, day, days=3),
        employee=sam,
        start=at(day, 12, 15),
    ).schedule
    freeosk = schedule_create(
        event=windowed(
            "606077-Freeosk-Sparkling Water", EventType.FREEOSK, day, estimated_minutes=30
        ),
        employee=lena,
        start=at(day, 9, 0),
    ).schedule
    juicer = windowed(
        "606090-JUICER-Orange Juice",
        EventType.JUICER_PRODUCTION,
        day,
        days=2,
        estimated_minutes=540,
    )
    # Later work, so that the dashboard shows more than tomorrow.
    windowed("606112-CORE-Cheddar Bites", EventType.CORE, day, days=6)
    windowed("606118-Digital-Refresh Cereal Aisle", EventType.DIGITAL_REFRESH, day, days=9)
    windowed("606131-CORE-Greek Yogurt", EventType.CORE, day + dt.timedelta(days=3), days=8)
    return World(day, core, supervisor, juicer, crackers, freeosk, lena, cy, sam, eve, otto, bea)
