"""Every write to a schedule: schedule, reschedule, unschedule, trade (docs/rules.md).

Each runs in one transaction that first locks the employees involved (in id order, so
two writers never deadlock) and the events, then asks the rules engine, then writes
and records the change in the audit trail. Hard violations always refuse; soft ones
refuse unless every one of their codes is acknowledged. On PostgreSQL the database
also forbids overlapping schedules and a second Core event a day for one employee, so
a race that slipped past the lock still cannot double-book: it becomes a 409 conflict.

Scheduling a Core event also schedules its paired Supervisor event (the Club
Supervisor on duty, else the Primary Lead) at Core start + the configured offset;
rescheduling the Core event moves it, unscheduling it removes it. When the Supervisor
part cannot be placed, the Core change still happens and the result says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dates import local_date
from core.exceptions import ConflictError, InvalidInputError, NotFoundError
from employees.models import Employee, JobTitle, RotationKind
from events.models import Event, EventCondition
from events.types import EventType, supervisor_offset
from scheduler.hooks import ScheduleChanged, schedule_changed
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange
from scheduler.rules import Context, Violation, check
from scheduler.snapshot import employee_facts, event_facts, load_snapshot, rotation_on


class RuleViolationError(InvalidInputError):
    """A hard rule refuses the change; `errors` lists every violation."""

    code = "rule_violation"
    title = "Scheduling rule violated"
    default_detail = "The change breaks a scheduling rule; see `errors`."


class UnacknowledgedWarningsError(InvalidInputError):
    """Soft rules warn; repeat the request acknowledging their codes to proceed."""

    code = "unacknowledged_warnings"
    title = "Warnings need acknowledgement"
    default_detail = "The change has warnings; acknowledge their codes to proceed."


class SupervisorWouldBeDroppedError(InvalidInputError):
    """Moving the Core event would unschedule its Supervisor event; confirm to proceed."""

    code = "supervisor_would_be_dropped"
    title = "The Supervisor event would be unscheduled"
    default_detail = "No one can take the paired Supervisor event at the new time."


@dataclass
class SupervisorOutcome:
    """What happened to the paired Supervisor event of a Core change."""

    schedule: Schedule | None = None
    unscheduled: bool = False
    reason: str = ""
    violations: list[Violation] = field(default_factory=list)


@dataclass
class ScheduleResult:
    schedule: Schedule
    warnings: list[Violation] = field(default_factory=list)
    supervisor: SupervisorOutcome | None = None


# --- checking -------------------------------------------------------------------------


def schedule_end(*, event: Event, start: dt.datetime) -> dt.datetime:
    """When a schedule starting at `start` ends: start + the event's duration, in real
    elapsed time (UTC arithmetic, right across a DST change)."""
    return start.astimezone(dt.UTC) + event.duration


def schedule_check(
    *,
    event: Event,
    employee: Employee,
    start: dt.datetime,
    context: Context = Context.MANUAL,
    ignore_schedules: Collection[int] = (),
    new_start: bool = True,
) -> list[Violation]:
    """The violations of putting `employee` on `event` at `start` (six queries).

    `new_start=False`: the start is not being chosen now (another employee for the same
    time, a trade), so a start already past is not a warning."""
    day = local_date(start)
    snapshot = load_snapshot(
        employee_ids=[employee.pk],
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    if not new_start:
        snapshot.now = None
    return check(
        event=event_facts(event),
        employee=employee_facts(employee),
        start=start,
        context=context,
        snapshot=snapshot,
        ignore_schedules=ignore_schedules,
    )


def _enforce(violations: Sequence[Violation], acknowledge: Iterable[str]) -> list[Violation]:
    """Refuse on any hard violation or unacknowledged warning; return the warnings."""
    hard = [v for v in violations if v.is_hard]
    if hard:
        raise RuleViolationError(errors=[v.as_dict() for v in violations])
    acknowledged = set(acknowledge)
    pending = [v for v in violations if str(v.code) not in acknowledged]
    if pending:
        raise UnacknowledgedWarningsError(
            f"Acknowledge to proceed: {', '.join(sorted({str(v.code) for v in pending}))}.",
            errors=[v.as_dict() for v in pending],
        )
    return list(violations)


# --- locking and bookkeeping ---------------------------------------------------------


def _lock(*, employee_ids: Iterable[int], event_ids: Iterable[int] = ()) -> None:
    """Lock rows in a fixed order (employees, then events; each by id): no deadlocks.

    On SQLite `select_for_update` is a no-op; there every write transaction is
    IMMEDIATE (settings), so writers queue for the whole transaction instead.
    """
    if not getattr(settings, "SCHEDULER_LOCK_ROWS", True):
        return  # test-only switch: proves the database constraints hold on their own
    list(
        Employee.objects.select_for_update()
        .filter(pk__in=set(employee_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(
        Event.objects.select_for_update()
        .filter(pk__in=set(event_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _snapshot_of(schedule: Schedule) -> dict[str, Any]:
    return {
        "employee": schedule.employee_id,
        "employee_name": schedule.employee.name,
        "start": timezone.localtime(schedule.start).isoformat(),
        "end": timezone.localtime(schedule.end).isoformat(),
    }


def _audit(
    *,
    schedule: Schedule,
    action: ScheduleAction,
    source: ChangeSource,
    by: Any,
    before: dict[str, Any] | None,
    note: str = "",
) -> None:
    change = ScheduleChange.objects.create(
        schedule=schedule,
        event_id=schedule.event_id,
        action=action,
        source=source,
        by=by if getattr(by, "is_authenticated", False) else None,
        before=before,
        after=None if schedule.unscheduled_at else _snapshot_of(schedule),
        note=note,
    )
    # Apps above the scheduler follow the change here, in the same transaction
    # (scheduler/hooks.py): e.g. the planning system's push outbox.
    schedule_changed(
        ScheduleChanged(schedule=schedule, action=action, source=source, change=change)
    )


def _place(schedule: Schedule, start: dt.datetime) -> None:
    schedule.start = start
    schedule.end = schedule_end(event=schedule.event, start=start)
    schedule.work_date = local_date(start)
    schedule.is_core = schedule.event.event_type == EventType.CORE


def _save(schedule: Schedule, **kwargs: Any) -> None:
    """Save; a constraint the lock did not prevent (a race) becomes a 409 conflict."""
    try:
        with transaction.atomic():
            schedule.save(**kwargs)
    except IntegrityError:
        raise ConflictError(
            "Someone else changed these schedules at the same time; nothing was saved. "
            "Reload and try again."
        ) from None


def _live_schedule(event_id: int) -> Schedule | None:
    return (
        Schedule.objects.live()
        .select_related("event", "employee")
        .filter(event_id=event_id)
        .first()
    )


# --- the paired Supervisor event -----------------------------------------------------


@dataclass
class _SupervisorPlan:
    event: Event
    start: dt.datetime
    existing: Schedule | None
    candidates: list[Employee]

    @property
    def employee_ids(self) -> set[int]:
        ids = {c.pk for c in self.candidates}
        return ids | ({self.existing.employee_id} if self.existing else set())


def _supervisor_plan(
    *, core_event: Event, core_start: dt.datetime, prefer: Employee | None = None
) -> _SupervisorPlan | None:
    """Who may take the Supervisor event paired with `core_event`, read before locking.

    `prefer` first (the auto-scheduler's own choice, when it proposed one), then the Club
    Supervisors working that day, then the Primary Lead on duty.
    """
    if core_event.event_type != EventType.CORE:
        return None
    supervisor_event = Event.objects.filter(core_event_id=core_event.pk).first()
    if supervisor_event is None:
        return None
    start = core_start.astimezone(dt.UTC) + supervisor_offset()
    day = local_date(start)
    supervisors = list(
        Employee.objects.employed_on(day)
        .filter(job_title=JobTitle.CLUB_SUPERVISOR)
        .order_by("name", "pk")
    )
    lead_id = rotation_on(day).get(RotationKind.PRIMARY_LEAD)
    lead = Employee.objects.filter(pk=lead_id).first() if lead_id else None
    return _SupervisorPlan(
        event=supervisor_event,
        start=start,
        existing=_live_schedule(supervisor_event.pk),
        candidates=[*([prefer] if prefer else []), *supervisors, *([lead] if lead else [])],
    )


@dataclass(frozen=True)
class SupervisorPreview:
    """What saving a Core change would do to its paired Supervisor event (nothing written)."""

    event: Event
    start: dt.datetime
    employee: Employee | None  # who would take it; None: it would not be scheduled
    existing: Schedule | None  # its live schedule now
    reason: str = ""
    violations: list[Violation] = field(default_factory=list)

    @property
    def dropped(self) -> bool:
        """A live Supervisor schedule that would be unscheduled."""
        return self.employee is None and self.existing is not None


def _supervisor_choice(
    plan: _SupervisorPlan, *, ignore: Collection[int]
) -> tuple[Employee | None, list[Violation]]:
    """The first person who may take the Supervisor event, with their warnings; else
    None and the last person's violations."""
    people = ([plan.existing.employee] if plan.existing else []) + plan.candidates
    if not people:
        return None, []
    day = local_date(plan.start)
    snapshot = load_snapshot(  # one snapshot for everyone: six queries
        employee_ids={p.pk for p in people},
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    facts = event_facts(plan.event)
    return _first_allowed(
        people,
        lambda person: check(
            event=facts,
            employee=employee_facts(person),
            start=plan.start,
            context=Context.AUTO,
            snapshot=snapshot,
            ignore_schedules=ignore,
        ),
    )


def _first_allowed(
    people: Iterable[Employee], violations_of: Callable[[Employee], list[Violation]]
) -> tuple[Employee | None, list[Violation]]:
    """The first of `people` (each once, in order) with no hard violation, and their
    warnings; else None and the last person's violations."""
    last: list[Violation] = []
    seen: set[int] = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        violations = violations_of(person)
        if not any(v.is_hard for v in violations):
            return person, violations
        last = violations
    return None, last


def _no_one_reason(plan: _SupervisorPlan) -> str:
    anyone = bool(plan.candidates) or plan.existing is not None
    return _no_supervisor_reason(plan.start, anyone=anyone)


def _no_supervisor_reason(start: dt.datetime, *, anyone: bool) -> str:
    """Why nobody takes a Supervisor event: nobody to ask, or nobody who may."""
    if not anyone:
        return "No Club Supervisor works that day and no Primary Lead is on the rotation."
    return (
        "No Club Supervisor or Primary Lead can take the Supervisor event at "
        f"{timezone.localtime(start):%H:%M}."
    )


def schedule_supervisor_preview(
    *, core_event: Event, core_start: dt.datetime, moving: Schedule | None = None
) -> SupervisorPreview | None:
    """What scheduling `core_event` at `core_start` (or moving its live schedule
    `moving` there) would do to its paired Supervisor event; None when it has none.
    A read: the page shows it before the change is saved."""
    plan = _supervisor_plan(core_event=core_event, core_start=core_start)
    if plan is None:
        return None
    if plan.existing is not None and moving is None:
        return SupervisorPreview(
            plan.event, plan.existing.start, plan.existing.employee, plan.existing
        )
    ignore = [
        pk
        for pk in (plan.existing.pk if plan.existing else None, moving.pk if moving else None)
        if pk
    ]
    person, violations = _supervisor_choice(plan, ignore=ignore)
    return SupervisorPreview(
        event=plan.event,
        start=plan.start,
        employee=person,
        existing=plan.existing,
        reason="" if person is not None else _no_one_reason(plan),
        violations=violations,
    )


def _place_supervisor(
    plan: _SupervisorPlan,
    *,
    by: Any,
    source: ChangeSource,
    move: bool,
    allow_drop: bool = True,
    keep: bool = False,
) -> SupervisorOutcome:
    """Schedule the Supervisor event, or (`move`) bring its live schedule along.

    Called inside the caller's transaction, after `plan.employee_ids` were locked.
    When no one can take a live Supervisor schedule at the new time it is unscheduled,
    unless `allow_drop` is False: then the whole change is refused. A Supervisor event
    scheduled before its Core event at another time (not `move`) moves to the Core start
    + offset when someone can take it then, else it stays (`keep`).
    """
    existing = plan.existing
    if existing is not None and not move:
        if existing.start == plan.start:
            return SupervisorOutcome(schedule=existing, reason="It was already scheduled.")
        # Scheduled before its Core event, at another time: it moves to Core start +
        # offset when someone can take it then, else it stays where it is.
        return _place_supervisor(plan, by=by, source=source, move=True, keep=True)
    person, violations = _supervisor_choice(plan, ignore=[existing.pk] if existing else [])
    if person is not None:
        if existing is not None:
            before = _snapshot_of(existing)
            action = (
                ScheduleAction.RESCHEDULE
                if existing.employee_id == person.pk
                else ScheduleAction.REASSIGN
            )
            existing.employee = person
            _place(existing, plan.start)
            _save(existing)
            _audit(
                schedule=existing,
                action=action,
                source=source,
                by=by,
                before=before,
                note="Moved with its Core event.",
            )
            return SupervisorOutcome(schedule=existing, violations=violations)
        schedule = Schedule(event=plan.event, employee=person, created_by=_user(by))
        _place(schedule, plan.start)
        _save(schedule)
        _mark_event(plan.event.pk, scheduled=True)
        _audit(
            schedule=schedule,
            action=ScheduleAction.CREATE,
            source=source,
            by=by,
            before=None,
            note="Scheduled with its Core event.",
        )
        return SupervisorOutcome(schedule=schedule, violations=violations)
    if existing is not None and keep:
        return SupervisorOutcome(
            schedule=existing,
            reason="It was already scheduled at another time; no one can take it at its "
            "Core event's start + offset, so it stays.",
            violations=violations,
        )
    reason = _no_one_reason(plan)
    if existing is not None:
        if not allow_drop:
            raise SupervisorWouldBeDroppedError(
                f"Its Supervisor event ({existing.employee.name}) would be unscheduled: "
                f"{reason} Confirm to unschedule it.",
                errors=[v.as_dict() for v in violations],
            )
        _unschedule(
            existing,
            by=by,
            source=source,
            note="Its Core event moved and no one could take it at the new time.",
        )
    return SupervisorOutcome(unscheduled=existing is not None, reason=reason, violations=violations)


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _mark_event(event_id: int, *, scheduled: bool) -> None:
    """Keep the event's condition in step: Unstaffed ↔ Scheduled (others are left alone)."""
    if scheduled:
        Event.objects.filter(pk=event_id, condition=EventCondition.UNSTAFFED).update(
            condition=EventCondition.SCHEDULED
        )
    else:
        Event.objects.filter(pk=event_id, condition=EventCondition.SCHEDULED).update(
            condition=EventCondition.UNSTAFFED
        )


def _unschedule(schedule: Schedule, *, by: Any, source: ChangeSource, note: str = "") -> None:
    before = _snapshot_of(schedule)
    schedule.unscheduled_at = timezone.now()
    schedule.unscheduled_by = _user(by)
    schedule.save(update_fields=["unscheduled_at", "unscheduled_by", "updated_at"])
    _mark_event(schedule.event_id, scheduled=False)
    _audit(
        schedule=schedule,
        action=ScheduleAction.UNSCHEDULE,
        source=source,
        by=by,
        before=before,
        note=note,
    )


def _supervisor_schedule_of(core: Schedule) -> Schedule | None:
    return (
        Schedule.objects.live()
        .select_related("event", "employee")
        .filter(event__core_event_id=core.event_id)
        .first()
    )


# --- the services ---------------------------------------------------------------------


@transaction.atomic
def schedule_create(
    *,
    event: Event,
    employee: Employee,
    start: dt.datetime,
    by: Any = None,
    acknowledge: Iterable[str] = (),
    source: ChangeSource = ChangeSource.API,
    context: Context = Context.MANUAL,
    supervisor_employee: Employee | None = None,
) -> ScheduleResult:
    """Put `employee` on `event` from `start` (and cascade to a paired Supervisor, to
    `supervisor_employee` first when given: the auto-scheduler's own choice)."""
    plan = _supervisor_plan(core_event=event, core_start=start, prefer=supervisor_employee)
    _lock(
        employee_ids={employee.pk, *(plan.employee_ids if plan else ())},
        event_ids={event.pk, *([plan.event.pk] if plan else [])},
    )
    if Schedule.objects.live().filter(event=event).exists():
        raise ConflictError("This event is already scheduled; reschedule or unschedule it.")
    warnings = _enforce(
        schedule_check(event=event, employee=employee, start=start, context=context), acknowledge
    )
    schedule = Schedule(event=event, employee=employee, created_by=_user(by))
    _place(schedule, start)
    _save(schedule)
    _mark_event(event.pk, scheduled=True)
    _audit(schedule=schedule, action=ScheduleAction.CREATE, source=source, by=by, before=None)
    result = ScheduleResult(schedule=schedule, warnings=warnings)
    if plan is not None:
        result.supervisor = _place_supervisor(plan, by=by, source=source, move=False)
    return result


@transaction.atomic
def schedule_reschedule(
    *,
    schedule: Schedule,
    start: dt.datetime | None = None,
    employee: Employee | None = None,
    by: Any = None,
    acknowledge: Iterable[str] = (),
    source: ChangeSource = ChangeSource.API,
    allow_supervisor_drop: bool = True,
) -> ScheduleResult:
    """Move a live schedule to another time and/or employee, re-checked.

    Nothing new asked for (no start and no employee, or the current ones): nothing is
    locked, checked or written — no audit row, no data-version move, no push — and the
    schedule is answered as it is. Moving a Core event moves its Supervisor event; when
    no one can take that at the new time it is unscheduled, or
    (`allow_supervisor_drop=False`) nothing is saved and `SupervisorWouldBeDroppedError`
    says why.
    """
    new_employee = employee or schedule.employee
    new_start = start or schedule.start
    moved = new_start != schedule.start
    if not moved and new_employee.pk == schedule.employee_id:
        return ScheduleResult(schedule=schedule)
    plan = _supervisor_plan(core_event=schedule.event, core_start=new_start) if moved else None
    _lock(
        employee_ids={schedule.employee_id, new_employee.pk, *(plan.employee_ids if plan else ())},
        event_ids={schedule.event_id, *([plan.event.pk] if plan else [])},
    )
    schedule = _fresh_live(schedule.pk, expect_employee=schedule.employee_id)
    warnings = _enforce(
        schedule_check(
            event=schedule.event,
            employee=new_employee,
            start=new_start,
            ignore_schedules=[schedule.pk],
            new_start=moved,
        ),
        acknowledge,
    )
    before = _snapshot_of(schedule)
    action = (
        ScheduleAction.REASSIGN
        if new_employee.pk != schedule.employee_id
        else ScheduleAction.RESCHEDULE
    )
    schedule.employee = new_employee
    _place(schedule, new_start)
    _save(schedule)
    _audit(schedule=schedule, action=action, source=source, by=by, before=before)
    result = ScheduleResult(schedule=schedule, warnings=warnings)
    if plan is not None:
        result.supervisor = _place_supervisor(
            plan, by=by, source=source, move=True, allow_drop=allow_supervisor_drop
        )
    return result


@transaction.atomic
def schedule_unschedule(
    *, schedule: Schedule, by: Any = None, source: ChangeSource = ChangeSource.API
) -> ScheduleResult:
    """Take a live schedule off its event (a Core event takes its Supervisor with it)."""
    supervisor = _supervisor_schedule_of(schedule) if schedule.is_core else None
    _lock(
        employee_ids={schedule.employee_id, *([supervisor.employee_id] if supervisor else [])},
        event_ids={schedule.event_id, *([supervisor.event_id] if supervisor else [])},
    )
    schedule = _fresh_live(schedule.pk, expect_employee=schedule.employee_id)
    result = ScheduleResult(schedule=schedule)
    if supervisor is not None:
        supervisor = _supervisor_schedule_of(schedule)
        if supervisor is not None:
            _unschedule(supervisor, by=by, source=source, note="Its Core event was unscheduled.")
            result.supervisor = SupervisorOutcome(schedule=supervisor, unscheduled=True)
    _unschedule(schedule, by=by, source=source)
    return result


@transaction.atomic
def schedule_trade(
    *,
    first: Schedule,
    second: Schedule,
    by: Any = None,
    acknowledge: Iterable[str] = (),
    source: ChangeSource = ChangeSource.API,
) -> tuple[Schedule, Schedule, list[Violation]]:
    """Swap the employees of two live schedules on the same store-local day."""
    if first.pk == second.pk:
        raise InvalidInputError("Pick two different schedules to trade.", code="same_schedule")
    _lock(
        employee_ids={first.employee_id, second.employee_id},
        event_ids={first.event_id, second.event_id},
    )
    first = _fresh_live(first.pk, expect_employee=first.employee_id)
    second = _fresh_live(second.pk, expect_employee=second.employee_id)
    if first.work_date != second.work_date:
        raise InvalidInputError(
            "Only schedules on the same day can be traded.", code="not_same_day"
        )
    if first.employee_id == second.employee_id:
        raise InvalidInputError("Both schedules belong to the same employee.", code="same_employee")
    both = [first.pk, second.pk]
    violations = [
        *schedule_check(
            event=first.event,
            employee=second.employee,
            start=first.start,
            ignore_schedules=both,
            new_start=False,
        ),
        *schedule_check(
            event=second.event,
            employee=first.employee,
            start=second.start,
            ignore_schedules=both,
            new_start=False,
        ),
    ]
    warnings = _enforce(violations, acknowledge)
    before_first, before_second = _snapshot_of(first), _snapshot_of(second)
    first.employee, second.employee = second.employee, first.employee
    # Free both rows first so neither the overlap nor the one-Core-a-day constraint
    # sees a transient double-booking in the middle of the swap.
    Schedule.objects.filter(pk__in=both).update(unscheduled_at=timezone.now())
    first.unscheduled_at = second.unscheduled_at = None
    _save(first)
    _save(second)
    _audit(schedule=first, action=ScheduleAction.TRADE, source=source, by=by, before=before_first)
    _audit(schedule=second, action=ScheduleAction.TRADE, source=source, by=by, before=before_second)
    return first, second, warnings


def _fresh_live(pk: int, *, expect_employee: int) -> Schedule:
    """The schedule as it is now, under the lock; refuse if it changed meanwhile."""
    schedule = Schedule.objects.select_related("event", "employee").filter(pk=pk).first()
    if schedule is None:
        raise NotFoundError("No such schedule.")
    if not schedule.is_live:
        raise ConflictError("This schedule was unscheduled meanwhile; reload and try again.")
    if schedule.employee_id != expect_employee:
        raise ConflictError("This schedule was reassigned meanwhile; reload and try again.")
    return schedule
