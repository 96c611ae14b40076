"""Push outbox: schedule changes reach the planning system exactly once, even when it
is down; nothing is queued while sync is off or for changes that came from the sync."""

import datetime as dt

import pytest
from django.utils import timezone

from core.exceptions import ExternalAPIError
from planning import push
from planning.models import PendingPush, PushAction, PushState
from planning.push import outbox_record, push_deliver
from scheduler.models import ChangeSource, Schedule, ScheduleAction
from scheduler.services import (
    RuleViolationError,
    schedule_create,
    schedule_reschedule,
    schedule_unschedule,
)
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import Fault, mplan

pytestmark = pytest.mark.django_db

START = store_local(2026, 12, 15, 10, 45)


@pytest.fixture
def event(sync_on):
    event = EventFactory.create(project_ref_num=9100001, location_id="11584")
    sync_on.add(mplan(9100001, event.project_name, dt.date(2026, 12, 14), dt.date(2026, 12, 19)))
    return event


@pytest.fixture
def employee():
    return EmployeeFactory.create(rep_id=424242)


def test_schedule_is_pushed_after_commit_and_its_id_stored(
    sync_on, event, employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = schedule_create(event=event, employee=employee, start=START)

    push = PendingPush.objects.get()
    assert (push.action, push.state, push.attempts) == (PushAction.SCHEDULE, PushState.SENT, 1)
    (sent_id,) = sync_on.scheduled
    assert sync_on.scheduled[sent_id]["RepID"] == "424242"
    assert sync_on.scheduled[sent_id]["mPlanID"] == "9100001"
    assert sync_on.scheduled[sent_id]["LocationID"] == "11584"
    assert sync_on.scheduled[sent_id]["Start"] == "2026-12-15T10:45:00-05:00"
    result.schedule.refresh_from_db()
    assert result.schedule.external_schedule_id == push.external_schedule_id == sent_id


def test_the_outbox_row_commits_with_the_change_and_only_with_it(
    sync_on, event, employee, django_capture_on_commit_callbacks
):
    TimeOffFactory.create(employee=employee, start_date=dt.date(2026, 12, 15))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuleViolationError),
    ):
        schedule_create(event=event, employee=employee, start=START)

    assert callbacks == []
    assert not PendingPush.objects.exists()
    assert not Schedule.objects.exists()
    assert sync_on.calls["schedule"] == 0


def test_nothing_is_queued_while_sync_is_off(settings, event, employee):
    settings.SYNC_ENABLED = False

    schedule_create(event=event, employee=employee, start=START)

    assert not PendingPush.objects.exists()


def test_changes_from_the_sync_are_not_pushed_back(sync_on, event, employee):
    result = schedule_create(event=event, employee=employee, start=START, source=ChangeSource.SYNC)

    assert (
        outbox_record(schedule=result.schedule, action=ScheduleAction.CREATE, source="sync") == []
    )
    assert not PendingPush.objects.exists()


def test_server_down_keeps_the_push_then_a_later_run_delivers_it_once(
    sync_on, event, employee, django_capture_on_commit_callbacks
):
    sync_on.fail("login", *[Fault(status=503)] * 4)

    with django_capture_on_commit_callbacks(execute=True):
        result = schedule_create(event=event, employee=employee, start=START)

    push = PendingPush.objects.get()
    assert (push.state, push.attempts) == (PushState.PENDING, 1)
    assert "unavailable" in push.last_error
    assert push.next_attempt_at > timezone.now()
    assert Schedule.objects.live().get() == result.schedule  # the local change stands
    assert push_deliver() == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0, "waiting": 0}

    later = push.next_attempt_at + dt.timedelta(seconds=1)
    counts = push_deliver(now=later)
    again = push_deliver(now=later)

    assert counts["sent"] == 1 and again["sent"] == 0
    assert len(sync_on.scheduled) == 1
    push.refresh_from_db()
    assert (push.state, push.attempts) == (PushState.SENT, 2)


