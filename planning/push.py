"""Push outbox: local schedule changes → the planning system (docs/planning-system.md).

`outbox_record` is the scheduler's "schedule changed" hook handler (scheduler/hooks.py,
registered in planning/wiring.py): it runs inside the transaction that changes a
schedule, so the "pending push" row commits (or rolls back) with the change itself.
After commit a background task (`planning.tasks.deliver_pushes`) sends pending rows in id
order; a failure leaves the row pending with a backoff (`next_attempt_at`), so nothing
is lost while the planning system is down, and `manage.py deliver_pushes` (cron) or the
next change retries it. Each row is sent at most once: it is claimed under a row lock
(`skip_locked`), and a schedule whose earlier outcome is unknown (a timeout after the
request was sent) is first looked up upstream before it is sent again.

Changes made by the sync itself (source SYNC) came from the planning system and are
never pushed back.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import local_date
from core.exceptions import ExternalAPIError
from core.features import get_feature
from core.outbox import deliver_due, dispatch_on_commit, retry_later
from planning.client import PlanningClient
from planning.models import PendingPush, PushAction, PushState
from scheduler.hooks import ScheduleChanged

logger = logging.getLogger(__name__)

# ScheduleAction values (scheduler.models) → what the planning system must do.
_ACTIONS = {
    "create": (PushAction.SCHEDULE,),
    "reschedule": (PushAction.UNSCHEDULE, PushAction.SCHEDULE),
    "reassign": (PushAction.UNSCHEDULE, PushAction.SCHEDULE),
    "trade": (PushAction.UNSCHEDULE, PushAction.SCHEDULE),
    "unschedule": (PushAction.UNSCHEDULE,),
}


def push_enabled() -> bool:
    return get_feature("sync").enabled


def outbox_record(*, schedule: Any, action: str, source: str) -> list[PendingPush]:
    """Queue what the planning system must do for this schedule change.

    Call inside the transaction of the change. Does nothing when sync is off or when
    the change came from the sync itself. The sending task is dispatched on commit.
    """
    if source == "sync" or not push_enabled():
        return []
    rows = []
    for push_action in _ACTIONS.get(str(action), ()):
        payload: dict[str, Any] = {}
        if push_action == PushAction.SCHEDULE:
            payload = {
                "employee": schedule.employee_id,
                "start": schedule.start.isoformat(),
                "end": schedule.end.isoformat(),
            }
        rows.append(
            PendingPush(
                schedule=schedule,
                event_id=schedule.event_id,
                action=push_action,
                payload=payload,
            )
        )
    created = PendingPush.objects.bulk_create(rows)
    dispatch_on_commit(_dispatch)  # once per transaction, however many rows
    return created


def outbox_on_schedule_changed(change: ScheduleChanged) -> None:
    """The handler of the scheduler's "schedule changed" hook."""
    outbox_record(schedule=change.schedule, action=change.action, source=change.source)


def _dispatch() -> None:
    from planning.tasks import deliver_pushes

    deliver_pushes.enqueue()


def push_deliver(
    *, client: PlanningClient | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Send every due pending push, in id order; returns counts by outcome."""
    return deliver_due(
        PendingPush.objects.filter(state=PushState.PENDING),
        _deliver_one,
        outcomes=("sent", "failed", "retry", "skipped", "waiting"),
        client=client,
        connect=PlanningClient.from_settings,
        now=now,
    )


def _deliver_one(pk: int, client: PlanningClient) -> str:
    with transaction.atomic():
        item = (
            # Lock only the outbox row (`of`), never the schedule, event or employee
            # joined here: the scheduling services lock those, and a send may be slow.
            PendingPush.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("schedule", "schedule__employee", "event")
            .filter(pk=pk, state=PushState.PENDING)
            .first()
        )
        if item is None:
            return "waiting"  # sent or claimed by another worker meanwhile
        earlier = PendingPush.objects.filter(schedule_id=item.schedule_id, pk__lt=item.pk).filter(
            Q(state=PushState.PENDING)
        )
        if earlier.exists():
            return "waiting"  # keep each schedule's changes in order
        item.attempts += 1
        try:
            outcome = _send(item, client)
        except ExternalAPIError as exc:
            return _failed(item, exc)
        item.state = outcome
        item.sent_at = timezone.now() if outcome == PushState.SENT else None
        item.last_error = "" if outcome == PushState.SENT else item.last_error
        item.save()
        return "sent" if outcome == PushState.SENT else "skipped"


def _send(item: PendingPush, client: PlanningClient) -> str:
    schedule = item.schedule
    if item.action == PushAction.UNSCHEDULE:
        external_id = item.payload.get("id") or schedule.external_schedule_id
        if not external_id:
            item.last_error = "Never reached the planning system; nothing to unschedule there."
            return PushState.SKIPPED
        client.unschedule(schedule_id=external_id)
        item.external_schedule_id = external_id
        item.payload = {**item.payload, "id": external_id}
        type(schedule).objects.filter(pk=schedule.pk, external_schedule_id=external_id).update(
            external_schedule_id=""
        )
        return PushState.SENT
    from employees.models import Employee

    employee = Employee.objects.get(pk=item.payload["employee"])
    if employee.rep_id is None:
        item.last_error = f"{employee.name} has no planning-system rep id."
        return PushState.SKIPPED
    start = dt.datetime.fromisoformat(item.payload["start"])
    end = dt.datetime.fromisoformat(item.payload["end"])
    external_id = ""
    if item.attempts > 1:
        external_id = _already_there(item, client, rep_id=employee.rep_id, start=start)
    if not external_id:
        zone = timezone.get_current_timezone()
        external_id = client.schedule(
            rep_id=employee.rep_id,
            mplan_id=item.event.project_ref_num,
            location_id=item.event.location_id,
            start=start.astimezone(zone),
            end=end.astimezone(zone),
        )
    item.external_schedule_id = external_id
    type(schedule).objects.filter(pk=schedule.pk).update(external_schedule_id=external_id)
    return PushState.SENT


def _already_there(
    item: PendingPush, client: PlanningClient, *, rep_id: int, start: dt.datetime
) -> str:
    """After an attempt whose outcome is unknown: the schedule id upstream, if that
    attempt did schedule the event after all."""
    day = local_date(start)
    for raw in client.get_mplans(start=day, end=day):
        if str(raw.get("mPlanID")) != str(item.event.project_ref_num):
            continue
        if str(raw.get("scheduleRepID") or "") == str(rep_id) and raw.get("scheduleEventID"):
            return str(raw["scheduleEventID"])[:64]
    return ""


def _failed(item: PendingPush, exc: ExternalAPIError) -> str:
    item.last_error = exc.detail[:300]
    outcome = retry_later(
        item, max_attempts=settings.SYNC_PUSH_MAX_ATTEMPTS, failed_state=PushState.FAILED
    )
    item.save()
    logger.warning(
        "Push %s (%s schedule %s) attempt %d failed: %s",
        item.pk,
        item.action,
        item.schedule_id,
        item.attempts,
        exc.detail,
    )
    return outcome


def push_retry(*, push: PendingPush) -> PendingPush:
    """Put a failed or waiting push back in the queue, due now (admin action)."""
    with transaction.atomic():
        PendingPush.objects.filter(
            pk=push.pk, state__in=[PushState.FAILED, PushState.PENDING]
        ).update(state=PushState.PENDING, next_attempt_at=timezone.now())
        transaction.on_commit(_dispatch, robust=True)
    push.refresh_from_db()
    return push
