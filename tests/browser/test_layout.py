"""Nothing is cut off at 1280 px or at 390 px: on every main page neither the document
nor any scrolling table is wider than its box (lists are stacked cards on phones)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page

from tests.browser.conftest import DESKTOP, MOBILE, World, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

OVERFLOW = """() => {
  const root = document.documentElement;
  const found = [];
  if (root.scrollWidth > root.clientWidth) {
    found.push(`the page is ${root.scrollWidth}px wide in ${root.clientWidth}px`);
  }
  const boxes = '.table-wrap, [role="region"], table, #changelist .results';
  document.querySelectorAll(boxes).forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      const name = `${el.tagName.toLowerCase()}.${el.className}`;
      found.push(`${name} ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  });
  return found;
}"""


def overflow_on(page: Page, urls: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, url in urls.items():
        for size_name, size in (("1280", DESKTOP), ("390", MOBILE)):
            page.set_viewport_size(size)
            response = page.goto(url)
            assert response is not None and response.ok, url
            problems = page.evaluate(OVERFLOW)
            if problems:
                found[f"{name} at {size_name} px ({url})"] = problems
    page.set_viewport_size(DESKTOP)
    return found


def test_no_main_page_is_cut_off_at_either_width(page: Page, manager: User, world: World) -> None:
    manager.is_staff = manager.is_superuser = True  # the admin lists too
    manager.save()
    sign_in(page, manager)
    day = world.day.isoformat()
    urls = {
        "dashboard": "/",
        "unscheduled": "/events/",
        "employees": "/employees/",
        "employee": f"/employees/{world.lena.pk}/",
        "day": f"/day/{day}/",
        "week": f"/week/{day}/",
        "month": f"/month/{day[:7]}/",
        "event": f"/events/{world.core.pk}/",
        "search": "/search/?q=pretzel",
        "planning": "/planning/",
        "my sessions": "/accounts/sessions/",
        "admin events": "/admin/events/event/",
        "admin schedules": "/admin/scheduler/schedule/",
        "admin employees": "/admin/employees/employee/",
    }
    found = overflow_on(page, urls)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
