"""Two outbox workers at once (PostgreSQL, real threads): each push is sent once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from events.models import Event
from planning.models import PendingPush, PushState
from planning.push import push_deliver
from scheduler.services import schedule_create
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import Fault, mplan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4


def test_concurrent_workers_send_each_push_exactly_once(sync_on):
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
        # Transactional test: on_commit runs for real, and the first attempts fail.
        sync_on.fail("login", *[Fault(status=503)] * 4)
        schedule_create(
            event=event, employee=EmployeeFactory.create(), start=store_local(2026, 12, 15, 10, 45)
        )
    assert PendingPush.objects.filter(state=PushState.PENDING).count() == 3
    sync_on.faults.clear()
    # Slow answers keep each claimed row locked while the other workers look at it.
    sync_on.fail("schedule", *[Fault(passthrough=True, delay=0.2)] * 3)
    latest = PendingPush.objects.order_by("-next_attempt_at").values_list(
        "next_attempt_at", flat=True
    )[0]
    later = latest + dt.timedelta(seconds=1)
    barrier = threading.Barrier(WORKERS)
    totals: list[dict[str, int]] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            totals.append(push_deliver(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(t["sent"] for t in totals) == 3
    assert sync_on.calls["schedule"] == 3
    assert len(sync_on.scheduled) == 3
    assert set(PendingPush.objects.values_list("state", flat=True)) == {PushState.SENT}


def test_a_slow_send_does_not_lock_the_employee_or_the_event(sync_on, settings):
    from django.db import transaction

    settings.SYNC_TIMEOUT_SECONDS = 30
    employee = EmployeeFactory.create()
    first, second = EventFactory.create(), EventFactory.create()
    sync_on.add(
        mplan(
            first.project_ref_num, first.project_name, dt.date(2026, 12, 14), dt.date(2026, 12, 19)
        )
    )
    sync_on.fail("login", *[Fault(status=503)] * 4)  # the on-commit send fails: pending
    schedule_create(event=first, employee=employee, start=store_local(2026, 12, 15, 10, 45))
    push = PendingPush.objects.get()
    gate = threading.Event()
    sync_on.faults.clear()
    sync_on.fail("schedule", Fault(gate=gate))
    results: list[dict[str, int]] = []

    def sender() -> None:
        try:
            results.append(push_deliver(now=push.next_attempt_at + dt.timedelta(seconds=1)))
        finally:
            connection.close()

    thread = threading.Thread(target=sender)
    thread.start()
    try:
        assert sync_on.held.wait(timeout=30)  # the send is in flight, its row claimed
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")  # blocked = an error, not a hang
            # The same employee and the event being pushed stay free for the managers.
            sync_on.fail("login", *[Fault(status=503)] * 4)
            schedule_create(
                event=second, employee=employee, start=store_local(2026, 12, 17, 10, 45)
            )
            list(Event.objects.select_for_update().filter(pk=first.pk))
    finally:
        gate.set()
        thread.join(timeout=60)

    assert results[0]["sent"] == 1
    push.refresh_from_db()
    assert push.state == PushState.SENT
