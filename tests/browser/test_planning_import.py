"""The CSV import page in a real Chromium: upload the sample export, read the preview
and its row report, confirm; axe-core finds no serious violation on either state."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from events.models import Event
from tests.browser.axe import run_axe
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SAMPLE = Path(__file__).parents[1] / "planning" / "fixtures" / "planning_export_sample.csv"


def test_upload_preview_then_confirm(page: Page, manager: User) -> None:
    sign_in(page, manager, next_url="/planning/")
    blocking = run_axe(page).blocking
    assert not blocking, blocking

    page.get_by_label("Planning-system CSV export").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="nothing has been written yet")).to_be_visible()
    report = page.get_by_role("table").filter(has_text="Rows that were not imported")
    expect(report).to_contain_text("project reference number 'ABC-17' is not a number")
    assert not run_axe(page).blocking
    assert Event.objects.count() == 0

    page.get_by_role("button", name="Import these rows").click()

    expect(page.get_by_role("heading", name="Imported planning_export_sample.csv")).to_be_visible()
    assert Event.objects.count() == 30
