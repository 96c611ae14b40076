"""The sync runs and the push outbox in the admin: read-only lists with constant
queries, the row report, and the "send again" action. Also the periodic task."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from planning.models import PendingPush, PushState, SyncRun
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import mplan
from tests.queries import count_queries
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


def _runs(n: int) -> None:
    for _ in range(n):
        SyncRun.objects.create(
            trigger="task",
            status="succeeded",
            errors=[{"row": 3, "ref": "ABC-17", "kind": "skipped", "reason": "not a number"}],
        )


def _pushes(n: int, state: str = PushState.PENDING) -> list[PendingPush]:
    pushes = []
    for _ in range(n):
        schedule = ScheduleFactory.create(
            event=EventFactory.create(), employee=EmployeeFactory.create()
        )
        pushes.append(
            PendingPush.objects.create(
                schedule=schedule, event=schedule.event, action="schedule", state=state
            )
        )
    return pushes


@pytest.mark.parametrize(
    ("model", "make"), [("syncrun", _runs), ("pendingpush", _pushes)], ids=["runs", "outbox"]
)
def test_changelists_run_constant_queries(staff_client: Client, model, make):
    url = reverse(f"admin:planning_{model}_changelist")
    make(2)
    before, response = count_queries(lambda: staff_client.get(url))
    assert response.status_code == 200
    make(5)
    after, response = count_queries(lambda: staff_client.get(url))
    assert response.status_code == 200
    assert before == after


def test_run_page_shows_the_row_report(staff_client: Client):
    _runs(1)
    run = SyncRun.objects.get()

    page = staff_client.get(reverse("admin:planning_syncrun_change", args=[run.pk]))

    assert page.status_code == 200
    assert "record 3 (ref ABC-17) · skipped: not a number" in page.content.decode()
    assert staff_client.get(reverse("admin:planning_syncrun_add")).status_code == 403


def test_send_again_requeues_failed_pushes(staff_client: Client):
    (failed,) = _pushes(1, PushState.FAILED)
    (sent,) = _pushes(1, PushState.SENT)

    response = staff_client.post(
        reverse("admin:planning_pendingpush_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == PushState.PENDING
    assert sent.state == PushState.SENT


def test_admin_is_staff_only(client: Client, manager_user):
    client.force_login(manager_user)
    response = client.get(reverse("admin:planning_pendingpush_changelist"))
    assert response.status_code == 302


def test_periodic_task_syncs_the_default_interval(sync_on, time_machine):
    from planning.tasks import sync_events

    time_machine.move_to(store_local(2026, 12, 14, 6))
    sync_on.add(mplan(9100001, "606001-CORE-A", dt.date(2026, 12, 14), dt.date(2026, 12, 19)))

    result = sync_events.enqueue()

    assert (result.return_value or {}).get("status") == "succeeded"
    run = SyncRun.objects.get()
    assert (run.trigger, run.created) == ("task", 1)
    assert (run.interval_start, run.interval_end) == (dt.date(2026, 12, 7), dt.date(2027, 1, 18))
