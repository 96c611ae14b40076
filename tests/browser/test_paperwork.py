"""The day's paperwork in a real Chromium: sign in to the (fake) retailer portal with
the SMS code, open the paperwork from the day view, build the packet, download it;
axe-core finds no serious violation on the pages."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from paperwork.models import PacketBuild
from scheduler.services import schedule_create
from tests.browser.axe import AxeResult
from tests.browser.conftest import DOCS_IMG, Shots, World, at, sign_in
from tests.browser.test_accessibility import assert_no_serious_violations, check_here
from tests.paperwork.conftest import (  # noqa: F401  (the fake portal's fixtures)
    _portal_server_process,
    edr_on,
    portal,
    portal_server,
)
from tests.paperwork.factories import form, pdf_bytes
from tests.paperwork.fake_portal import FakePortal, item, report

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def day_with_reports(world: World, edr_on: FakePortal) -> World:  # noqa: F811
    """Tomorrow with two Core events and a Juicer, reports, a sales tool and a form."""
    schedule_create(event=world.core, employee=world.eve, start=at(world.day, 10, 45))
    schedule_create(event=world.juicer, employee=world.bea, start=at(world.day, 9, 0))
    edr_on.add(
        "606034",
        report(
            "606034",
            name="Super Pretzel sampling",
            items=[
                item("980001", "3600029145", "Super Pretzel bites 2 lb"),
                item("980002", "078742351865", "Spicy mustard dip 16 oz"),
            ],
        ),
    )
    edr_on.add(
        "606051",
        report("606051", name="Crunchy Crackers", items=[item("980010", "41220", "Crackers")]),
    )
    world.core.sales_tool_url = edr_on.tool("606034.pdf", pdf_bytes("Super Pretzel: how to demo"))
    world.core.save(update_fields=["sales_tool_url"])
    form("Activity log", types=("core",))
    return world


def test_a_manager_signs_in_to_the_portal_builds_and_downloads_the_packet(
    page: Page,
    manager: User,
    day_with_reports: World,
    edr_on: FakePortal,  # noqa: F811
    shots: Shots,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.EDR_TIMEOUT_SECONDS = 5
    world = day_with_reports
    results: dict[str, AxeResult] = {}
    sign_in(page, manager, next_url=f"/day/{world.day:%Y-%m-%d}/")

    page.get_by_role("link", name="Paperwork", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paperwork —")
    expect(page.get_by_text("You are not signed in to the retailer portal")).to_be_visible()
    page.get_by_role("link", name="Sign in to the portal").click()
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator(".messages")).to_contain_text("A code was sent by SMS")
    check_here(page, "portal sign-in", results)
    page.get_by_label("Code from the SMS").fill(edr_on.codes[-1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".messages")).to_contain_text("Signed in to the retailer portal.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paperwork —")
    check_here(page, "paperwork", results)

    page.get_by_role("button", name="Build packet").click()
    expect(page.get_by_role("heading", name="Ready", exact=True)).to_be_visible()
    check_here(page, "packet", results)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the packet (PDF)").click()
    path = tmp_path / "packet.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    build = PacketBuild.objects.get()
    assert len(reader.pages) == build.page_count
    text = reader.pages[0].extract_text()
    assert "Super Pretzel bites 2 lb" in text and "Crackers" in text
    assert "Bea Barista" in text and "Eve Specialist" in text and "Sam Specialist" in text
    assert edr_on.calls["report"] == 2
    assert_no_serious_violations(results)

    # Screenshots for the README: the paperwork page (refreshed: it lists the build) and
    # the first EDR page of the packet.
    page.goto(f"/day/{world.day:%Y-%m-%d}/paperwork/")
    shots.take(page, "paperwork")
    if os.environ.get("DOCS_SCREENSHOTS") == "1" and shutil.which("pdftoppm"):
        edr_page = next(
            n
            for n, p in enumerate(reader.pages, 1)
            if "Event Detail Report 606034" in p.extract_text()
        )
        subprocess.run(  # noqa: S603
            [shutil.which("pdftoppm") or "pdftoppm", "-r", "60", "-f", str(edr_page),
             "-l", str(edr_page), "-png", "-singlefile", str(path), str(DOCS_IMG / "packet-edr")],
            check=True,
        )  # fmt: skip
        subprocess.run(  # noqa: S603
            [shutil.which("pdftoppm") or "pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png",
             "-singlefile", str(path), str(DOCS_IMG / "packet-schedule")],
            check=True,
        )  # fmt: skip


def test_the_progress_bar_follows_a_build_in_the_background(
    page: Page, manager: User, world: World
) -> None:
    from paperwork.packet import packet_build_execute

    # A queued build, as the database tasks backend leaves it until a worker picks it up.
    build = PacketBuild.objects.create(day=world.day, requested_by=manager)
    sign_in(page, manager, next_url=f"/paperwork/packets/{build.pk}/")
    expect(page.locator("#run-progress progress")).to_be_visible()
    packet_build_execute(build_id=build.pk)  # the "worker"
    # The page polls, sees the build finished and reloads itself with the result.
    expect(page.get_by_role("heading", name="Ready", exact=True)).to_be_visible(timeout=15_000)
    expect(page.locator("#run-progress")).to_have_count(0)


def test_the_progress_text_counts_a_build_s_steps(page: Page, manager: User, world: World) -> None:
    build = PacketBuild.objects.create(day=world.day, requested_by=manager)
    sign_in(page, manager, next_url=f"/paperwork/packets/{build.pk}/")
    expect(page.locator("[data-progress-text]")).to_have_text("0 of 0 steps (0%)")
    PacketBuild.objects.filter(pk=build.pk).update(progress_done=2, progress_total=5)
    # The next poll writes the build's count in its own unit (the page's data-unit).
    expect(page.locator("[data-progress-text]")).to_have_text("2 of 5 steps (40%)", timeout=10_000)
