"""Auto-scheduler pages: feature flag, roles, start, progress, review, edit, approve,
reject; constant queries on the review page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from employees.models import JobTitle
from events.types import EventType
from scheduler.auto_services import auto_run_execute, auto_run_start
from scheduler.models import AutoProposal, AutoRun, AutoRunStatus, ProposalStatus, Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

NOW = store_local(2026, 12, 10, 8, 0)  # Thursday; 3 buffer days: from Sunday 13th
MON = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def enabled(settings: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = True


@pytest.fixture
def thursday() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _core(**kwargs: Any) -> Any:
    start = store_local(2026, 12, 14)
    return EventFactory.create(
        start_datetime=start, due_datetime=start + dt.timedelta(days=1), **kwargs
    )


def _run(n_events: int = 2) -> AutoRun:
    for i in range(n_events):
        EmployeeFactory.create(name=f"Worker {i:03d}")
        _core()
    run = auto_run_start(first_day=MON, last_day=MON, today=NOW.date(), enqueue=False)
    return auto_run_execute(run_id=run.pk)


def test_pages_are_off_with_the_feature(settings: Any, manager: Client) -> None:
    settings.AUTO_SCHEDULER_ENABLED = False
    response = manager.get("/auto/")
    assert response.status_code == 400
    assert b"AUTO_SCHEDULER_ENABLED" in response.content
    response = manager.post("/auto/start/", {"first_day": "2026-12-14", "last_day": "2026-12-15"})
    assert response.status_code == 400
    assert AutoRun.objects.count() == 0
    assert b"Auto-schedule</a>" not in manager.get("/day/2026-12-14/").content


def test_nav_links_the_pages_when_enabled(manager: Client) -> None:
    assert b'href="/auto/"' in manager.get("/day/2026-12-14/").content


def test_anonymous_users_sign_in_first(client: Client) -> None:
    response = client.get("/auto/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_readers_see_runs_but_change_nothing(reader: Client) -> None:
    run = _run()
    assert reader.get("/auto/").status_code == 200
    page = reader.get(f"/auto/{run.pk}/")
    assert page.status_code == 200
    assert b"Approve all" not in page.content
    proposal = AutoProposal.objects.filter(run=run).first()
    assert proposal is not None
    for url, data in [
        ("/auto/start/", {"first_day": "2026-12-14", "last_day": "2026-12-14"}),
        (f"/auto/{run.pk}/approve/", {"which": "all"}),
        (f"/auto/{run.pk}/reject/", {}),
        (f"/auto/proposals/{proposal.pk}/drop/", {}),
        (f"/auto/proposals/{proposal.pk}/update/", {"time": "11:15"}),
    ]:
        assert reader.post(url, data).status_code == 403, url
    assert Schedule.objects.count() == 0
    assert AutoRun.objects.count() == 1
    assert AutoProposal.objects.filter(status=ProposalStatus.PROPOSED).count() == 2


def test_start_runs_and_shows_the_result(
    thursday: None, manager: Client, django_capture_on_commit_callbacks: Any
) -> None:
    EmployeeFactory.create()
    _core()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            "/auto/start/", {"first_day": "2026-12-14", "last_day": "2026-12-18"}
        )
    run = AutoRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/auto/{run.pk}/"
    assert run.status == AutoRunStatus.PROPOSED  # the immediate backend ran it on commit
    body = manager.get(response["Location"]).content.decode()
    assert "1</strong> proposed" in body
    assert 'max="1" value="1"' in body  # the finished progress bar
    assert Schedule.objects.count() == 0


def test_start_refuses_bad_input(manager: Client) -> None:
    for data in [
        {"first_day": "2026-12-14", "last_day": "2026-12-01"},
        {"first_day": "nope", "last_day": "2026-12-01"},
        {},
    ]:
        response = manager.post("/auto/start/", data, follow=True)
        assert response.status_code == 200
        assert b"Not started" in response.content
    assert AutoRun.objects.count() == 0


def test_progress_endpoint(manager: Client) -> None:
    run = auto_run_start(first_day=MON, last_day=MON, today=NOW.date(), enqueue=False)
    body = manager.get(f"/auto/{run.pk}/progress/").json()
    assert body == {
        "status": "queued",
        "done": 0,
        "total": 0,
        "percent": 0,
        "finished": False,
        "placed": 0,
        "unplaced": 0,
    }
    page = manager.get(f"/auto/{run.pk}/")
    assert b'id="run-progress"' in page.content
    assert b"js/progress.js" in page.content
    _run(1)
    body = manager.get(f"/auto/{run.pk}/progress/").json()
    assert body["status"] == "queued"  # still that one; the other run finished
    assert manager.get("/auto/999999/progress/").status_code == 404


def test_review_shows_proposals_beside_the_day_s_live_schedules(manager: Client) -> None:
    run = _run()
    ScheduleFactory.create(start=store_local(2026, 12, 14, 9, 0))
    body = manager.get(f"/auto/{run.pk}/").content.decode()
    assert body.count('class="proposal is-proposed') == 2
    assert "Already scheduled" in body
    assert "Approve all open proposals (2)" in body


def test_review_page_runs_constant_queries(manager: Client) -> None:
    small = _run(2)
    before, response = count_queries(lambda: manager.get(f"/auto/{small.pk}/"))
    assert response.status_code == 200
    AutoProposal.objects.all().delete()
    AutoRun.objects.all().delete()
    big = _run(8)
    for i in range(3):
        ScheduleFactory.create(start=store_local(2026, 12, 14, 9, i))
    after, response = count_queries(lambda: manager.get(f"/auto/{big.pk}/"))
    assert response.status_code == 200
    assert before == after


def test_runs_list_runs_constant_queries(manager: Client) -> None:
    _run(1)
    before, _ = count_queries(lambda: manager.get("/auto/"))
    for _ in range(3):
        auto_run_start(first_day=MON, last_day=MON, today=NOW.date(), enqueue=False)
    after, response = count_queries(lambda: manager.get("/auto/"))
    assert response.status_code == 200
    assert before == after


def test_approve_all_and_selected(manager: Client) -> None:
    run = _run(3)
    first = AutoProposal.objects.filter(run=run).order_by("pk").first()
    assert first is not None
    response = manager.post(
        f"/auto/{run.pk}/approve/", {"which": "selected", "proposal": [first.pk]}, follow=True
    )
    assert b"Approved: 1 scheduled." in response.content
    assert list(Schedule.objects.live().values_list("event_id", flat=True)) == [first.event_id]
    response = manager.post(f"/auto/{run.pk}/approve/", {"which": "selected"}, follow=True)
    assert b"Select the proposals" in response.content
    response = manager.post(f"/auto/{run.pk}/approve/", {"which": "all"}, follow=True)
    assert b"Approved: 2 scheduled." in response.content
    assert Schedule.objects.live().count() == 3
    response = manager.post(f"/auto/{run.pk}/approve/", {"which": "all"}, follow=True)
    assert b"Not approved" in response.content
    assert Schedule.objects.live().count() == 3


def test_approval_reports_a_refused_proposal(manager: Client) -> None:
    run = _run(2)
    proposal = AutoProposal.objects.filter(run=run).order_by("pk").first()
    assert proposal is not None
    ScheduleFactory.create(employee=proposal.employee, start=proposal.start)
    response = manager.post(f"/auto/{run.pk}/approve/", {"which": "all"}, follow=True)
    body = response.content.decode()
    assert "Approved: 1 scheduled. 1 refused now" in body
    assert "Refused now, something changed since the run: " in body
    assert "already works a Core event that day" in body


def test_reject(manager: Client) -> None:
    run = _run()
    response = manager.post(f"/auto/{run.pk}/reject/", follow=True)
    assert b"Run rejected" in response.content
    assert AutoProposal.objects.count() == 0
    assert Schedule.objects.count() == 0
    response = manager.post(f"/auto/{run.pk}/reject/", follow=True)
    assert b"Not rejected" in response.content


def test_edit_and_drop_a_proposal(manager: Client) -> None:
    run = _run(1)
    proposal = AutoProposal.objects.get(run=run)
    barista = EmployeeFactory.create(job_title=JobTitle.JUICER_BARISTA, name="Bea Barista")
    response = manager.post(
        f"/auto/proposals/{proposal.pk}/update/",
        {"employee": barista.pk, "date": "2026-12-14", "time": "11:15"},
        follow=True,
    )
    assert b"now Bea Barista" in response.content
    proposal.refresh_from_db()
    assert (proposal.employee_id, proposal.start) == (barista.pk, store_local(2026, 12, 14, 11, 15))
    # Outside the window: refused, unchanged.
    response = manager.post(
        f"/auto/proposals/{proposal.pk}/update/", {"date": "2026-12-20"}, follow=True
    )
    assert b"breaks a scheduling rule" in response.content
    proposal.refresh_from_db()
    assert proposal.start == store_local(2026, 12, 14, 11, 15)
    response = manager.post(
        f"/auto/proposals/{proposal.pk}/update/", {"employee": "999999"}, follow=True
    )
    assert b"Not changed" in response.content
    response = manager.post(f"/auto/proposals/{proposal.pk}/drop/", follow=True)
    assert b"Dropped" in response.content
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DROPPED
    response = manager.post(f"/auto/proposals/{proposal.pk}/drop/", follow=True)
    assert b"Not dropped" in response.content
    assert manager.post("/auto/proposals/999999/drop/").status_code == 404


def test_a_supervisor_proposal_follows_its_core(manager: Client) -> None:
    EmployeeFactory.create(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR)
    core = _core(project_name="606034-CORE-Super Pretzel")
    _core(
        project_name="606034-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        estimated_minutes=5,
        core_event=core,
    )
    run = auto_run_execute(
        run_id=auto_run_start(first_day=MON, last_day=MON, today=NOW.date(), enqueue=False).pk
    )
    supervisor = AutoProposal.objects.get(run=run, with_core=core)
    response = manager.post(
        f"/auto/proposals/{supervisor.pk}/update/", {"time": "13:00"}, follow=True
    )
    assert b"follows its Core event" in response.content
    response = manager.post(
        f"/auto/{run.pk}/approve/", {"which": "selected", "proposal": [supervisor.pk]}, follow=True
    )
    assert b"1 refused now" in response.content
    assert Schedule.objects.count() == 0
