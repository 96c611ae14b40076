"""Many schedules at once (the planning import): `schedule_create` for a batch, in a
constant number of queries.

The same rules and the same outcome as calling `schedule_create` for each request in
order — the paired Supervisor cascade, the audit rows, the "schedule changed" hook —
but read once per batch: one lock statement per table, one rules snapshot for every
employee and day of the batch (the schedules accepted earlier in the batch are added
to it in memory, so a later request sees them exactly as it would after a commit),
then one insert for the schedules and one for their audit rows. Should the database
still refuse the batch (a concurrent writer got past the locks), it is redone one
request at a time through `schedule_create`, so the outcome stays the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction

from core.dates import days_range, local_date
from core.exceptions import ApplicationError, ConflictError
from employees.models import Employee, JobTitle, RotationKind
from employees.selectors import rotations_on
from events.models import Event, EventCondition
from events.types import EventType, supervisor_offset
from scheduler.hooks import ScheduleChanged, schedule_changed
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange
from scheduler.rules import Booking, Context, Snapshot, check
from scheduler.services import (
    RuleViolationError,
    ScheduleResult,
    SupervisorOutcome,
    UnacknowledgedWarningsError,
    _enforce,
    _first_allowed,
    _lock,
    _no_supervisor_reason,
    _place,
    _snapshot_of,
    _user,
    schedule_create,
)
from scheduler.snapshot import MARGIN, employee_facts, event_facts, load_snapshot


@dataclass(frozen=True)
class ScheduleRequest:
    key: Hashable  # the caller's reference (e.g. the CSV line)
    event: Event
    employee: Employee
    start: dt.datetime


@dataclass
class BatchResult:
    created: dict[Hashable, ScheduleResult] = field(default_factory=dict)
    refused: dict[Hashable, ApplicationError] = field(default_factory=dict)


class _OneAtATime(Exception):
    """The batch needs what only `schedule_create` does; it is redone one at a time."""


@dataclass
class _Pending:
    schedule: Schedule
    note: str = ""


def _around(snapshot: Snapshot, employee_id: int, start: dt.datetime) -> Snapshot:
    """The snapshot as `schedule_check` loads it for one request: the employee's bookings
    that meet the day before to the day after (with the loader's margin), no others — the
    batch's snapshot spans all its days, and the rules would read them all."""
    day = local_date(start)
    first, after = days_range(day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    low, high = first - MARGIN, after + MARGIN
    nearby = [b for b in snapshot.bookings.get(employee_id, ()) if b.start < high and b.end > low]
    return replace(snapshot, bookings={employee_id: nearby})


def _employed_on(employee: Employee, day: dt.date) -> bool:
    return employee.is_active and (
        employee.termination_date is None or employee.termination_date > day
    )


@transaction.atomic
def schedule_create_many(
    *,
    requests: Sequence[ScheduleRequest],
    by: Any = None,
    acknowledge: Iterable[str] = (),
    source: ChangeSource = ChangeSource.API,
    context: Context = Context.MANUAL,
) -> BatchResult:
    """`schedule_create` for each request, in order, in one transaction (see the module)."""
    acknowledge = list(acknowledge)
    try:
        with transaction.atomic():
            return _create_many(
                requests, by=by, acknowledge=acknowledge, source=source, context=context
            )
    except (IntegrityError, _OneAtATime):
        # A race past the locks, or a change only `schedule_create` makes (a Supervisor
        # event scheduled before its Core event moves along): one at a time, each
        # refused or written on its own.
        pass
    result = BatchResult()
    for request in requests:
        try:
            result.created[request.key] = schedule_create(
                event=request.event,
                employee=request.employee,
                start=request.start,
                by=by,
                acknowledge=acknowledge,
                source=source,
                context=context,
            )
        except ApplicationError as exc:
            result.refused[request.key] = exc
    return result


def _create_many(
    requests: Sequence[ScheduleRequest],
    *,
    by: Any,
    acknowledge: list[str],
    source: ChangeSource,
    context: Context,
) -> BatchResult:
    result = BatchResult()
    if not requests:
        return result
    offset = supervisor_offset()
    # The paired Supervisor events of the Core events, and who may take them.
    core_ids = [r.event.pk for r in requests if r.event.event_type == EventType.CORE]
    paired = (
        {e.core_event_id: e for e in Event.objects.filter(core_event_id__in=core_ids)}
        if core_ids
        else {}
    )
    supervisor_days = {
        local_date(r.start.astimezone(dt.UTC) + offset) for r in requests if r.event.pk in paired
    }
    club_supervisors = (
        list(Employee.objects.filter(job_title=JobTitle.CLUB_SUPERVISOR).order_by("name", "pk"))
        if supervisor_days
        else []
    )
    rotations = rotations_on(supervisor_days)
    lead_ids = {
        on[RotationKind.PRIMARY_LEAD]
        for on in rotations.values()
        if RotationKind.PRIMARY_LEAD in on
    }
    leads = Employee.objects.in_bulk(list(lead_ids)) if lead_ids else {}

    event_ids = {r.event.pk for r in requests} | {e.pk for e in paired.values()}
    employee_ids = {r.employee.pk for r in requests} | {e.pk for e in club_supervisors} | set(leads)
    _lock(employee_ids=employee_ids, event_ids=event_ids)
    live_events = set(
        Schedule.objects.live().filter(event_id__in=event_ids).values_list("event_id", flat=True)
    )
    # The live schedules of the paired Supervisor events: a cascade that finds one
    # returns it, as `schedule_create` does; those made in this batch join them.
    live_supervisors = (
        {
            s.event_id: s
            for s in Schedule.objects.live()
            .select_related("event", "employee")
            .filter(event_id__in=[e.pk for e in paired.values()])
        }
        if paired
        else {}
    )
    days = [local_date(r.start) for r in requests] + list(supervisor_days)
    snapshot = load_snapshot(
        employee_ids=employee_ids,
        first=min(days) - dt.timedelta(days=1),
        last=max(days) + dt.timedelta(days=1),
    )
    employees = {r.employee.pk: r.employee for r in requests}
    employees.update({e.pk: e for e in club_supervisors})
    employees.update(leads)
    facts = {pk: employee_facts(e) for pk, e in employees.items()}

    pending: list[tuple[Hashable, _Pending, _Pending | None, ScheduleResult]] = []
    temporary_id = 0

    def book(schedule: Schedule) -> None:
        nonlocal temporary_id
        temporary_id -= 1  # not a real id: nothing is ignored by it
        snapshot.add_booking(
            schedule.employee_id,
            Booking(
                temporary_id,
                schedule.event_id,
                schedule.event.project_name,
                schedule.event.event_type,
                schedule.start,
                schedule.end,
            ),
        )
        live_events.add(schedule.event_id)
        live_supervisors[schedule.event_id] = schedule

    for request in requests:
        event, employee = request.event, request.employee
        if event.pk in live_events:
            result.refused[request.key] = ConflictError(
                "This event is already scheduled; reschedule or unschedule it."
            )
            continue
        violations = check(
            event=event_facts(event),
            employee=facts[employee.pk],
            start=request.start,
            context=context,
            snapshot=_around(snapshot, employee.pk, request.start),
        )
        try:
            warnings = _enforce(violations, acknowledge)
        except (RuleViolationError, UnacknowledgedWarningsError) as exc:
            result.refused[request.key] = exc
            continue
        schedule = Schedule(event=event, employee=employee, created_by=_user(by))
        _place(schedule, request.start)
        book(schedule)
        outcome = ScheduleResult(schedule=schedule, warnings=warnings)
        supervisor: _Pending | None = None
        supervisor_event = paired.get(event.pk)
        if supervisor_event is not None:
            supervisor, outcome.supervisor = _supervisor(
                supervisor_event,
                start=request.start.astimezone(dt.UTC) + offset,
                taken=live_supervisors.get(supervisor_event.pk),
                club_supervisors=club_supervisors,
                rotations=rotations,
                leads=leads,
                facts=facts,
                snapshot=snapshot,
                by=by,
            )
            if supervisor is not None:
                book(supervisor.schedule)
        pending.append((request.key, _Pending(schedule), supervisor, outcome))

    _write(pending, by=by, source=source)
    for key, _, _, outcome in pending:
        result.created[key] = outcome
    return result


def _supervisor(
    event: Event,
    *,
    start: dt.datetime,
    taken: Schedule | None,
    club_supervisors: list[Employee],
    rotations: dict[dt.date, dict[str, int]],
    leads: dict[int, Employee],
    facts: dict[int, Any],
    snapshot: Snapshot,
    by: Any,
) -> tuple[_Pending | None, SupervisorOutcome]:
    """`_supervisor_plan` + `_place_supervisor` (a new schedule, not a move)."""
    if taken is not None:
        if taken.start != start:
            raise _OneAtATime  # it moves to the Core start + offset (or stays)
        return None, SupervisorOutcome(schedule=taken, reason="It was already scheduled.")
    day = local_date(start)
    people = [e for e in club_supervisors if _employed_on(e, day)]
    lead_id = rotations.get(day, {}).get(RotationKind.PRIMARY_LEAD)
    if lead_id in leads:
        people.append(leads[lead_id])
    person, violations = _first_allowed(
        people,
        lambda person: check(
            event=event_facts(event),
            employee=facts[person.pk],
            start=start,
            context=Context.AUTO,
            snapshot=_around(snapshot, person.pk, start),
        ),
    )
    if person is None:
        reason = _no_supervisor_reason(start, anyone=bool(people))
        return None, SupervisorOutcome(reason=reason, violations=violations)
    schedule = Schedule(event=event, employee=person, created_by=_user(by))
    _place(schedule, start)
    return (
        _Pending(schedule, note="Scheduled with its Core event."),
        SupervisorOutcome(schedule=schedule, violations=violations),
    )


def _write(
    pending: list[tuple[Hashable, _Pending, _Pending | None, ScheduleResult]],
    *,
    by: Any,
    source: ChangeSource,
) -> None:
    """Insert the schedules, mark their events, record the audit rows and call the hook,
    in the order `schedule_create` would have (each Core, then its Supervisor)."""
    ordered = [p for _, core, supervisor, _ in pending for p in (core, supervisor) if p]
    if not ordered:
        return
    Schedule.objects.bulk_create([p.schedule for p in ordered])
    Event.objects.filter(
        pk__in=[p.schedule.event_id for p in ordered], condition=EventCondition.UNSTAFFED
    ).update(condition=EventCondition.SCHEDULED)
    changes = ScheduleChange.objects.bulk_create(
        [
            ScheduleChange(
                schedule=p.schedule,
                event_id=p.schedule.event_id,
                action=ScheduleAction.CREATE,
                source=source,
                by=_user(by),
                before=None,
                after=_snapshot_of(p.schedule),
                note=p.note,
            )
            for p in ordered
        ]
    )
    for item, change in zip(ordered, changes, strict=True):
        schedule_changed(
            ScheduleChanged(
                schedule=item.schedule, action=ScheduleAction.CREATE, source=source, change=change
            )
        )
