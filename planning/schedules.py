"""Sync step: upstream schedules in, through the scheduling services
(docs/planning-system.md), and the reports about local schedules that no longer match
the planning system."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from employees.models import Employee
from events.models import Event, EventCondition
from events.types import EventType
from planning.outcome import BATCH_SIZE, Outcome, Progress, no_progress
from planning.records import UpstreamEvent


def report_schedules_at_risk(
    changed: Sequence[Event], rows: dict[int, int], outcome: Outcome
) -> None:
    """A changed event whose live schedule no longer fits (canceled upstream, or its
    window moved away from the schedule) is reported; the schedule is left for a
    manager to move or remove. One query per batch, none when nothing changed."""
    from scheduler.models import Schedule

    if not changed:
        return
    by_ref = {e.project_ref_num: e for e in changed}
    live = Schedule.objects.live().filter(event__project_ref_num__in=list(by_ref))
    for ref, start in live.values_list("event__project_ref_num", "start"):
        event = by_ref[ref]
        local = timezone.localtime(start)
        if event.condition == EventCondition.CANCELED:
            reason = f"canceled upstream but scheduled here on {local:%m/%d/%Y %H:%M}"
        elif not event.start_datetime <= start < event.due_datetime:
            reason = (
                f"the planning system moved the window; the schedule on "
                f"{local:%m/%d/%Y %H:%M} is now outside it"
            )
        else:
            continue
        outcome.error(
            rows.get(ref, 0), ref, f"{reason} (kept; reschedule or unschedule it)", kind="conflict"
        )


def _report_unscheduled_upstream(records: Sequence[UpstreamEvent], outcome: Outcome) -> None:
    """Events the planning system lists without a schedule while here a live schedule
    carries a planning-system id (it was there) and has no push waiting: someone
    unscheduled it upstream. Reported, never undone here. Two queries per batch."""
    from planning.models import PendingPush, PushState
    from scheduler.models import Schedule

    rows = {r.ref: r.row for r in records}
    refs = list(rows)
    for offset in range(0, len(refs), BATCH_SIZE):
        batch = refs[offset : offset + BATCH_SIZE]
        live = list(
            Schedule.objects.live()
            .filter(event__project_ref_num__in=batch)
            .exclude(external_schedule_id="")
            .values_list("pk", "event__project_ref_num", "start", "employee__name")
        )
        if not live:
            continue
        waiting = set(
            PendingPush.objects.filter(
                schedule_id__in=[pk for pk, *_ in live], state=PushState.PENDING
            ).values_list("schedule_id", flat=True)
        )
        for pk, ref, start, name in live:
            if pk in waiting:
                continue
            outcome.error(
                rows[ref],
                ref,
                f"unscheduled in the planning system, still scheduled here for {name} on "
                f"{timezone.localtime(start):%m/%d/%Y %H:%M} (kept; unschedule it if that is "
                "right)",
                kind="conflict",
            )


def import_schedules(
    records: Sequence[UpstreamEvent],
    outcome: Outcome,
    *,
    progress: Progress = no_progress,
) -> None:
    """Bring upstream schedules in through the scheduling services (source SYNC).

    Matching: API records by the numeric rep id, CSV rows by the employee id. An event
    that has the same schedule locally is left alone (its planning-system id is stored
    when missing); one scheduled differently here is a conflict, kept as it is here.
    A schedule the rules refuse is a conflict too: reported, never forced. Supervisor
    events come first, so a Core event's cascade finds them taken.
    """
    from scheduler.bulk import ScheduleRequest, schedule_create_many
    from scheduler.models import ChangeSource, Schedule
    from scheduler.rules import Code, Context
    from scheduler.services import RuleViolationError, UnacknowledgedWarningsError

    all_codes = [str(code) for code in Code]
    for record in records:
        if record.schedule_error:
            outcome.error(record.row, record.ref, record.schedule_error, kind="schedule")
    _report_unscheduled_upstream(
        [r for r in records if r.schedule is None and not r.schedule_error], outcome
    )
    wanted = [r for r in records if r.schedule is not None]
    wanted.sort(key=lambda r: (r.event_type != EventType.SUPERVISOR, r.row))
    total = len(wanted)
    for offset in range(0, total, BATCH_SIZE):
        batch = wanted[offset : offset + BATCH_SIZE]
        events = Event.objects.in_bulk([r.ref for r in batch], field_name="project_ref_num")
        live = {
            s.event_id: s
            for s in Schedule.objects.live()
            .select_related("employee")
            .filter(event__project_ref_num__in=[r.ref for r in batch])
        }
        rep_ids = {r.schedule.rep_id for r in batch if r.schedule and r.schedule.rep_id}
        external_ids = {
            r.schedule.employee_external_id
            for r in batch
            if r.schedule and r.schedule.employee_external_id
        }
        by_rep = Employee.objects.in_bulk(list(rep_ids), field_name="rep_id") if rep_ids else {}
        by_external = (
            Employee.objects.in_bulk(list(external_ids), field_name="external_id")
            if external_ids
            else {}
        )
        ids_to_store: list[Schedule] = []
        requests: list[ScheduleRequest] = []
        by_row: dict[int, tuple[UpstreamEvent, Employee]] = {}
        # In record order: a conflict found here (row, ref, reason), or a request's key.
        steps: list[tuple[int, int, str] | int] = []
        for record in batch:
            upstream = record.schedule
            if upstream is None:
                continue
            event = events.get(record.ref)
            if event is None:
                continue  # the event itself was skipped (and reported)
            employee = (
                by_rep.get(upstream.rep_id)
                if upstream.rep_id
                else by_external.get(upstream.employee_external_id)
            )
            who = (
                f"rep id {upstream.rep_id}"
                if upstream.rep_id
                else f"employee id {upstream.employee_external_id}"
            )
            if employee is None:
                steps.append(
                    (record.row, record.ref, f"schedule not imported: no employee with {who}")
                )
                continue
            current = live.get(event.pk)
            if current is not None:
                same = current.employee_id == employee.pk and current.start == upstream.start
                if same:
                    if (
                        upstream.external_id
                        and current.external_schedule_id != upstream.external_id
                    ):
                        current.external_schedule_id = upstream.external_id
                        ids_to_store.append(current)
                    continue
                local = timezone.localtime(current.start)
                steps.append(
                    (
                        record.row,
                        record.ref,
                        f"scheduled here for {current.employee.name} at {local:%m/%d/%Y %H:%M}, "
                        f"upstream for {employee.name} at "
                        f"{timezone.localtime(upstream.start):%m/%d/%Y %H:%M}; kept the local one",
                    )
                )
                continue
            requests.append(
                ScheduleRequest(
                    key=record.row, event=event, employee=employee, start=upstream.start
                )
            )
            by_row[record.row] = (record, employee)
            steps.append(record.row)
        # The whole batch through the rules engine from one snapshot (scheduler/bulk.py).
        created = schedule_create_many(
            requests=requests,
            source=ChangeSource.SYNC,
            context=Context.MANUAL,
            # Soft warnings were accepted upstream by whoever scheduled it there; hard
            # violations refuse whatever is acknowledged.
            acknowledge=all_codes,
        )
        for step in steps:
            if isinstance(step, tuple):
                outcome.error(*step, kind="conflict")
                continue
            record, employee = by_row[step]
            exc = created.refused.get(step)
            if isinstance(exc, (RuleViolationError, UnacknowledgedWarningsError)):
                codes = ", ".join(sorted({str(e.get("code")) for e in exc.errors})) or exc.code
                outcome.error(
                    record.row,
                    record.ref,
                    f"schedule for {employee.name} not imported: breaks {codes}",
                    kind="conflict",
                )
                continue
            if exc is not None:
                outcome.error(
                    record.row,
                    record.ref,
                    f"schedule for {employee.name} not imported: {exc.detail}",
                    kind="conflict",
                )
                continue
            result = created.created[step]
            outcome.schedules_imported += 1
            external_id = record.schedule.external_id if record.schedule else ""
            if external_id:
                result.schedule.external_schedule_id = external_id
                ids_to_store.append(result.schedule)
        if ids_to_store:
            Schedule.objects.bulk_update(ids_to_store, ["external_schedule_id"])
        progress("schedules", min(offset + BATCH_SIZE, total), total)
