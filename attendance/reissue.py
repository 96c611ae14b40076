"""Reissue an unreported event in the planning system (sync on).

`reissue_request` records the request (a `Reissue` outbox row and an audit row) in one
transaction and sends it after commit; `reissue_deliver` sends the due rows: the
planning system's reissue (createPendingWork) to the rep with the expiration date, then
the schedule again (scheduleMplanEvent). A failed attempt waits and retries with
backoff; an attempt whose outcome is unknown (a timeout after sending) is followed by a
look-up of the event upstream, so the reissue and the schedule are never sent twice. A
refusal (`success: false`) ends the row with the planning system's message.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from attendance.models import Reissue, ReissueState
from attendance.selectors import unreported_schedules
from core.exceptions import (
    ConflictError,
    ExternalAPIError,
    InvalidInputError,
    NotFoundError,
    SyncDisabledError,
)
from core.features import get_feature
from core.outbox import deliver_due, retry_later
from employees.models import Employee
from events.models import EventCondition
from planning.client import PlanningClient, ReissueRefused
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange

logger = logging.getLogger(__name__)


def _snapshot(schedule: Schedule, employee: Employee) -> dict[str, Any]:
    return {
        "employee": employee.pk,
        "employee_name": employee.name,
        "start": timezone.localtime(schedule.start).isoformat(),
        "end": timezone.localtime(schedule.end).isoformat(),
    }


@transaction.atomic
def reissue_request(
    *,
    schedule: Schedule,
    employee: Employee,
    expiration_date: dt.date,
    include_responses: bool = False,
    by: Any = None,
    today: dt.date | None = None,
) -> Reissue:
    """Queue the reissue of `schedule` (unreported) to `employee` until `expiration_date`.

    To another employee, the local schedule is reassigned at once (it is in the past:
    the scheduling rules, which are about planning, do not apply; the database still
    forbids an overlap). Sent after commit.
    """
    if not get_feature("sync").enabled:
        raise SyncDisabledError()
    today = today or timezone.localdate()
    schedule = (
        Schedule.objects.select_for_update(of=("self",))
        .select_related("event", "employee")
        .filter(pk=schedule.pk)
        .first()
    ) or _missing()
    if not unreported_schedules(today=today).filter(pk=schedule.pk).exists():
        raise ConflictError("This event is not unreported (any more); reload the list.")
    if not schedule.external_schedule_id:
        raise InvalidInputError(
            "This schedule never reached the planning system: there is nothing to reissue.",
            code="not_in_planning_system",
        )
    if employee.rep_id is None:
        raise InvalidInputError(f"{employee.name} has no planning-system rep id.", code="no_rep_id")
    if expiration_date <= today:
        raise InvalidInputError(
            "The expiration date must be after today.", code="invalid_expiration"
        )
    previous = schedule.employee
    reissue = Reissue(
        schedule=schedule,
        employee=employee,
        previous_employee=previous,
        work_log_entry_id=schedule.external_schedule_id,
        expiration_date=expiration_date,
        include_responses=include_responses,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    reissue.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reissue.save()
            if employee.pk != previous.pk:
                Schedule.objects.filter(pk=schedule.pk).update(
                    employee=employee, updated_at=timezone.now()
                )
    except IntegrityError:
        raise ConflictError(
            "A reissue of this schedule is already on its way, or "
            f"{employee.name} was working at that time."
        ) from None
    ScheduleChange.objects.create(
        schedule=schedule,
        event_id=schedule.event_id,
        action=ScheduleAction.REASSIGN if employee.pk != previous.pk else ScheduleAction.RESCHEDULE,
        source=ChangeSource.REISSUE,
        by=reissue.created_by,
        before=_snapshot(schedule, previous),
        after=_snapshot(schedule, employee),
        note=f"Reissue to {employee.name} until {expiration_date:%Y-%m-%d} requested.",
    )
    # Not `scheduler.hooks.schedule_changed`: this change reaches the planning system
    # through the reissue itself (the push outbox would send it a second time), and it
    # is in the past, which no employee notice tells.
    transaction.on_commit(_dispatch, robust=True)
    return reissue


def _missing() -> Any:
    raise NotFoundError("No such schedule.")


def _dispatch() -> None:
    from attendance.tasks import deliver_reissues

    deliver_reissues.enqueue()


def reissue_deliver(
    *, client: PlanningClient | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Send every due reissue, oldest first; counts by outcome."""
    return deliver_due(
        Reissue.objects.filter(state=ReissueState.PENDING),
        _deliver_one,
        outcomes=("sent", "refused", "retry", "failed", "waiting"),
        client=client,
        connect=PlanningClient.from_settings,
        now=now,
    )


