"""docs/rules.md hard, rules checked over rows already in the database, by the rules engine.

`load_rows()` reads every live schedule and a snapshot for their employees in seven
queries; `hard_violations()` asks `scheduler.rules.check` about each schedule (leaving
the schedule itself out of its employee's bookings), in the strict `auto` context, and
also checks that every end is start + duration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from scheduler.models import Schedule
from scheduler.rules import Context, Snapshot, check
from scheduler.snapshot import employee_facts, event_facts, load_snapshot


@dataclass(frozen=True)
class Violation:
    code: str
    schedule_id: int
    detail: str = ""


@dataclass(frozen=True)
class Rows:
    schedules: list[Schedule]
    snapshot: Snapshot


def load_rows() -> Rows:
    """Every live schedule with its event and employee, and their facts: seven queries."""
    schedules = list(Schedule.objects.live().select_related("event", "employee"))
    days = [s.work_date for s in schedules] or [timezone.localdate()]
    snapshot = load_snapshot(
        employee_ids={s.employee_id for s in schedules}, first=min(days), last=max(days)
    )
    # Rows already written are not new starts: `past_start` is about making a schedule.
    snapshot.now = None
    return Rows(schedules, snapshot)


def hard_violations(rows: Rows) -> list[Violation]:
    found = []
    for schedule in rows.schedules:
        if schedule.end != schedule.start + schedule.event.duration:
            found.append(Violation("end_is_start_plus_duration", schedule.pk))
        for violation in check(
            event=event_facts(schedule.event),
            employee=employee_facts(schedule.employee),
            start=schedule.start,
            context=Context.AUTO,
            snapshot=rows.snapshot,
            ignore_schedules={schedule.pk},
        ):
            if violation.is_hard:
                found.append(Violation(str(violation.code), schedule.pk, violation.message))
    return found