def test_a_timeout_after_sending_is_not_sent_twice(
    sync_on, event, employee, django_capture_on_commit_callbacks
):
    # The planning system schedules it but answers too late: outcome unknown here.
    sync_on.fail("schedule", Fault(status=200, delay=0.8, apply_after=True))

    with django_capture_on_commit_callbacks(execute=True):
        schedule_create(event=event, employee=employee, start=START)

    push = PendingPush.objects.get()
    assert push.state == PushState.PENDING
    counts = push_deliver(now=push.next_attempt_at + dt.timedelta(seconds=1))

    assert counts["sent"] == 1
    assert len(sync_on.scheduled) == 1  # looked up first, not scheduled twice
    assert sync_on.calls["schedule"] == 1
    push.refresh_from_db()
    assert push.external_schedule_id in sync_on.scheduled


def test_gives_up_after_the_configured_attempts(
    sync_on, settings, event, employee, django_capture_on_commit_callbacks
):
    settings.SYNC_PUSH_MAX_ATTEMPTS = 2
    sync_on.fail("login", *[Fault(status=503)] * 8)

    with django_capture_on_commit_callbacks(execute=True):
        schedule_create(event=event, employee=employee, start=START)
    push = PendingPush.objects.get()
    push_deliver(now=push.next_attempt_at + dt.timedelta(seconds=1))

    push.refresh_from_db()
    assert (push.state, push.attempts) == (PushState.FAILED, 2)


@pytest.mark.django_db(transaction=True)
def test_unschedule_and_reschedule_are_pushed_in_order(sync_on, event, employee):
    # Real commits: each change's on-commit send runs as in production.
    result = schedule_create(event=event, employee=employee, start=START)
    (first_id,) = sync_on.scheduled

    moved = schedule_reschedule(schedule=result.schedule, start=START + dt.timedelta(hours=1))
    (second_id,) = sync_on.scheduled
    assert sync_on.unscheduled == [first_id]
    assert sync_on.scheduled[second_id]["Start"] == "2026-12-15T11:45:00-05:00"

    schedule_unschedule(schedule=moved.schedule)

    assert sync_on.scheduled == {}
    assert sync_on.unscheduled == [first_id, second_id]
    assert list(PendingPush.objects.values_list("action", "state")) == [
        ("schedule", "sent"),
        ("unschedule", "sent"),
        ("schedule", "sent"),
        ("unschedule", "sent"),
    ]


def test_employee_without_rep_id_is_skipped_with_the_reason(
    sync_on, event, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory.create(rep_id=None, name="No Rep")

    with django_capture_on_commit_callbacks(execute=True):
        schedule_create(event=event, employee=employee, start=START)

    push = PendingPush.objects.get()
    assert push.state == PushState.SKIPPED
    assert push.last_error == "No Rep has no planning-system rep id."
    assert sync_on.calls["schedule"] == 0


def test_nothing_due_needs_no_connection(settings):
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = ""
    assert push_deliver() == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0, "waiting": 0}


def test_configuration_error_is_raised_when_there_is_work(sync_on, settings, event, employee):
    schedule_create(event=event, employee=employee, start=START)  # on_commit not run
    settings.SYNC_BASE_URL = ""

    with pytest.raises(Exception) as raised:
        push_deliver()

    assert not isinstance(raised.value, ExternalAPIError)
    assert PendingPush.objects.get().state == PushState.PENDING


def test_many_changes_in_one_transaction_send_once_after_commit(
    sync_on, django_capture_on_commit_callbacks
):
    from django.db import transaction

    employee = EmployeeFactory.create(rep_id=424242)
    events = [EventFactory.create() for _ in range(3)]
    for event in events:
        sync_on.add(
            mplan(
                event.project_ref_num,
                event.project_name,
                dt.date(2026, 12, 14),
                dt.date(2026, 12, 19),
            )
        )

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for day, event in zip((15, 16, 17), events, strict=True):
            schedule_create(
                event=event, employee=employee, start=store_local(2026, 12, day, 10, 45)
            )

    # One send of the push outbox (other apps' handlers may queue their own callbacks).
    assert [c for c in callbacks if c is push._dispatch] == [push._dispatch]
    assert len(sync_on.scheduled) == 3
    assert set(PendingPush.objects.values_list("state", flat=True)) == {PushState.SENT}
