"""Two managers can never double-book one person: real threads on PostgreSQL.

Each round, 8 threads at once try to give one employee 8 different events at clashing
times through the API. Exactly one wins; every other gets a 400/409 problem; nothing
5xx; no deadlock. Then an SQL check finds no overlapping pair. The same again with the
row locks switched off (a test-only setting) shows the database constraints hold alone.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.events.factories import EventFactory, store_local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
ROUNDS = 30


def race(manager: Any, payloads: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """POST each payload from its own thread, all released at once."""
    barrier = threading.Barrier(len(payloads))
    results: list[tuple[int, str]] = [(0, "")] * len(payloads)

    def worker(index: int) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_login(manager)
            barrier.wait(timeout=30)
            response = client.post("/api/v1/schedules/", payloads[index], format="json")
            code = response.json().get("code", "") if response.status_code >= 400 else ""
            results[index] = (response.status_code, code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def overlapping_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM scheduler_schedule a JOIN scheduler_schedule b
              ON a.employee_id = b.employee_id AND a.id < b.id
             AND a.unscheduled_at IS NULL AND b.unscheduled_at IS NULL
             AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
            """
        )
        return int(cursor.fetchone()[0])


def two_cores_a_day() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
              SELECT employee_id, work_date FROM scheduler_schedule
               WHERE unscheduled_at IS NULL AND is_core
               GROUP BY employee_id, work_date HAVING count(*) > 1) AS doubled
            """
        )
        return int(cursor.fetchone()[0])


def run_rounds(manager: Any, make_payloads: Any) -> Counter[tuple[int, str]]:
    outcomes: Counter[tuple[int, str]] = Counter()
    for round_number in range(ROUNDS):
        results = race(manager, make_payloads(round_number))
        assert sum(1 for status, _ in results if status == 201) == 1, results
        assert all(status in (201, 400, 409) for status, _ in results), results
        outcomes.update(results)
    return outcomes


def overlapping_payloads(employee: Any) -> Any:
    def make(round_number: int) -> list[dict[str, Any]]:
        day = store_local(2026, 12, 14) + dt.timedelta(days=round_number)
        events = [
            EventFactory.create(
                event_type="other",
                project_name=f"{700000 + round_number * 10 + i}-Store Walkthrough",
                estimated_minutes=60,
                start_datetime=day,
                due_datetime=day + dt.timedelta(days=1),
            )
            for i in range(THREADS)
        ]
        # Starts 5 minutes apart, an hour long: every pair overlaps.
        return [
            {
                "event": event.pk,
                "employee": employee.pk,
                "start": (day + dt.timedelta(hours=11, minutes=5 * i)).isoformat(),
                "acknowledge": ["proximity"],
            }
            for i, event in enumerate(events)
        ]

    return make


def core_payloads(employee: Any) -> Any:
    def make(round_number: int) -> list[dict[str, Any]]:
        day = store_local(2026, 12, 14) + dt.timedelta(days=round_number)
        events = [
            EventFactory.create(
                project_name=f"{800000 + round_number * 10 + i}-CORE-Race {i}",
                estimated_minutes=30,
                start_datetime=day,
                due_datetime=day + dt.timedelta(days=1),
            )
            for i in range(THREADS)
        ]
        # Two hours apart: no overlap, no proximity; only one Core a day is allowed.
        return [
            {
                "event": event.pk,
                "employee": employee.pk,
                "start": (day + dt.timedelta(hours=6 + 2 * i)).isoformat(),
            }
            for i, event in enumerate(events)
        ]

    return make


@pytest.mark.parametrize("locks", [True, False], ids=["locks-and-constraints", "constraints-only"])
def test_overlapping_bookings_race(
    manager_user: Any, lead: Any, settings: Any, locks: bool
) -> None:
    settings.SCHEDULER_LOCK_ROWS = locks
    outcomes = run_rounds(manager_user, overlapping_payloads(lead))
    assert outcomes[(201, "")] == ROUNDS
    losers = {key for key in outcomes if key[0] != 201}
    # With the locks, losers see the winner and get the rule (400 overlap); without
    # them, the database refuses the insert and the loser gets a 409 conflict.
    assert losers <= {(400, "rule_violation"), (409, "conflict")}
    if not locks:
        assert (409, "conflict") in losers
    assert overlapping_pairs() == 0


@pytest.mark.parametrize("locks", [True, False], ids=["locks-and-constraints", "constraints-only"])
def test_two_core_events_a_day_race(
    manager_user: Any, lead: Any, settings: Any, locks: bool
) -> None:
    settings.SCHEDULER_LOCK_ROWS = locks
    outcomes = run_rounds(manager_user, core_payloads(lead))
    assert outcomes[(201, "")] == ROUNDS
    assert {key for key in outcomes if key[0] != 201} <= {
        (400, "rule_violation"),
        (409, "conflict"),
    }
    assert two_cores_a_day() == 0
