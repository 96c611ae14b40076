"""Reissue (sync on) against a fake planning system on loopback: success, refusal,
timeout after sending (no double reissue), 5xx with retries; the page's per-row outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from attendance.models import Reissue, ReissueState
from attendance.reissue import reissue_deliver, reissue_request
from core.exceptions import ConflictError, InvalidInputError, SyncDisabledError
from events.models import Event, EventCondition
from scheduler.models import ChangeSource, Schedule, ScheduleChange
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import FakePlanningSystem, Fault, mplan
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seven_am")]

TODAY = dt.date(2026, 12, 15)
EXPIRES = dt.date(2026, 12, 22)


@pytest.fixture
def worked(sync_on: FakePlanningSystem) -> Schedule:
    """Worked on the 10th, pushed (planning id 5001), never reported."""
    event = EventFactory.create(
        project_ref_num=9200001,
        condition=EventCondition.SCHEDULED,
        start_datetime=store_local(2026, 12, 8),
        due_datetime=store_local(2026, 12, 12),
    )
    rep = EmployeeFactory.create(name="Ana Rep", rep_id=4242)
    sync_on.add(
        mplan(
            9200001,
            event.project_name,
            dt.date(2026, 12, 8),
            dt.date(2026, 12, 11),
            condition="Scheduled",
            rep_id=4242,
            schedule_id="5001",
        )
    )
    return ScheduleFactory.create(
        event=event,
        employee=rep,
        start=store_local(2026, 12, 10, 10, 45),
        external_schedule_id="5001",
    )


def request(schedule: Schedule, employee=None, *, by=None, capture=None) -> Reissue:
    return reissue_request(
        schedule=schedule, employee=employee or schedule.employee, expiration_date=EXPIRES, by=by
    )


def test_success_reissues_then_schedules_again(
    worked: Schedule,
    sync_on: FakePlanningSystem,
    manager_user: User,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reissue = request(worked, by=manager_user)

    reissue.refresh_from_db()
    assert (reissue.state, reissue.attempts, reissue.reissued) == (ReissueState.SENT, 1, True)
    (sent,) = sync_on.reissues
    assert sent == {
        "workLogEntryID": "5001",
        "storeID": "8135",
        "mPlanID": "9200001",
        "action": "reissue",
        "overrideReps": "true",
        "overriddenRepIDs": "[4242]",
        "expirationDate": "2026-12-22T00:00:00",
        "includeResponses": "false",
        "public": "true",
    }
    (new_id,) = sync_on.scheduled
    assert sync_on.scheduled[new_id]["RepID"] == "4242"
    assert sync_on.scheduled[new_id]["Start"] == "2026-12-10T10:45:00-05:00"
    worked.refresh_from_db()
    assert worked.external_schedule_id == reissue.external_schedule_id == new_id
    assert Event.objects.get(pk=worked.event_id).condition == EventCondition.REISSUED
    change = ScheduleChange.objects.get(schedule=worked)
    assert (change.source, change.action, change.by) == (
        ChangeSource.REISSUE,
        "reschedule",
        manager_user,
    )


def test_to_another_employee_reassigns_the_schedule(
    worked: Schedule, sync_on: FakePlanningSystem, django_capture_on_commit_callbacks
) -> None:
    other = EmployeeFactory.create(name="Bo Other", rep_id=777)
    with django_capture_on_commit_callbacks(execute=True):
        request(worked, other)

    worked.refresh_from_db()
    assert worked.employee == other
    assert sync_on.reissues[0]["overriddenRepIDs"] == "[777]"
    assert ScheduleChange.objects.get().action == "reassign"


def test_a_refusal_shows_the_planning_systems_message(
    worked: Schedule, sync_on: FakePlanningSystem, django_capture_on_commit_callbacks
) -> None:
    sync_on.refuse_reissue = "Work log entry is past its pay period."
    with django_capture_on_commit_callbacks(execute=True):
        reissue = request(worked)

    reissue.refresh_from_db()
    assert (reissue.state, reissue.message) == (
        ReissueState.REFUSED,
        "Work log entry is past its pay period.",
    )
    assert sync_on.scheduled == {}
    worked.refresh_from_db()
    assert worked.external_schedule_id == "5001"


def test_a_timeout_after_sending_never_reissues_twice(
    worked: Schedule, sync_on: FakePlanningSystem, planning_client, settings
) -> None:
    reissue = request(worked)  # on_commit not run: delivered by hand below
    sync_on.fail("reissue", Fault(status=200, delay=1.0, apply_after=True))

    first = reissue_deliver(client=planning_client)

    reissue.refresh_from_db()
    assert first["retry"] == 1
    assert (reissue.state, reissue.reissued) == (ReissueState.PENDING, False)
    assert "may or may not have been made" in reissue.message
    assert len(sync_on.reissues) == 1  # it did reach the planning system

    Reissue.objects.filter(pk=reissue.pk).update(next_attempt_at=reissue.created_at)
    second = reissue_deliver(client=planning_client)

    reissue.refresh_from_db()
    assert second["sent"] == 1
    assert (reissue.state, reissue.attempts) == (ReissueState.SENT, 2)
    assert len(sync_on.reissues) == 1  # looked up, not resent
    assert len(sync_on.scheduled) == 1


def test_5xx_waits_and_retries_then_fails_after_the_last_attempt(
    worked: Schedule, sync_on: FakePlanningSystem, planning_client, settings
) -> None:
    settings.SYNC_PUSH_MAX_ATTEMPTS = 2
    reissue = request(worked)
    sync_on.fail("reissue", Fault(status=500), Fault(status=500))

    assert reissue_deliver(client=planning_client)["retry"] == 1
    reissue.refresh_from_db()
    assert (reissue.state, reissue.message) == (
        ReissueState.PENDING,
        "The planning system answered HTTP 500.",
    )
    assert reissue.next_attempt_at > reissue.created_at
    assert reissue_deliver(client=planning_client) == {
        "sent": 0,
        "refused": 0,
        "retry": 0,
        "failed": 0,
        "waiting": 0,
    }  # not due yet
    Reissue.objects.filter(pk=reissue.pk).update(next_attempt_at=reissue.created_at)
    assert reissue_deliver(client=planning_client)["failed"] == 1
    reissue.refresh_from_db()
    assert reissue.state == ReissueState.FAILED
    assert sync_on.reissues == [] and sync_on.scheduled == {}


def test_refusals_before_anything_is_sent(worked: Schedule, settings) -> None:
    no_rep = EmployeeFactory.create(rep_id=None)
    with pytest.raises(InvalidInputError, match="has no planning-system rep id"):
        request(worked, no_rep)
    with pytest.raises(InvalidInputError, match="expiration date must be after today"):
        reissue_request(schedule=worked, employee=worked.employee, expiration_date=TODAY)
    request(worked)
    with pytest.raises(ConflictError, match="already on its way"):
        request(worked)
    Event.objects.filter(pk=worked.event_id).update(condition=EventCondition.SUBMITTED)
    with pytest.raises(ConflictError, match="not unreported"):
        request(worked)
    settings.SYNC_ENABLED = False
    with pytest.raises(SyncDisabledError):
        request(worked)
    assert Reissue.objects.count() == 1


def test_never_pushed_cannot_be_reissued(worked: Schedule) -> None:
    Schedule.objects.filter(pk=worked.pk).update(external_schedule_id="")
    worked.refresh_from_db()
    with pytest.raises(InvalidInputError, match="never reached the planning system"):
        request(worked)


def test_the_page_reissues_and_shows_the_outcome_per_row(
    worked: Schedule,
    sync_on: FakePlanningSystem,
    manager: Client,
    django_capture_on_commit_callbacks,
) -> None:
    page = manager.get("/events/unreported/").content.decode()
    assert f'action="/events/unreported/{worked.pk}/reissue/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"/events/unreported/{worked.pk}/reissue/",
            {"employee": worked.employee_id, "expiration_date": "2026-12-22"},
        )
    assert response.status_code == 302
    page = manager.get("/events/unreported/").content.decode()
    # The message was written before the send (which runs on commit, after the view here).
    assert f"{worked.event.project_name}: reissue to Ana Rep is waiting to be sent" in page
    assert "Reissued: Ana Rep, until 22 Dec" in page

    sync_on.refuse_reissue = "Too late."
    Reissue.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            f"/events/unreported/{worked.pk}/reissue/",
            {"employee": worked.employee_id, "expiration_date": "2026-12-22"},
        )
    page = manager.get("/events/unreported/").content.decode()
    assert "Refused by the planning system: Ana Rep, until 22 Dec — Too late." in page


def test_the_page_without_sync_has_no_reissue(worked: Schedule, manager: Client, settings) -> None:
    settings.SYNC_ENABLED = False
    page = manager.get("/events/unreported/").content.decode()
    assert "/reissue/" not in page
    response = manager.post(
        f"/events/unreported/{worked.pk}/reissue/",
        {"employee": worked.employee_id, "expiration_date": "2026-12-22"},
        follow=True,
    )
    assert "Not reissued: Planning-system sync is disabled" in response.content.decode()
    assert Reissue.objects.count() == 0
