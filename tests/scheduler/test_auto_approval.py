"""Approval applies exactly what the run showed.

Property: over generated instances (people of every job title with days off, Core
events with and without a paired Supervisor, Lead and Juicer events, live schedules,
rotations), "approve all" on an untouched fresh run applies 100 % of its proposals,
each to the employee and start the run showed (Supervisors included). Then: approving a
Core proposal decides its Supervisor proposal too; a Supervisor event scheduled before
its Core moves to Core start + offset; an unpaired Supervisor event is never proposed;
the page and the command show the optimality line.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from employees.models import Employee, JobTitle, RotationKind
from events.models import Event, EventCondition
from events.types import EventType, default_minutes
from scheduler.auto_services import auto_run_approve, auto_run_execute, auto_run_start
from scheduler.models import AutoProposal, AutoRun, ProposalStatus, Schedule
from scheduler.services import schedule_create
from tests.employees.factories import EmployeeFactory, RotationFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 10)
MON = dt.date(2026, 12, 14)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TITLES = [
    JobTitle.CLUB_SUPERVISOR,
    JobTitle.LEAD_EVENT_SPECIALIST,
    JobTitle.LEAD_EVENT_SPECIALIST,
    JobTitle.JUICER_BARISTA,
    JobTitle.EVENT_SPECIALIST,
    JobTitle.EVENT_SPECIALIST,
]
KINDS = [
    EventType.CORE,
    EventType.CORE,
    EventType.CORE,
    EventType.FREEOSK,
    EventType.DIGITAL_SETUP,
    EventType.JUICER_PRODUCTION,
    EventType.OTHER,
]
NAMES: dict[str, str] = {
    EventType.CORE: "CORE",
    EventType.FREEOSK: "FREEOSK",
    EventType.DIGITAL_SETUP: "DIGITAL-SETUP",
    EventType.JUICER_PRODUCTION: "JUICER",
    EventType.OTHER: "OTHER",
    EventType.SUPERVISOR: "Supervisor",
}


@pytest.fixture(autouse=True)
def _short_runs(settings: Any) -> None:
    settings.AUTO_SCHEDULER_TIME_LIMIT = 3.0
    settings.AUTO_SCHEDULER_ENABLED = True


def _event(kind: str, number: int, first: int, days: int, **kwargs: Any) -> Event:
    start = store_local(MON.year, MON.month, MON.day) + dt.timedelta(days=first)
    return EventFactory.create(
        project_name=f"{number}-{NAMES[kind]}-Demo",
        event_type=kind,
        estimated_minutes=default_minutes(kind),
        start_datetime=start,
        due_datetime=start + dt.timedelta(days=days),
        **kwargs,
    )


def _instance(rng: random.Random) -> None:
    people = []
    for i in range(rng.randint(3, 8)):
        off = rng.sample(WEEKDAYS, rng.randint(0, 3))
        people.append(
            EmployeeFactory.create(
                name=f"Person {i:02d}",
                job_title=rng.choice(TITLES),
                **{f"available_{d}": False for d in off},
            )
        )
    for weekday in range(7):
        if rng.random() < 0.7:
            RotationFactory.create(
                weekday=weekday, kind=RotationKind.PRIMARY_LEAD, employee=rng.choice(people)
            )
        if rng.random() < 0.5:
            RotationFactory.create(
                weekday=weekday, kind=RotationKind.JUICER, employee=rng.choice(people)
            )
    number = 700000
    for _ in range(rng.randint(2, 14)):
        number += 1
        kind = rng.choice(KINDS)
        first, days = rng.randrange(5), rng.randint(1, 3)
        core = _event(kind, number, first, days)
        if kind == EventType.CORE and rng.random() < 0.6:
            _event(EventType.SUPERVISOR, number, first, days, core_event=core)
    for _ in range(rng.randint(0, 3)):
        number += 1
        busy = _event(EventType.OTHER, number, 0, 7, condition=EventCondition.SCHEDULED)
        hour = rng.randint(8, 18)
        start = store_local(MON.year, MON.month, MON.day, hour) + dt.timedelta(
            days=rng.randrange(5)
        )
        ScheduleFactory.create(event=busy, employee=rng.choice(people), start=start)


def _fresh_run() -> AutoRun:
    run = auto_run_start(
        first_day=MON, last_day=MON + dt.timedelta(days=6), today=TODAY, enqueue=False
    )
    return auto_run_execute(run_id=run.pk)


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("seed", range(24))
def test_approve_all_of_a_fresh_run_applies_every_proposal(seed: int) -> None:
    _instance(random.Random(seed))
    run = _fresh_run()
    shown = {
        p.event_id: (p.employee_id, p.start)
        for p in AutoProposal.objects.filter(run=run, status=ProposalStatus.PROPOSED)
    }
    assert len(shown) == run.placed_count
    outcomes = auto_run_approve(run=run)
    refused = [(o.proposal.event.project_name, o.message) for o in outcomes if not o.applied]
    assert refused == []
    assert len(outcomes) == len(shown)
    live = {
        s.event_id: (s.employee_id, s.start)
        for s in Schedule.objects.live().filter(event_id__in=list(shown))
    }
    assert live == shown
    run.refresh_from_db()
    assert (run.applied_count, run.refused_count) == (len(shown), 0)
    assert not AutoProposal.objects.filter(run=run, status=ProposalStatus.PROPOSED).exists()
    # No Supervisor proposed alone: each goes with its Core, at Core start + offset.
    for p in AutoProposal.objects.filter(run=run, event__event_type=EventType.SUPERVISOR):
        if p.status == ProposalStatus.APPLIED:
            assert p.event.core_event_id is not None
            core = Schedule.objects.live().get(event_id=p.event.core_event_id)
            assert p.start == core.start + dt.timedelta(hours=2)


def _pair() -> tuple[Event, Event, Employee, Employee]:
    core = _event(EventType.CORE, 800001, 0, 1)
    supervisor = _event(EventType.SUPERVISOR, 800001, 0, 1, core_event=core)
    worker = EmployeeFactory.create(name="Alex Core", job_title=JobTitle.EVENT_SPECIALIST)
    checker = EmployeeFactory.create(name="Zoe Super", job_title=JobTitle.CLUB_SUPERVISOR)
    return core, supervisor, worker, checker


def test_approving_a_core_proposal_decides_its_supervisor_proposal() -> None:
    core, supervisor, _worker, checker = _pair()
    # A second Club Supervisor, first by name: the cascade must still take the run's choice.
    EmployeeFactory.create(name="Aaron Super", job_title=JobTitle.CLUB_SUPERVISOR)
    run = _fresh_run()
    theirs = AutoProposal.objects.get(run=run, event=supervisor)
    assert theirs.with_core_id == core.pk
    mine = AutoProposal.objects.get(run=run, event=core)
    outcomes = auto_run_approve(run=run, proposal_ids=[mine.pk])
    assert [(o.proposal.event_id, o.applied) for o in outcomes] == [
        (core.pk, True),
        (supervisor.pk, True),
    ]
    theirs.refresh_from_db()
    assert theirs.status == ProposalStatus.APPLIED
    live = Schedule.objects.live().get(event=supervisor)
    assert (live.employee_id, live.start) == (theirs.employee_id, theirs.start)
    run.refresh_from_db()
    assert run.status == "approved"
    assert not AutoProposal.objects.filter(run=run, status=ProposalStatus.PROPOSED).exists()
    assert checker.pk in {theirs.employee_id}


def test_a_supervisor_scheduled_before_its_core_moves_with_it() -> None:
    core, supervisor, worker, checker = _pair()
    early = store_local(MON.year, MON.month, MON.day, 12, 45)
    schedule_create(event=supervisor, employee=checker, start=early)
    start = store_local(MON.year, MON.month, MON.day, 11, 15)
    result = schedule_create(event=core, employee=worker, start=start)
    assert result.supervisor is not None and result.supervisor.schedule is not None
    moved = Schedule.objects.live().get(event=supervisor)
    assert moved.start == start + dt.timedelta(hours=2)
    assert moved.employee_id == checker.pk


def test_an_unpaired_supervisor_event_is_never_proposed() -> None:
    EmployeeFactory.create(name="Zoe Super", job_title=JobTitle.CLUB_SUPERVISOR)
    alone = _event(EventType.SUPERVISOR, 800002, 0, 2)
    run = _fresh_run()
    proposal = AutoProposal.objects.get(run=run, event=alone)
    assert proposal.status == ProposalStatus.UNPLACED
    assert [r["code"] for r in proposal.reasons] == ["core_not_scheduled"]


def test_the_page_and_the_command_show_the_optimality_line(reader: Client) -> None:
    _pair()
    run = _fresh_run()
    assert run.optimality["placed"] == 2
    assert run.optimality["proven"] is True
    line = (
        "Proven optimal: 2 events placed, the most any plan can place, then the most "
        f"urgent and preferred ones ({run.optimality['seconds']:.1f} s)."
    )
    assert run.optimality_line == line
    response = reader.get(f"/auto/{run.pk}/")
    assert line in response.content.decode()
    out = io.StringIO()
    call_command("auto_schedule", "--from", "2026-12-14", "--to", "2026-12-20", stdout=out)
    assert "events placed" in out.getvalue()


def test_the_page_counts_no_supervisor_its_core_approval_decided(manager: Client) -> None:
    core, supervisor, _worker, _checker = _pair()
    other = _event(EventType.CORE, 800003, 0, 1)
    _event(EventType.SUPERVISOR, 800003, 0, 1, core_event=other)
    EmployeeFactory.create(name="Bo Core", job_title=JobTitle.EVENT_SPECIALIST)
    EmployeeFactory.create(name="Yan Super", job_title=JobTitle.CLUB_SUPERVISOR)
    run = _fresh_run()
    assert run.placed_count == 4
    mine = AutoProposal.objects.get(run=run, event=core)
    page = manager.get(f"/auto/{run.pk}/").content.decode()
    assert "Approve all open proposals (4)" in page
    response = manager.post(
        f"/auto/{run.pk}/approve/", {"which": "selected", "proposal": [mine.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Approved: 2 scheduled." in page
    assert "Approve all open proposals (2)" in page
    theirs = AutoProposal.objects.get(run=run, event=supervisor)
    assert (theirs.status, theirs.get_status_display()) == ("applied", "Applied")


def test_a_supervisor_the_run_left_out_is_marked_applied_when_the_cascade_schedules_it() -> None:
    core = _event(EventType.CORE, 800004, 0, 1)
    supervisor = _event(EventType.SUPERVISOR, 800004, 0, 1, core_event=core)
    EmployeeFactory.create(name="Alex Core", job_title=JobTitle.EVENT_SPECIALIST)
    run = _fresh_run()
    left_out = AutoProposal.objects.get(run=run, event=supervisor)
    assert (left_out.status, [r["code"] for r in left_out.reasons]) == (
        ProposalStatus.UNPLACED,
        ["no_supervisor"],
    )
    # A Club Supervisor is hired before the approval: the cascade schedules the check-in.
    checker = EmployeeFactory.create(name="Zoe Super", job_title=JobTitle.CLUB_SUPERVISOR)
    outcomes = auto_run_approve(run=run)
    assert [o.applied for o in outcomes] == [True]
    left_out.refresh_from_db()
    live = Schedule.objects.live().get(event=supervisor)
    assert (left_out.status, left_out.employee_id, left_out.start) == (
        ProposalStatus.APPLIED,
        checker.pk,
        live.start,
    )
    assert left_out.schedule_id == live.pk
    assert left_out.outcome == "Scheduled with its Core event by the cascade (to Zoe Super)."
