"""The auto-scheduler's reads and writes: start a run, execute it, edit, approve, reject.

A run reads everything for its horizon in a constant number of queries, computes in
memory (`scheduler.auto`), and writes only its own rows (`AutoRun`, `AutoProposal`):
live schedules change only at approval, and approval goes through
`scheduler.services.schedule_create` (source `auto`, context `auto`) — the same locks,
rules, Supervisor cascade and audit trail as a manager scheduling by hand.

Approval runs in one transaction; each proposal gets its own savepoint, so one that the
rules now refuse (data changed since the run) rolls back alone and is reported with the
rule codes. Warnings the run showed next to a proposal count as acknowledged by the
approving manager; a warning that appeared since refuses that proposal.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import days_range, local_date
from core.exceptions import ConflictError, InvalidInputError, NotFoundError
from employees.models import Employee
from employees.selectors import rotations_between
from events.models import Event, EventCondition
from events.types import EventType
from scheduler import auto, auto_optimize
from scheduler.models import (
    AutoProposal,
    AutoRun,
    AutoRunStatus,
    ChangeSource,
    ProposalStatus,
)
from scheduler.rules import Booking, Context, Snapshot, check
from scheduler.services import (
    RuleViolationError,
    UnacknowledgedWarningsError,
    schedule_create,
)
from scheduler.snapshot import employee_facts, event_facts, load_snapshot

logger = logging.getLogger(__name__)

# Conditions of events the auto-scheduler may place (others are done, cancelled, …).
OPEN_CONDITIONS = (EventCondition.UNSTAFFED, EventCondition.REISSUED)
PROGRESS_STEPS = 10


@dataclass(frozen=True)
class AutoSettings:
    buffer_days: int
    horizon_days: int
    require_approval: bool
    time_limit: float


def auto_settings() -> AutoSettings:
    return AutoSettings(
        buffer_days=settings.AUTO_SCHEDULER_BUFFER_DAYS,
        horizon_days=settings.AUTO_SCHEDULER_HORIZON_DAYS,
        require_approval=settings.AUTO_SCHEDULER_REQUIRE_APPROVAL,
        time_limit=settings.AUTO_SCHEDULER_TIME_LIMIT,
    )


def default_horizon(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=auto_settings().horizon_days)


# --- loading a problem (constant number of queries) -----------------------------------


def candidate_events(*, earliest: dt.date, last: dt.date) -> Any:
    """Unscheduled, open events whose window meets the days earliest..last (a queryset)."""
    range_start, range_end = days_range(earliest, last)
    return (
        Event.objects.unscheduled()
        .overlapping(range_start, range_end)
        .filter(
            condition__in=OPEN_CONDITIONS,
            never_auto_schedule=False,
            upstream_missing_since__isnull=True,
        )
        .select_related("core_event")
        .order_by("due_datetime", "pk")
    )


def load_problem(*, earliest: dt.date, last: dt.date) -> auto.Problem:
    """Everything a run over earliest..last reads: nine queries, whatever its size."""
    from scheduler.models import Schedule

    events = list(candidate_events(earliest=earliest, last=last))
    employees = list(Employee.objects.active().order_by("name", "pk"))
    snapshot = load_snapshot(employee_ids=[e.pk for e in employees], first=earliest, last=last)
    ids = {e.pk for e in events}
    # Supervisor events: placed inline with their Core event when it is in the run, at
    # its live start + offset when it is live, else not at all.
    supervisor_of = {e.core_event_id: e for e in events if e.core_event_id in ids}
    core_ids = [e.core_event_id for e in events if e.core_event_id and e.core_event_id not in ids]
    live_core_start = dict(
        Schedule.objects.live().filter(event_id__in=core_ids).values_list("event_id", "start")
    )
    offset = auto.supervisor_offset()
    problem_events = []
    for event in events:
        facts = event_facts(event)
        days = auto.event_days(
            window_start=event.start_datetime,
            window_due=event.due_datetime,
            earliest=earliest,
            last=last,
            snapshot=snapshot,
        )
        supervisor = supervisor_of.get(event.pk)
        fixed_start = None
        core_missing = False
        if event.event_type == EventType.SUPERVISOR:
            # Never proposed alone: at its live Core's start + offset, with its Core in
            # the run, or not at all (no Core, or one that cannot be scheduled).
            if event.core_event_id in live_core_start:
                fixed_start = live_core_start[event.core_event_id] + offset
            elif event.core_event_id is None or event.core_event_id not in ids:
                core_missing = True
        problem_events.append(
            auto.AutoEvent(
                facts=facts,
                days=days,
                supervisor=event_facts(supervisor) if supervisor is not None else None,
                fixed_start=fixed_start,
                core_missing=core_missing,
            )
        )
    # Supervisor events placed with their Core still need their own `days`.
    return auto.Problem(
        events=problem_events,
        employees=[employee_facts(e) for e in employees],
        snapshot=snapshot,
        rotations=rotations_between(earliest, last),
    )


# --- starting and executing a run ------------------------------------------------------


@transaction.atomic
def auto_run_start(
    *,
    by: Any = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    today: dt.date | None = None,
    enqueue: bool = True,
) -> AutoRun:
    """Create a queued run over first_day..last_day (default: today..+horizon) and
    enqueue it as a background task once the row is committed."""
    today = today or timezone.localdate()
    default_first, default_last = default_horizon(today)
    first_day = first_day or default_first
    last_day = last_day or default_last
    if last_day < first_day:
        raise InvalidInputError("The last day is before the first day.")
    if (last_day - first_day).days > 366:
        raise InvalidInputError("A run covers at most a year.")
    earliest = max(first_day, today + dt.timedelta(days=auto_settings().buffer_days))
    run = AutoRun(
        started_by=by if getattr(by, "is_authenticated", False) else None,
        first_day=first_day,
        last_day=last_day,
        earliest_day=earliest,
    )
    run.full_clean()
    run.save()
    if enqueue:
        from scheduler.tasks import run_auto_schedule

        run_id = run.pk
        transaction.on_commit(lambda: run_auto_schedule.enqueue(run_id=run_id))
    return run


def auto_run_execute(
    *, run_id: int, on_progress: Callable[[int, int], None] | None = None
) -> AutoRun:
    """Compute the run's proposals and store them (the body of the background task).

    A constant number of queries, whatever the number of events: the problem loads in
    nine, progress is written ten times, the proposals in one bulk insert.
    """
    run = AutoRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFoundError("No such auto-scheduler run.")
    if run.status != AutoRunStatus.QUEUED:
        raise ConflictError("This run was already executed.")
    run.status = AutoRunStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        plan, problem = _compute(run, on_progress)
        _store(run, plan, problem)
    except Exception:
        logger.exception("Auto-scheduler run %s failed", run.pk)
        AutoRun.objects.filter(pk=run.pk).update(
            status=AutoRunStatus.FAILED,
            finished_at=timezone.now(),
            error="The run failed; the error is in the server log.",
        )
        raise
    run.refresh_from_db()
    if not auto_settings().require_approval and run.status == AutoRunStatus.PROPOSED:
        auto_run_approve(run=run, by=run.started_by)
        run.refresh_from_db()
    return run


def _compute(
    run: AutoRun, on_progress: Callable[[int, int], None] | None
) -> tuple[auto.Plan, auto.Problem]:
    problem = load_problem(earliest=run.earliest_day, last=run.last_day)
    inline = {e.supervisor.id for e in problem.events if e.supervisor is not None}
    total = sum(1 for e in problem.events if e.facts.id not in inline)
    checkpoints = [math.ceil(k * total / PROGRESS_STEPS) for k in range(1, PROGRESS_STEPS + 1)]
    AutoRun.objects.filter(pk=run.pk).update(progress_total=total)
    run.progress_total = total

    def progress(done: int, total: int) -> None:
        for _ in range(checkpoints.count(done)):
            AutoRun.objects.filter(pk=run.pk).update(progress_done=done)
        if on_progress is not None:
            on_progress(done, total)

    plan, optimality = auto_optimize.optimize(
        problem, progress, time_limit=auto_settings().time_limit
    )
    run.optimality = optimality.as_dict()
    return plan, problem


def _store(run: AutoRun, plan: auto.Plan, problem: auto.Problem) -> None:
    # Approval applies proposals in this order. A Core event whose Supervisor the run
    # could not place comes last: the cascade then tries its Supervisor without taking
    # anyone another proposal needs.
    alone = {
        e.facts.id
        for e in problem.events
        if e.supervisor is not None
        and e.facts.id in plan.placements
        and e.supervisor.id not in plan.placements
    }
    order = [i for i in plan.order if i not in alone] + [i for i in plan.order if i in alone]
    position = {event_id: i for i, event_id in enumerate(order)}
    rows = [
        AutoProposal(
            run=run,
            event_id=p.event_id,
            employee_id=p.employee_id,
            start=p.start,
            end=p.end,
            with_core_id=p.with_core,
            warnings=[v.as_dict() for v in p.warnings],
            position=position.get(p.event_id, 0),
        )
        for p in plan.placements.values()
    ]
    rows += [
        AutoProposal(
            run=run,
            event_id=event_id,
            status=ProposalStatus.UNPLACED,
            reasons=reasons,
            position=position.get(event_id, 0),
        )
        for event_id, reasons in plan.unplaced.items()
    ]
    with transaction.atomic():
        AutoProposal.objects.bulk_create(rows)
        AutoRun.objects.filter(pk=run.pk).update(
            status=AutoRunStatus.PROPOSED,
            finished_at=timezone.now(),
            events_considered=len(rows),
            progress_done=run.progress_total,
            placed_count=len(plan.placements),
            unplaced_count=len(plan.unplaced),
            optimality=run.optimality,
        )


# --- review: edit and drop proposals ------------------------------------------------------


def _open_run(run: AutoRun) -> AutoRun:
    """The run, locked, as it is now; refuse unless its proposals are still open."""
    fresh = AutoRun.objects.select_for_update().filter(pk=run.pk).first()
    if fresh is None:
        raise NotFoundError("No such auto-scheduler run.")
    if not fresh.is_open:
        raise ConflictError(
            f"This run is {fresh.get_status_display().lower()}; its proposals cannot change."
        )
    return fresh


def run_snapshot(
    run: AutoRun, *, employee_ids: Collection[int], day: dt.date, leave_out: Collection[int]
) -> Snapshot:
    """Live facts around `day` plus the run's other open proposals as bookings."""
    snapshot = load_snapshot(
        employee_ids=employee_ids,
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    range_start, range_end = days_range(day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    for p in (
        AutoProposal.objects.filter(
            run=run,
            status=ProposalStatus.PROPOSED,
            employee_id__in=employee_ids,
            start__lt=range_end,
            end__gt=range_start,
        )
        .exclude(pk__in=leave_out)
        .select_related("event")
    ):
        assert p.employee_id is not None and p.start and p.end  # noqa: S101 (placed)
        snapshot.add_booking(
            p.employee_id,
            Booking(
                -p.event_id,
                p.event_id,
                p.event.project_name,
                p.event.event_type,
                p.start,
                p.end,
                p.event.store_number,
            ),
        )
    return snapshot


@transaction.atomic
def proposal_update(
    *,
    proposal: AutoProposal,
    employee: Employee | None = None,
    start: dt.datetime | None = None,
) -> AutoProposal:
    """Give a proposal another employee and/or start, re-checked by the rules engine
    against live schedules and the run's other proposals (context `auto`). A Core
    proposal's Supervisor moves with it when its employee can still take it."""
    _open_run(proposal.run)
    proposal = AutoProposal.objects.select_related("event", "employee").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ConflictError("Only an open proposal can be changed.")
    if proposal.with_core_id is not None:
        raise InvalidInputError("This Supervisor event follows its Core event; change that one.")
    new_employee = employee or proposal.employee
    new_start = start or proposal.start
    assert new_employee is not None and new_start is not None  # noqa: S101 (placed)
    supervisors = list(
        AutoProposal.objects.select_related("event").filter(
            run_id=proposal.run_id,
            with_core_id=proposal.event_id,
            status=ProposalStatus.PROPOSED,
        )
    )
    snapshot = run_snapshot(
        proposal.run,
        employee_ids={new_employee.pk, *(s.employee_id for s in supervisors if s.employee_id)},
        day=local_date(new_start),
        leave_out={proposal.pk, *(s.pk for s in supervisors)},
    )
    violations = check(
        event=event_facts(proposal.event),
        employee=employee_facts(new_employee),
        start=new_start,
        context=Context.AUTO,
        snapshot=snapshot,
    )
    if any(v.is_hard for v in violations):
        raise RuleViolationError(errors=[v.as_dict() for v in violations])
    proposal.employee = new_employee
    proposal.start = new_start.astimezone(dt.UTC)
    proposal.end = proposal.start + proposal.event.duration
    proposal.warnings = [v.as_dict() for v in violations]
    proposal.full_clean()
    proposal.save()
    moved = proposal.start + auto.supervisor_offset()
    snapshot.add_booking(
        new_employee.pk,
        Booking(
            -proposal.event_id,
            proposal.event_id,
            proposal.event.project_name,
            proposal.event.event_type,
            proposal.start,
            proposal.end,
            proposal.event.store_number,
        ),
    )
    people = Employee.objects.in_bulk([s.employee_id for s in supervisors if s.employee_id])
    for supervisor in supervisors:
        person = people[supervisor.employee_id or 0]
        found = check(
            event=event_facts(supervisor.event),
            employee=employee_facts(person),
            start=moved,
            context=Context.AUTO,
            snapshot=snapshot,
        )
        supervisor.start = moved
        supervisor.end = moved + supervisor.event.duration
        if any(v.is_hard for v in found):
            supervisor.status = ProposalStatus.UNPLACED
            supervisor.reasons = [v.as_dict() for v in found if v.is_hard]
            supervisor.warnings = []
            supervisor.outcome = "Its Core event moved; approving it lets the cascade try."
        else:
            supervisor.warnings = [v.as_dict() for v in found]
        supervisor.full_clean()
        supervisor.save()
    return proposal


@transaction.atomic
def proposal_drop(*, proposal: AutoProposal) -> AutoProposal:
    """Leave a proposal out of the run (its Supervisor proposals go with it)."""
    _open_run(proposal.run)
    proposal = AutoProposal.objects.get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ConflictError("Only an open proposal can be dropped.")
    AutoProposal.objects.filter(
        Q(pk=proposal.pk) | Q(run_id=proposal.run_id, with_core_id=proposal.event_id),
        status=ProposalStatus.PROPOSED,
    ).update(status=ProposalStatus.DROPPED)
    proposal.refresh_from_db()
    return proposal


# --- approval and rejection --------------------------------------------------------------


@dataclass
class ApprovalOutcome:
    proposal: AutoProposal
    applied: bool
    message: str
    errors: list[dict[str, Any]]


@transaction.atomic
def auto_run_approve(
    *, run: AutoRun, by: Any = None, proposal_ids: Collection[int] | None = None
) -> list[ApprovalOutcome]:
    """Apply the open proposals (all, or `proposal_ids`) through `schedule_create`.

    One transaction; a savepoint per proposal, so one refused now rolls back alone.
    Warnings the run showed are acknowledged; new ones refuse. A Supervisor proposed
    with its Core is scheduled by the Core's cascade; on its own it is refused.
    """
    run = _open_run(run)
    chosen = AutoProposal.objects.filter(run=run, status=ProposalStatus.PROPOSED)
    if proposal_ids is not None:
        # A Supervisor proposed with its Core event is decided with it: approving the
        # Core event schedules it through the cascade.
        ids = list(proposal_ids)
        cores = AutoProposal.objects.filter(run=run, pk__in=ids).values("event_id")
        chosen = chosen.filter(Q(pk__in=ids) | Q(with_core_id__in=cores))
    proposals = list(chosen.select_related("event", "employee").order_by("position", "pk"))
    supervisors_of: dict[int, list[AutoProposal]] = {}
    for p in proposals:
        if p.with_core_id is not None:
            supervisors_of.setdefault(p.with_core_id, []).append(p)
    outcomes: list[ApprovalOutcome] = []
    for proposal in proposals:
        if proposal.with_core_id is not None:
            continue  # decided with its Core below
        theirs = supervisors_of.pop(proposal.event_id, [])
        outcomes.append(_apply(proposal, by=by, supervisor=theirs[0].employee if theirs else None))
        for supervisor in theirs:
            outcomes.append(_follow(supervisor, core=outcomes[-1]))
        if not theirs and outcomes[-1].applied:
            _cascaded(run, outcomes[-1])
    for orphans in supervisors_of.values():
        for supervisor in orphans:
            outcomes.append(
                _decide(
                    supervisor,
                    applied=False,
                    message="Approve it with its Core event: it is scheduled by the Core's "
                    "cascade.",
                    errors=[],
                )
            )
    applied = sum(1 for o in outcomes if o.applied)
    run.applied_count += applied
    run.refused_count += len(outcomes) - applied
    if not AutoProposal.objects.filter(run=run, status=ProposalStatus.PROPOSED).exists():
        run.status = AutoRunStatus.APPROVED
        run.decided_at = timezone.now()
        run.decided_by = by if getattr(by, "is_authenticated", False) else None
    run.save()
    return outcomes


def _decide(
    proposal: AutoProposal,
    *,
    applied: bool,
    message: str,
    errors: list[dict[str, Any]],
    schedule_id: int | None = None,
) -> ApprovalOutcome:
    proposal.status = ProposalStatus.APPLIED if applied else ProposalStatus.REFUSED
    proposal.outcome = message[:300]
    if errors:
        proposal.reasons = errors
    proposal.schedule_id = schedule_id
    proposal.save(update_fields=["status", "outcome", "reasons", "schedule"])
    return ApprovalOutcome(proposal=proposal, applied=applied, message=message, errors=errors)


def _apply(
    proposal: AutoProposal, *, by: Any, supervisor: Employee | None = None
) -> ApprovalOutcome:
    assert proposal.employee is not None and proposal.start is not None  # noqa: S101
    acknowledged = {w["code"] for w in proposal.warnings}
    try:
        with transaction.atomic():
            result = schedule_create(
                event=proposal.event,
                employee=proposal.employee,
                start=proposal.start,
                by=by,
                acknowledge=acknowledged,
                source=ChangeSource.AUTO,
                context=Context.AUTO,
                supervisor_employee=supervisor,
            )
    except UnacknowledgedWarningsError as exc:
        errors = list(exc.errors or [])
        return _decide(
            proposal,
            applied=False,
            message="Refused now, something changed since the run: "
            + " ".join(e["message"] for e in errors if e.get("code") not in acknowledged),
            errors=errors,
        )
    except RuleViolationError as exc:
        errors = list(exc.errors or [])
        return _decide(
            proposal,
            applied=False,
            message="Refused now, something changed since the run: "
            + " ".join(e["message"] for e in errors if e.get("severity") == "hard"),
            errors=errors,
        )
    except (ConflictError, NotFoundError) as exc:
        return _decide(
            proposal,
            applied=False,
            message=f"Refused now: {exc.detail}",
            errors=[{"code": exc.code, "severity": "hard", "message": str(exc.detail)}],
        )
    proposal._supervisor = result.supervisor  # type: ignore[attr-defined]
    return _decide(
        proposal,
        applied=True,
        message=f"Scheduled {proposal.employee.name}.",
        errors=[],
        schedule_id=result.schedule.pk,
    )


def _cascaded(run: AutoRun, core: ApprovalOutcome) -> None:
    """The cascade scheduled the Supervisor event of a Core event whose Supervisor the
    run had not placed: its row says so rather than "could not place"."""
    outcome = getattr(core.proposal, "_supervisor", None)
    schedule = outcome.schedule if outcome is not None else None
    if schedule is None:
        return
    AutoProposal.objects.filter(
        run=run, event_id=schedule.event_id, status=ProposalStatus.UNPLACED
    ).update(
        status=ProposalStatus.APPLIED,
        schedule=schedule,
        employee_id=schedule.employee_id,
        start=schedule.start,
        end=schedule.end,
        with_core_id=core.proposal.event_id,
        outcome=f"Scheduled with its Core event by the cascade (to {schedule.employee.name}).",
    )


def _follow(supervisor: AutoProposal, *, core: ApprovalOutcome) -> ApprovalOutcome:
    """A Supervisor proposal decided by its Core's approval and cascade."""
    if not core.applied:
        return _decide(supervisor, applied=False, message="Its Core event was refused.", errors=[])
    outcome = getattr(core.proposal, "_supervisor", None)
    schedule = outcome.schedule if outcome is not None else None
    if schedule is None:
        reason = outcome.reason if outcome is not None else "No Supervisor event to schedule."
        return _decide(supervisor, applied=False, message=f"Not scheduled: {reason}", errors=[])
    note = "Scheduled with its Core event"
    if schedule.employee_id != supervisor.employee_id:
        note += f" (to {schedule.employee.name}, the cascade's choice)"
    return _decide(supervisor, applied=True, message=note + ".", errors=[], schedule_id=schedule.pk)


@transaction.atomic
def auto_run_reject(*, run: AutoRun, by: Any = None) -> AutoRun:
    """Reject what is still open: its proposals are deleted, nothing live changes."""
    run = _open_run(run)
    AutoProposal.objects.filter(run=run).exclude(
        status__in=[ProposalStatus.APPLIED, ProposalStatus.REFUSED]
    ).delete()
    run.status = AutoRunStatus.REJECTED
    run.decided_at = timezone.now()
    run.decided_by = by if getattr(by, "is_authenticated", False) else None
    run.save()
    return run


def auto_run_fail(*, run_id: int, message: str) -> None:
    AutoRun.objects.filter(pk=run_id).update(
        status=AutoRunStatus.FAILED, finished_at=timezone.now(), error=message[:1000]
    )
