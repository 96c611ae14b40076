"""Auto-scheduler runs against the database: proposals only, approval through the
scheduling services, stale proposals refused alone, reject leaves nothing, constant
queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import ConflictError
from employees.models import Employee, JobTitle
from events.models import Event
from events.types import EventType
from scheduler.auto_services import (
    auto_run_approve,
    auto_run_execute,
    auto_run_reject,
    auto_run_start,
    proposal_drop,
    proposal_update,
)
from scheduler.models import (
    AutoProposal,
    AutoRun,
    AutoRunStatus,
    ChangeSource,
    ProposalStatus,
    Schedule,
    ScheduleChange,
)
from scheduler.services import RuleViolationError
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 10)  # a Thursday; with 3 buffer days nothing before Sunday 13th
MON = dt.date(2026, 12, 14)


def _run(**kwargs: Any) -> AutoRun:
    run = auto_run_start(
        first_day=kwargs.pop("first_day", MON),
        last_day=kwargs.pop("last_day", MON + dt.timedelta(days=4)),
        today=kwargs.pop("today", TODAY),
        enqueue=False,
        **kwargs,
    )
    return auto_run_execute(run_id=run.pk)


def _core(day: dt.date = MON, days: int = 1, **kwargs: Any) -> Event:
    start = store_local(day.year, day.month, day.day)
    return EventFactory.create(
        start_datetime=start, due_datetime=start + dt.timedelta(days=days), **kwargs
    )


def _people(n: int, title: str = JobTitle.EVENT_SPECIALIST) -> list[Employee]:
    return [EmployeeFactory.create(name=f"Person {title} {i}", job_title=title) for i in range(n)]


def test_a_run_proposes_and_changes_nothing_live() -> None:
    _people(2)
    events = [_core() for _ in range(2)]
    run = _run()
    assert run.status == AutoRunStatus.PROPOSED
    assert (run.placed_count, run.unplaced_count) == (2, 0)
    assert (run.progress_done, run.progress_total) == (2, 2)
    assert Schedule.objects.count() == 0
    assert ScheduleChange.objects.count() == 0
    proposals = AutoProposal.objects.filter(run=run)
    assert {p.event_id for p in proposals} == {e.pk for e in events}
    assert all(p.status == ProposalStatus.PROPOSED and p.start for p in proposals)


def test_approval_creates_schedules_through_the_services_with_source_auto(
    manager_user: Any,
) -> None:
    lead = EmployeeFactory.create(job_title=JobTitle.LEAD_EVENT_SPECIALIST)
    boss = EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR)
    core = _core(project_name="606034-CORE-Super Pretzel")
    supervisor = _core(
        project_name="606034-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        estimated_minutes=5,
        core_event=core,
    )
    run = _run()
    assert run.placed_count == 2
    outcomes = auto_run_approve(run=run, by=manager_user)
    assert [o.applied for o in outcomes] == [True, True]
    live = {s.event_id: s for s in Schedule.objects.live()}
    assert live[core.pk].employee_id == lead.pk
    assert live[supervisor.pk].employee_id == boss.pk
    assert live[supervisor.pk].start == live[core.pk].start + dt.timedelta(hours=2)
    assert set(ScheduleChange.objects.values_list("source", flat=True)) == {ChangeSource.AUTO}
    run.refresh_from_db()
    assert (run.status, run.applied_count, run.refused_count) == ("approved", 2, 0)
    assert run.decided_by == manager_user


def test_a_stale_proposal_is_refused_alone() -> None:
    _people(2)
    a, b = _core(), _core()
    run = _run()
    taken = AutoProposal.objects.get(run=run, event=a)
    # Meanwhile a manager books that person on another Core event the same day.
    ScheduleFactory.create(employee=taken.employee, start=taken.start)
    outcomes = {o.proposal.event_id: o for o in auto_run_approve(run=run)}
    assert outcomes[a.pk].applied is False
    # The refusal says what changed, in words (the codes stay in the errors).
    assert outcomes[a.pk].message.startswith("Refused now, something changed since the run: ")
    assert "already works a Core event that day" in outcomes[a.pk].message
    assert {e["code"] for e in outcomes[a.pk].errors} >= {"core_daily_limit", "overlap"}
    assert outcomes[b.pk].applied is True
    assert not Schedule.objects.live().filter(event=a).exists()
    assert Schedule.objects.live().filter(event=b).count() == 1
    taken.refresh_from_db()
    assert taken.status == ProposalStatus.REFUSED
    run.refresh_from_db()
    assert (run.applied_count, run.refused_count) == (1, 1)


def test_approve_selected_leaves_the_rest_open() -> None:
    _people(2)
    a, b = _core(), _core()
    run = _run()
    chosen = AutoProposal.objects.get(run=run, event=a)
    auto_run_approve(run=run, proposal_ids=[chosen.pk])
    assert list(Schedule.objects.live().values_list("event_id", flat=True)) == [a.pk]
    run.refresh_from_db()
    assert run.status == AutoRunStatus.PROPOSED
    assert AutoProposal.objects.get(run=run, event=b).status == ProposalStatus.PROPOSED


def test_reject_leaves_nothing_behind() -> None:
    _people(2)
    _core(), _core()
    run = _run()
    auto_run_reject(run=run)
    run.refresh_from_db()
    assert run.status == AutoRunStatus.REJECTED
    assert AutoProposal.objects.count() == 0
    assert Schedule.objects.count() == 0
    assert ScheduleChange.objects.count() == 0
    with pytest.raises(ConflictError):
        auto_run_approve(run=run)


def test_a_decided_run_cannot_be_decided_again() -> None:
    _people(1)
    _core()
    run = _run()
    auto_run_approve(run=run)
    with pytest.raises(ConflictError):
        auto_run_reject(run=run)
    assert Schedule.objects.count() == 1


def test_never_auto_schedule_and_closed_events_are_left_alone() -> None:
    _people(3)
    kept = _core()
    _core(never_auto_schedule=True)
    _core(condition="canceled")
    run = _run()
    assert list(AutoProposal.objects.filter(run=run).values_list("event_id", flat=True)) == [
        kept.pk
    ]


def test_buffer_days_hold_back_the_earliest_day(settings: Any) -> None:
    settings.AUTO_SCHEDULER_BUFFER_DAYS = 5
    _people(1)
    event = _core(day=MON, days=5)
    run = _run(today=TODAY)  # earliest = Dec 15
    assert run.earliest_day == dt.date(2026, 12, 15)
    proposal = AutoProposal.objects.get(run=run, event=event)
    assert proposal.start is not None
    assert proposal.start.date() >= dt.date(2026, 12, 15)


def test_unplaced_events_carry_their_reasons() -> None:
    _people(1, JobTitle.JUICER_BARISTA)  # may not work Freeosk
    freeosk = _core(event_type=EventType.FREEOSK, estimated_minutes=30)
    run = _run()
    proposal = AutoProposal.objects.get(run=run, event=freeosk)
    assert proposal.status == ProposalStatus.UNPLACED
    assert proposal.reasons[0]["code"] == "no_candidates"


def test_editing_a_proposal_is_re_checked() -> None:
    (worker,) = _people(1)
    barista = EmployeeFactory.create(job_title=JobTitle.JUICER_BARISTA)
    off = EmployeeFactory.create(job_title=JobTitle.EVENT_SPECIALIST, available_mon=False)
    _core()
    run = _run()
    proposal = AutoProposal.objects.get(run=run)
    before = (proposal.employee_id, proposal.start)
    with pytest.raises(RuleViolationError) as refused:
        proposal_update(proposal=proposal, employee=off)  # Monday is hard for auto
    assert [e["code"] for e in refused.value.errors] == ["weekly_unavailable"]
    proposal.refresh_from_db()
    assert (proposal.employee_id, proposal.start) == before
    later = store_local(2026, 12, 14, 11, 45)
    changed = proposal_update(proposal=proposal, employee=barista, start=later)
    assert (changed.employee_id, changed.start) == (barista.pk, later)
    assert worker.pk != barista.pk


def test_dropped_proposals_are_not_applied() -> None:
    _people(2)
    a, b = _core(), _core()
    run = _run()
    proposal_drop(proposal=AutoProposal.objects.get(run=run, event=a))
    auto_run_approve(run=run)
    assert list(Schedule.objects.live().values_list("event_id", flat=True)) == [b.pk]
    with pytest.raises(ConflictError):
        proposal_drop(proposal=AutoProposal.objects.get(run=run, event=a))


def test_without_required_approval_a_run_applies_itself(settings: Any) -> None:
    settings.AUTO_SCHEDULER_REQUIRE_APPROVAL = False
    _people(1)
    _core()
    run = _run()
    assert run.status == AutoRunStatus.APPROVED
    assert Schedule.objects.live().count() == 1


def test_a_run_executes_as_a_background_task(django_capture_on_commit_callbacks: Any) -> None:
    _people(1)
    _core()
    with django_capture_on_commit_callbacks(execute=True):
        run = auto_run_start(first_day=MON, last_day=MON, today=TODAY)
    run.refresh_from_db()
    assert (run.status, run.placed_count) == (AutoRunStatus.PROPOSED, 1)
    with pytest.raises(ConflictError):
        auto_run_execute(run_id=run.pk)


def test_bad_horizons_are_refused() -> None:
    from core.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError):
        auto_run_start(first_day=MON, last_day=MON - dt.timedelta(days=1), enqueue=False)
    with pytest.raises(InvalidInputError):
        auto_run_start(first_day=MON, last_day=MON + dt.timedelta(days=400), enqueue=False)
    assert AutoRun.objects.count() == 0


def test_query_count_of_a_run_is_constant_in_the_number_of_events() -> None:
    boss = EmployeeFactory.create(job_title=JobTitle.CLUB_SUPERVISOR)
    _people(6)
    _core(), _core()

    def measure() -> int:
        run = auto_run_start(first_day=MON, last_day=MON, today=TODAY, enqueue=False)
        with CaptureQueriesContext(connection) as captured:
            auto_run_execute(run_id=run.pk)
        AutoProposal.objects.filter(run=run).delete()
        return len(captured)

    few = measure()
    for i in range(5):
        core = _core(project_name=f"60{i:04d}-CORE-More")
        _core(
            project_name=f"60{i:04d}-Supervisor-More",
            event_type=EventType.SUPERVISOR,
            estimated_minutes=5,
            core_event=core,
        )
    many = measure()
    assert few == many
    assert boss.pk


def test_the_command_runs_and_approves(settings: Any, capsys: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = True
    _people(1)
    _core()
    call_command("auto_schedule", "--from", "2026-12-14", "--to", "2026-12-18", "--approve")
    out, err = capsys.readouterr()
    assert "1 proposed, 0 could not be placed" in out
    assert "Approved: 1 applied, 0 refused." in out
    assert "100% 1/1 events" in err
    assert Schedule.objects.live().count() == 1


def test_the_command_needs_the_feature_and_good_dates(settings: Any) -> None:
    settings.AUTO_SCHEDULER_ENABLED = False
    with pytest.raises(CommandError, match="AUTO_SCHEDULER_ENABLED"):
        call_command("auto_schedule")
    settings.AUTO_SCHEDULER_ENABLED = True
    with pytest.raises(CommandError, match="Not a date"):
        call_command("auto_schedule", "--from", "2026-13-01")
    with pytest.raises(CommandError, match="before the first day"):
        call_command("auto_schedule", "--from", "2026-12-14", "--to", "2026-12-01")
    assert AutoRun.objects.count() == 0