def _deliver_one(pk: int, client: PlanningClient) -> str:
    with transaction.atomic():
        item = (
            Reissue.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("schedule", "schedule__event", "employee")
            .filter(pk=pk, state=ReissueState.PENDING)
            .first()
        )
        if item is None:
            return "waiting"
        item.attempts += 1
        try:
            _send(item, client)
        except ReissueRefused as exc:
            item.state = ReissueState.REFUSED
            item.message = str(exc.detail)[:300]
            item.save()
            return "refused"
        except ExternalAPIError as exc:
            item.message = str(exc.detail)[:300]
            outcome = retry_later(
                item, max_attempts=settings.SYNC_PUSH_MAX_ATTEMPTS, failed_state=ReissueState.FAILED
            )
            item.save()
            logger.warning("Reissue %s attempt %d failed: %s", item.pk, item.attempts, exc.detail)
            return outcome
        item.state = ReissueState.SENT
        item.sent_at = timezone.now()
        item.message = ""
        item.save()
        schedule = item.schedule
        Schedule.objects.filter(pk=schedule.pk).update(
            external_schedule_id=item.external_schedule_id
        )
        type(schedule.event).objects.filter(pk=schedule.event_id).update(
            condition=EventCondition.REISSUED
        )
        return "sent"


def _upstream(item: Reissue, client: PlanningClient) -> dict[str, Any] | None:
    """The event as the planning system has it now (a look-up after an unknown outcome)."""
    day = item.schedule.work_date
    for raw in client.get_mplans(start=day, end=day):
        if str(raw.get("mPlanID")) == str(item.schedule.event.project_ref_num):
            return raw
    return None


def _send(item: Reissue, client: PlanningClient) -> None:
    event = item.schedule.event
    rep_id = item.employee.rep_id
    if rep_id is None:
        raise ReissueRefused(f"{item.employee.name} has no planning-system rep id.")
    if not item.reissued and item.attempts > 1:
        # The last attempt may have reissued it before failing: look before resending.
        found = _upstream(item, client)
        if found is not None and (
            str(found.get("condition", "")).lower() == "reissued"
            or str(found.get("scheduleEventID") or "") not in ("", item.work_log_entry_id)
        ):
            item.reissued = True
    if not item.reissued:
        client.reissue(
            work_log_entry_id=item.work_log_entry_id,
            store_id=event.store_number,
            mplan_id=event.project_ref_num,
            rep_id=rep_id,
            expiration_date=item.expiration_date,
            include_responses=item.include_responses,
        )
        item.reissued = True
        Reissue.objects.filter(pk=item.pk).update(reissued=True, attempts=item.attempts)
    if item.attempts > 1 or item.external_schedule_id:
        found = _upstream(item, client)
        if (
            found is not None
            and str(found.get("scheduleRepID") or "") == str(rep_id)
            and str(found.get("scheduleEventID") or "") not in ("", item.work_log_entry_id)
        ):
            item.external_schedule_id = str(found["scheduleEventID"])[:64]
            return
    zone = timezone.get_current_timezone()
    item.external_schedule_id = client.schedule(
        rep_id=rep_id,
        mplan_id=event.project_ref_num,
        location_id=event.location_id,
        start=item.schedule.start.astimezone(zone),
        end=item.schedule.end.astimezone(zone),
    )
