"""Writes of the day itself: apply a call-out, record attendance.

A call-out runs in one transaction: the absence is recorded (time off, or the
termination date; attendance for a schedule whose day has come), then each schedule is
replaced (`schedule_reschedule` to the new employee) or left unscheduled
(`schedule_unschedule`) through the scheduling services — the same locks, rules,
Supervisor cascade, audit trail (source "call_out") and push outbox as a manager by
hand — each in its own savepoint, so a row the data no longer allows (changed
meanwhile, a rule now broken) is refused alone with its reasons, like auto-scheduler
approval. A schedule already started is left alone and said so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from attendance.models import (
    AttendanceRecord,
    AttendanceStatus,
    CallOut,
    CallOutReason,
)
from core.dates import format_day
from core.exceptions import ConflictError, InvalidInputError, NotFoundError
from employees.models import Employee, RotationKind, TimeOff
from employees.services import employee_terminate, rotation_exception_set, timeoff_add
from scheduler.models import ChangeSource, Schedule
from scheduler.services import (
    RuleViolationError,
    UnacknowledgedWarningsError,
    schedule_reschedule,
    schedule_unschedule,
)

# What a call-out says about a schedule whose day has come.
ATTENDANCE_OF_REASON = {
    CallOutReason.SICK: AttendanceStatus.CALLED_IN,
    CallOutReason.PERSONAL: AttendanceStatus.CALLED_IN,
    CallOutReason.NO_SHOW: AttendanceStatus.NO_CALL_NO_SHOW,
    CallOutReason.TIME_OFF: AttendanceStatus.EXCUSED,
}


class Outcome:
    REPLACED = "replaced"
    UNSCHEDULED = "unscheduled"
    LEFT = "left"  # already started
    REFUSED = "refused"


@dataclass
class RowChoice:
    """What the manager chose for one schedule: a replacement, or none (unschedule).

    `seen_updated_at`: the schedule's `updated_at` when the page was drawn; a row changed
    since is refused (409-style) without touching the others.
    """

    schedule_id: int
    employee_id: int | None
    seen_updated_at: dt.datetime | None = None


@dataclass
class RotationChoice:
    day: dt.date
    kind: str
    employee_id: int


@dataclass
class CallOutResult:
    call_out: CallOut
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o["outcome"] == Outcome.REFUSED]


def _row(schedule: Schedule, outcome: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "schedule": schedule.pk,
        "event": schedule.event_id,
        "event_name": schedule.event.project_name,
        "start": timezone.localtime(schedule.start).isoformat(),
        "outcome": outcome,
        "message": message,
        "employee": extra.pop("employee", None),
        "employee_name": extra.pop("employee_name", ""),
        "errors": extra.pop("errors", []),
    }


def _refusal_message(exc: Exception) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(exc, UnacknowledgedWarningsError):
        return "Refused: it has warnings not accepted.", list(exc.errors)
    if isinstance(exc, RuleViolationError):
        hard = [e["message"] for e in exc.errors if e.get("severity") == "hard"]
        return "Refused: " + " ".join(hard), list(exc.errors)
    assert isinstance(exc, ConflictError | NotFoundError | InvalidInputError)  # noqa: S101
    return f"Refused: {exc.detail}", [
        {"code": exc.code, "severity": "hard", "message": str(exc.detail)}
    ]


def _record_absence(
    *, employee: Employee, reason: str, first_day: dt.date, last_day: dt.date | None
) -> TimeOff | None:
    if reason == CallOutReason.TERMINATED:
        employee_terminate(employee_id=employee.pk, termination_date=first_day)
        return None
    assert last_day is not None  # noqa: S101 (the model refuses open-ended otherwise)
    if TimeOff.objects.filter(
        employee=employee, start_date__lte=last_day, end_date__gte=first_day
    ).exists():
        return None  # already (partly) recorded; the call-out says so
    return timeoff_add(
        employee_id=employee.pk,
        start_date=first_day,
        end_date=last_day,
        reason=f"Call-out: {CallOutReason(reason).label}",
    )


def attendance_for_callout(*, schedule: Schedule, reason: str, by: Any, note: str) -> None:
    status = ATTENDANCE_OF_REASON.get(CallOutReason(reason))
    if status is None or schedule.work_date > timezone.localdate():
        return
    if AttendanceRecord.objects.filter(schedule=schedule).exists():
        return
    attendance_set(schedule=schedule, status=status, note=note or "Call-out", by=by)


@transaction.atomic
def callout_apply(
    *,
    employee: Employee,
    reason: str,
    first_day: dt.date,
    last_day: dt.date | None,
    choices: Iterable[RowChoice],
    rotations: Iterable[RotationChoice] = (),
    acknowledge: Collection[str] = (),
    note: str = "",
    by: Any = None,
    now: dt.datetime | None = None,
) -> CallOutResult:
    """Record `employee` out and replace (or unschedule) each chosen schedule.

    `choices` name schedules of the person out, live, on first_day..last_day; any other
    id is refused in its row. Each row has its own savepoint.
    """
    if reason not in CallOutReason.values:
        raise InvalidInputError(f"Unknown reason “{reason}”.", code="invalid_reason")
    if last_day is None and reason != CallOutReason.TERMINATED:
        raise InvalidInputError("Only a termination is open-ended; give the last day.")
    if last_day is not None and last_day < first_day:
        raise InvalidInputError("The last day is before the first day.", code="invalid_range")
    now = now or timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    call_out = CallOut(
        employee=employee,
        reason=reason,
        first_day=first_day,
        last_day=last_day,
        note=note.strip()[:300],
        created_by=user,
    )
    call_out.full_clean()
    call_out.time_off = _record_absence(
        employee=employee, reason=reason, first_day=first_day, last_day=last_day
    )
    choices = list(choices)
    found = Schedule.objects.select_related("event", "employee").in_bulk(
        [c.schedule_id for c in choices]
    )
    # The rotation exceptions first: the rules let only the day's Primary Lead (besides
    # Club Supervisors) take a Supervisor check-in, so a replacement may depend on them.
    rotation_outcomes = [
        _apply_rotation(rotation, employee=employee, reason=reason) for rotation in rotations
    ]
    outcomes: list[dict[str, Any]] = []
    for choice in sorted(
        choices,
        key=lambda c: (
            (found[c.schedule_id].start, c.schedule_id)
            if c.schedule_id in found
            else (dt.datetime.max.replace(tzinfo=dt.UTC), c.schedule_id)
        ),
    ):
        outcomes.append(
            _apply_row(
                choice,
                schedule=found.get(choice.schedule_id),
                employee=employee,
                reason=reason,
                first_day=first_day,
                last_day=last_day,
                acknowledge=acknowledge,
                note=note,
                by=by,
                now=now,
            )
        )
    outcomes.extend(rotation_outcomes)
    call_out.outcomes = outcomes
    call_out.save()
    return CallOutResult(call_out=call_out, outcomes=outcomes)


def _apply_row(
    choice: RowChoice,
    *,
    schedule: Schedule | None,
    employee: Employee,
    reason: str,
    first_day: dt.date,
    last_day: dt.date | None,
    acknowledge: Collection[str],
    note: str,
    by: Any,
    now: dt.datetime,
) -> dict[str, Any]:
    if schedule is None:
        return {
            "schedule": choice.schedule_id,
            "event": None,
            "event_name": "",
            "start": None,
            "outcome": Outcome.REFUSED,
            "message": "Refused: no such schedule.",
            "employee": None,
            "employee_name": "",
            "errors": [{"code": "not_found", "severity": "hard", "message": "No such schedule."}],
        }
    in_range = schedule.work_date >= first_day and (
        last_day is None or schedule.work_date <= last_day
    )
    if schedule.employee_id != employee.pk or not schedule.is_live or not in_range:
        return _row(
            schedule,
            Outcome.REFUSED,
            "Refused: this schedule changed meanwhile (it is no longer theirs in this range).",
            errors=[{"code": "conflict", "severity": "hard", "message": "Changed meanwhile."}],
        )
    if choice.seen_updated_at is not None and schedule.updated_at != choice.seen_updated_at:
        return _row(
            schedule,
            Outcome.REFUSED,
            "Refused: this schedule changed meanwhile; reload to see it as it is now.",
            errors=[{"code": "conflict", "severity": "hard", "message": "Changed meanwhile."}],
        )
    if schedule.start <= now:
        attendance_for_callout(schedule=schedule, reason=reason, by=by, note=note)
        return _row(
            schedule,
            Outcome.LEFT,
            "Already started: left as it is.",
            employee=schedule.employee_id,
            employee_name=schedule.employee.name,
        )
    try:
        with transaction.atomic():
            if choice.employee_id is None:
                result = schedule_unschedule(schedule=schedule, by=by, source=ChangeSource.CALL_OUT)
                message = "Left unscheduled."
                if result.supervisor is not None and result.supervisor.unscheduled:
                    message += " Its Supervisor check-in was unscheduled with it."
                return _row(schedule, Outcome.UNSCHEDULED, message)
            replacement = Employee.objects.filter(pk=choice.employee_id).first()
            if replacement is None:
                raise NotFoundError("No such employee.")
            if replacement.pk == employee.pk:
                raise InvalidInputError("Pick someone other than the person out.")
            result = schedule_reschedule(
                schedule=schedule,
                employee=replacement,
                by=by,
                acknowledge=acknowledge,
                source=ChangeSource.CALL_OUT,
            )
    except (
        RuleViolationError,
        UnacknowledgedWarningsError,
        ConflictError,
        NotFoundError,
        InvalidInputError,
    ) as exc:
        message, errors = _refusal_message(exc)
        return _row(schedule, Outcome.REFUSED, message, errors=errors)
    codes = sorted({str(w.code) for w in result.warnings})
    message = f"Replaced by {replacement.name}."
    if codes:
        message += f" Warnings accepted: {', '.join(codes)}."
    return _row(
        result.schedule,
        Outcome.REPLACED,
        message,
        employee=replacement.pk,
        employee_name=replacement.name,
    )


def _apply_rotation(rotation: RotationChoice, *, employee: Employee, reason: str) -> dict[str, Any]:
    label = RotationKind(rotation.kind).label if rotation.kind in RotationKind.values else "?"
    base = {
        "schedule": None,
        "event": None,
        "event_name": f"{label} on {format_day(rotation.day)}",
        "start": rotation.day.isoformat(),
        "employee": rotation.employee_id,
    }
    try:
        with transaction.atomic():
            if rotation.kind not in RotationKind.values:
                raise InvalidInputError("Unknown rotation.")
            if rotation.employee_id == employee.pk:
                raise InvalidInputError("Pick someone other than the person out.")
            exception = rotation_exception_set(
                day=rotation.day,
                kind=rotation.kind,
                employee_id=rotation.employee_id,
                reason=f"Call-out of {employee.name} ({CallOutReason(reason).label})",
            )
    except (InvalidInputError, NotFoundError) as exc:
        return {
            **base,
            "outcome": Outcome.REFUSED,
            "message": f"Refused: {exc.detail}",
            "employee_name": "",
            "errors": [{"code": exc.code, "severity": "hard", "message": str(exc.detail)}],
        }
    return {
        **base,
        "outcome": "rotation",
        "message": f"{exception.employee.name} is the {label} that day.",
        "employee_name": exception.employee.name,
        "errors": [],
    }


# --- attendance ------------------------------------------------------------------------


@transaction.atomic
def attendance_set(
    *,
    schedule: Schedule,
    status: str,
    minutes_late: int | None = None,
    note: str = "",
    by: Any = None,
    today: dt.date | None = None,
) -> AttendanceRecord:
    """Record (or correct) how the schedule's employee showed up. Allowed from the
    schedule's store-local day on, never before; `minutes_late` only (and always) when
    late."""
    today = today or timezone.localdate()
    schedule = (
        Schedule.objects.select_for_update(of=("self",))
        .select_related("employee")
        .filter(pk=schedule.pk)
        .first()
        or _missing()
    )
    if schedule.work_date > today:
        raise InvalidInputError(
            f"Attendance can be recorded from {format_day(schedule.work_date)} on, not before.",
            code="too_early",
        )
    if status not in AttendanceStatus.values:
        raise InvalidInputError(f"Unknown status “{status}”.", code="invalid_status")
    if status == AttendanceStatus.LATE and not minutes_late:
        raise InvalidInputError("Say how many minutes late.", code="minutes_required")
    if status != AttendanceStatus.LATE:
        minutes_late = None
    record = AttendanceRecord.objects.filter(schedule=schedule).first() or AttendanceRecord(
        schedule=schedule, employee=schedule.employee, work_date=schedule.work_date
    )
    record.status = status
    record.minutes_late = minutes_late
    record.note = note.strip()[:300]
    record.recorded_by = by if getattr(by, "is_authenticated", False) else None
    record.recorded_at = timezone.now()
    record.full_clean(validate_unique=False)
    record.save()
    return record


def _missing() -> Any:
    raise NotFoundError("No such schedule.")


def choices_from_plan(
    rows: Iterable[Any], picks: Mapping[int, int | None] | None = None
) -> list[RowChoice]:
    """The plan's preselected replacements (or `picks` where given), for each open row."""
    picks = picks or {}
    return [
        RowChoice(
            schedule_id=r.schedule.pk,
            employee_id=picks.get(r.schedule.pk, r.pick.pk if r.pick is not None else None),
            seen_updated_at=r.schedule.updated_at,
        )
        for r in rows
    ]
