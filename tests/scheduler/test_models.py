import datetime as dt

import pytest
from django.utils import timezone

from scheduler.models import Schedule
from tests.employees.test_models import assert_rejected
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


def test_end_must_be_after_start() -> None:
    start = store_local(2026, 12, 15, 10, 45)
    assert_rejected(ScheduleFactory, start=start, end=start)
    assert_rejected(ScheduleFactory, start=start, end=start - dt.timedelta(minutes=1))


def test_at_most_one_live_schedule_per_event() -> None:
    event = EventFactory.create()
    first = ScheduleFactory.create(event=event)
    assert_rejected(ScheduleFactory, event=event)
    # Once unscheduled, the old row stays as history and a new live one is allowed.
    first.unscheduled_at = timezone.now()
    first.save()
    ScheduleFactory.create(event=event)
    assert Schedule.objects.filter(event=event).count() == 2
    assert Schedule.objects.live().filter(event=event).count() == 1


def test_employee_with_schedules_cannot_be_deleted() -> None:
    from django.db.models import ProtectedError

    schedule = ScheduleFactory.create()
    with pytest.raises(ProtectedError):
        schedule.employee.delete()


def test_str_uses_store_local_time() -> None:
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    assert str(schedule).endswith("2026-12-15 10:45")
    assert schedule.is_live
