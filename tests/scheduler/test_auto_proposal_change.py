"""A proposal's "change employee" choices load on demand, as the day page's row actions:
the review page carries a link per proposal (the page without JavaScript) and the
fragment URL, not a list of every employee per proposal. So the review page grows
linearly in proposals and employees, and the choices run a constant number of queries
whatever the number of employees."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from employees.models import Employee, JobTitle
from events.models import Event
from scheduler.auto_services import auto_run_execute, auto_run_start, proposal_drop
from scheduler.models import AutoProposal, AutoRun, ProposalStatus
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def enabled(settings: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = True
    settings.AUTO_SCHEDULER_TIME_LIMIT = 3.0


def _run(n: int) -> AutoRun:
    """n employees (Specialists) and n Core events on Monday: n proposals."""
    for i in range(n):
        EmployeeFactory.create(name=f"Worker {i:03d}", job_title=JobTitle.EVENT_SPECIALIST)
        start = store_local(2026, 12, 14)
        EventFactory.create(
            project_name=f"{600100 + i}-CORE-Demo",
            start_datetime=start,
            due_datetime=start + dt.timedelta(days=1),
        )
    run = auto_run_start(first_day=MON, last_day=MON, today=dt.date(2026, 12, 10), enqueue=False)
    return auto_run_execute(run_id=run.pk)


def _clear() -> None:
    AutoProposal.objects.all().delete()
    AutoRun.objects.all().delete()
    Event.objects.all().delete()
    Employee.objects.all().delete()


def test_the_review_page_grows_linearly_in_proposals_and_employees(manager: Client) -> None:
    sizes, pages = (4, 8, 16), []
    for n in sizes:
        run = _run(n)
        assert run.placed_count == n
        pages.append(manager.get(f"/auto/{run.pk}/").content)
        _clear()
    sizes_bytes = [len(p) for p in pages]
    options = [p.count(b"<option") for p in pages]
    # Linear: twice the step (4 -> 8, then 8 -> 16) adds about twice as much; one
    # employee list per proposal (n x n) would add four times as much.
    assert sizes_bytes[2] - sizes_bytes[1] <= 2.5 * (sizes_bytes[1] - sizes_bytes[0])
    assert options[2] - options[1] <= 2 * (options[1] - options[0])
    # The options left on the page: the filters' (a day, the types, the employees).
    assert options[2] - options[1] == 8
    # Each proposal carries the fragment's URL and the page's link, not the choices.
    page = pages[2].decode()
    assert page.count('data-fragment="/auto/proposals/') == 16
    assert len(re.findall(r'href="/auto/proposals/\d+/change/"', page)) == 16
    assert 'name="employee" id="e' not in page
    assert "js/row_actions.js" in page


def test_the_choices_judge_every_employee_in_constant_queries(manager: Client) -> None:
    run = _run(2)
    proposal = AutoProposal.objects.filter(run=run).order_by("pk").first()
    assert proposal is not None and proposal.start is not None
    url = f"/auto/proposals/{proposal.pk}/change/fragment/"
    before, response = count_queries(lambda: manager.get(url))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment
    assert body.count("<option") == 2
    assert f'action="/auto/proposals/{proposal.pk}/update/"' in body
    # The proposed employee first, selected; the other one works the other Core event.
    first = re.search(r"<option[^>]*>([^<]*)</option>", body)
    assert first is not None and "selected" in first.group(0)
    assert "(proposed) — Eligible" in first.group(1)
    assert "Blocked then:" in body
    assert "1 of 2 active employees can work it at" in body
    # More employees, one busy live at that time: the same number of queries.
    for i in range(6):
        EmployeeFactory.create(name=f"Extra {i}", job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    ScheduleFactory.create(employee=Employee.objects.get(name="Extra 0"), start=proposal.start)
    after, response = count_queries(lambda: manager.get(url))
    assert response.status_code == 200
    assert before == after
    assert response.content.decode().count("<option") == 8
    assert "7 of 8 active employees" not in response.content.decode()  # Extra 0 is busy
    assert "6 of 8 active employees can work it" in response.content.decode()


def test_without_javascript_the_choices_have_a_page_of_their_own(manager: Client) -> None:
    run = _run(1)
    proposal = AutoProposal.objects.get(run=run)
    response = manager.get(f"/auto/proposals/{proposal.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert f'href="/auto/{run.pk}/#p{proposal.pk}"' in body
    assert f'action="/auto/proposals/{proposal.pk}/update/"' in body
    assert "Re-check and save" in body


def test_a_proposal_that_can_no_longer_change_says_so(manager: Client) -> None:
    run = _run(1)
    proposal = AutoProposal.objects.get(run=run)
    proposal_drop(proposal=proposal)
    body = manager.get(f"/auto/proposals/{proposal.pk}/change/fragment/").content.decode()
    assert "This proposal can no longer change (dropped)" in body
    assert "<select" not in body
    assert AutoProposal.objects.get(pk=proposal.pk).status == ProposalStatus.DROPPED


def test_the_choices_need_a_manager_the_feature_and_a_proposal(
    settings: Any, manager: Client, reader: Client
) -> None:
    run = _run(1)
    proposal = AutoProposal.objects.get(run=run)
    for url in (
        f"/auto/proposals/{proposal.pk}/change/fragment/",
        f"/auto/proposals/{proposal.pk}/change/",
    ):
        assert reader.get(url).status_code == 403
        assert manager.post(url).status_code == 405
    assert manager.get("/auto/proposals/999999/change/fragment/").status_code == 404
    assert manager.get("/auto/proposals/999999/change/").status_code == 404
    settings.AUTO_SCHEDULER_ENABLED = False
    assert manager.get(f"/auto/proposals/{proposal.pk}/change/").status_code == 400
