"""Two managers press "Publish" for the same week at the same moment: real threads on
PostgreSQL. Exactly one publication and one set of digests; the other is told nothing
changed (409); nothing is half-written."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from selfservice.models import Notice, WeekPublication
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4
ROUNDS = 5


def race(manager: User, monday: dt.date) -> list[tuple[int, str]]:
    """POST the week's publication from THREADS threads, all released at once."""
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = [(0, "")] * THREADS

    def worker(index: int) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_login(manager)
            barrier.wait(timeout=30)
            response = client.post(
                f"/api/v1/weeks/{monday.isoformat()}/publication/", {}, format="json"
            )
            body: Any = response.json()
            results[index] = (response.status_code, body.get("code", ""))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_one_week_published_at_once_by_several_managers_is_published_once(
    manager_user: User,
) -> None:
    for round_number in range(ROUNDS):
        monday = dt.date(2027, 1, 4) + dt.timedelta(weeks=round_number)
        for i in range(3):
            day = monday + dt.timedelta(days=i)
            ScheduleFactory.create(
                event=EventFactory.create(
                    start_datetime=store_local(day.year, day.month, day.day),
                    due_datetime=store_local(day.year, day.month, day.day) + dt.timedelta(days=1),
                ),
                employee=EmployeeFactory.create(),
                start=store_local(day.year, day.month, day.day, 10),
            )
        results = race(manager_user, monday)

        outcomes = Counter(results)
        assert outcomes[(201, "")] == 1, outcomes
        assert sum(n for (status, _), n in outcomes.items() if status == 409) == THREADS - 1
        assert WeekPublication.objects.filter(week_start=monday).count() == 1
        assert WeekPublication.objects.get(week_start=monday).digests == 3
    assert Notice.objects.count() == 3 * ROUNDS
