"""Every write to a schedule.

For now these enforce the model's own validation (including at most one live schedule
per event); the rules engine (SPEC §3) plugs in here, so every write path — admin, pages,
API, auto-scheduler — keeps going through the same functions.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from employees.models import Employee
from events.models import Event
from scheduler.models import Schedule


def schedule_end(*, event: Event, start: dt.datetime) -> dt.datetime:
    """When a schedule starting at `start` ends: start + the event's duration."""
    return start + event.duration


def schedule_validate(*, schedule: Schedule) -> None:
    """Raise ValidationError unless `schedule` (with `end` set) may be saved as it is.

    Forms call this to show the errors next to their fields before any write; the
    services below call it again inside their transaction.
    """
    if (
        schedule.is_live
        and schedule.event_id is not None
        and Schedule.objects.live()
        .filter(event_id=schedule.event_id)
        .exclude(pk=schedule.pk)
        .exists()
    ):
        raise ValidationError(
            {"event": "This event already has a live schedule; unschedule that one first."},
            code="event_already_scheduled",
        )
    schedule.full_clean()


@transaction.atomic
def schedule_create(
    *, event: Event, employee: Employee, start: dt.datetime, created_by: User | None
) -> Schedule:
    """Schedule `employee` on `event` at `start`; `end` follows from the event's duration."""
    # Lock the event row, so two concurrent writers queue here and the second one sees
    # the first one's live schedule (a ValidationError, not an IntegrityError).
    Event.objects.select_for_update().filter(pk=event.pk).first()
    schedule = Schedule(
        event=event,
        employee=employee,
        start=start,
        end=schedule_end(event=event, start=start),
        created_by=created_by,
    )
    schedule_validate(schedule=schedule)
    schedule.save()
    return schedule


@transaction.atomic
def schedule_update(*, schedule: Schedule, employee: Employee, start: dt.datetime) -> Schedule:
    """Move a live schedule to another employee and/or start time; `end` is recomputed."""
    if not schedule.is_live:
        raise ValidationError(
            "An unscheduled schedule is history and cannot be changed.", code="not_live"
        )
    schedule.employee = employee
    schedule.start = start
    schedule.end = schedule_end(event=schedule.event, start=start)
    schedule_validate(schedule=schedule)
    schedule.save()
    return schedule


@transaction.atomic
def schedule_unschedule(*, schedule: Schedule, by: User | None) -> Schedule:
    """Take a live schedule off its event; the row stays as history."""
    if not schedule.is_live:
        raise ValidationError("This schedule is already unscheduled.", code="not_live")
    schedule.unscheduled_at = timezone.now()
    schedule.unscheduled_by = by
    schedule.save(update_fields=["unscheduled_at", "unscheduled_by", "updated_at"])
    return schedule
