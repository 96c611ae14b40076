"""The Content-Security-Policy holds in a real Chromium: the main pages, the admin and
the API docs run with no violation reported (no inline script or style left)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.browser.conftest import DESKTOP, TIMEOUT_MS, World, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

# Every violation the page itself sees (an init script is not subject to the policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""


@pytest.fixture
def strict_page(browser: Browser, live_server: object) -> Iterator[Page]:
    """A page that obeys the policy (the shared `page` fixture bypasses it for axe-core)."""
    context: BrowserContext = browser.new_context(
        base_url=str(live_server), viewport=DESKTOP, locale="en-US"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_the_main_pages_run_without_a_csp_violation(
    strict_page: Page, manager: User, world: World
) -> None:
    page = strict_page
    console: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            console.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    violations: list[str] = []

    def visit(url: str) -> None:
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert "Content-Security-Policy" in {k.title() for k in response.headers}, url
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__cspViolations"))

    visit("/accounts/login/")
    sign_in(page, manager)
    day = world.day.isoformat()
    for url in (
        "/",
        "/events/",
        f"/day/{day}/",
        f"/week/{day}/",
        f"/events/{world.core.pk}/",
        "/employees/",
        f"/employees/{world.lena.pk}/",
        f"/day/{day}/print/",
        "/planning/",
        "/accounts/sessions/",
        "/accounts/password/",
    ):
        visit(url)

    manager.is_staff = manager.is_superuser = True
    manager.save()
    visit("/admin/")
    visit("/admin/events/event/")
    visit(f"/admin/events/event/{world.core.pk}/change/")
    visit("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Event Scheduler API")
    violations.extend(page.evaluate("window.__cspViolations"))

    assert violations == []
    assert [line for line in console if "Content Security Policy" in line] == []
