"""The auto-scheduler review page for a month of proposals: days collapsed to a summary
line, filters, a sticky action bar with the selection count, the left-out section."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from events.types import EventType
from scheduler.auto_services import auto_run_execute, auto_run_start
from scheduler.models import AutoRun
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def enabled(settings: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = True


def _event(day: int, **kwargs: Any) -> Any:
    start = store_local(2026, 12, day)
    return EventFactory.create(
        start_datetime=start, due_datetime=start + dt.timedelta(days=1), **kwargs
    )


@pytest.fixture
def run() -> AutoRun:
    """Two days: Monday two Core events, Tuesday one and a Freeosk nobody can work."""
    EmployeeFactory.create(name="Ann Able")
    EmployeeFactory.create(name="Bea Busy")
    _event(14, project_name="606001-CORE-Apples")
    _event(14, project_name="606002-CORE-Bagels")
    _event(15, project_name="606003-CORE-Cheese")
    _event(15, project_name="606004-Freeosk-Dates", event_type=EventType.FREEOSK)
    started = auto_run_start(
        first_day=MON,
        last_day=MON + dt.timedelta(days=1),
        today=dt.date(2026, 12, 10),
        enqueue=False,
    )
    return auto_run_execute(run_id=started.pk)


def summaries(page: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(r"<summary>(.*?)</summary>", page, flags=re.S)
        if "day-name" in m
    ]


def test_days_are_collapsed_to_a_summary_line(manager: Client, run: AutoRun) -> None:
    page = manager.get(f"/auto/{run.pk}/").content.decode()
    assert summaries(page) == [
        "Mon 14 Dec 2 placed · 0 left out · no warnings · 0 already scheduled",
        "Tue 15 Dec 1 placed · 1 left out · no warnings · 0 already scheduled",
    ]
    assert page.count('<details class="card auto-day"') == 2
    assert 'class="card auto-day" id="d-2026-12-14" open' not in page  # collapsed


def test_left_out_events_have_their_own_section_with_reasons(manager: Client, run: AutoRun) -> None:
    page = manager.get(f"/auto/{run.pk}/").content.decode()
    section = page.split('id="left-out"', 1)[1].split("</section>", 1)[0]
    assert "606004-Freeosk-Dates" in section
    assert "Nobody has the job title" in section  # the label, not the code
    assert "no_candidates" not in page
    # only that section when filtered so
    only = manager.get(f"/auto/{run.pk}/", {"left_out": "on"}).content.decode()
    assert 'id="left-out"' in only and "606001-CORE-Apples" not in only


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"day": "2026-12-15"}, ["606003-CORE-Cheese"]),
        ({"type": "core"}, ["606001-CORE-Apples", "606002-CORE-Bagels", "606003-CORE-Cheese"]),
        ({"warnings": "on"}, []),
        ({"day": "someday"}, ["606001-CORE-Apples", "606002-CORE-Bagels", "606003-CORE-Cheese"]),
    ],
    ids=["day", "type", "with-warnings", "bad-day-ignored"],
)
def test_filters_narrow_the_proposals(
    manager: Client, run: AutoRun, query: dict[str, str], shown: list[str]
) -> None:
    response = manager.get(f"/auto/{run.pk}/", query)
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(
        r'<tr id="p\d+" class="proposal[^"]*">.*?<a href="/events/\d+/">([^<]+)</a>',
        page,
        flags=re.S,
    )
    assert sorted(rows) == shown
    # the whole run is still what "approve all" approves
    assert "Approve all open proposals (3)" in page


def test_filter_by_employee(manager: Client, run: AutoRun) -> None:
    proposal = run.proposals.exclude(employee=None).select_related("employee").first()
    assert proposal is not None and proposal.employee is not None
    ann = proposal.employee
    page = manager.get(f"/auto/{run.pk}/", {"employee": ann.pk}).content.decode()
    names = re.findall(r'<td data-label="Employee">([^<]+)<', page)
    assert names and set(names) == {ann.name}


def test_the_sticky_bar_counts_the_selection(manager: Client, run: AutoRun) -> None:
    page = manager.get(f"/auto/{run.pk}/").content.decode()
    bar = page.split('class="action-bar"', 1)[1]
    assert (
        '<span class="selection-count" data-selection-count aria-live="polite">None selected</span>'
        in bar
    )
    assert "Approve selected" in bar and "Reject the run" in bar
    assert 'src="/static/js/auto_review.js"' in page
    assert "<script>" not in page and "style=" not in page
