"""Call-outs and attendance under concurrent edits: real threads on PostgreSQL.

Two managers cover two people out at the same time and both plans pick the same free
colleague for overlapping Core events: exactly one replacement lands, the other row is
refused alone (in a 201 answer), nothing is a 5xx and nobody is double-booked. Two
managers marking one schedule at once leave one record.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from attendance.models import AttendanceRecord
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(user: Any, calls: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[int, Any]]:
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, Any]] = [(0, None)] * len(calls)

    def worker(index: int) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_login(user)
            method, url, body = calls[index]
            barrier.wait(timeout=30)
            response = getattr(client, method)(url, body, format="json")
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_call_outs_racing_for_one_replacement(manager_user) -> None:
    for _ in range(5):
        Schedule.objects.all().delete()
        ann, bob = EmployeeFactory.create(), EmployeeFactory.create()
        free = EmployeeFactory.create()
        mine = [
            ScheduleFactory.create(
                event=EventFactory.create(
                    start_datetime=store_local(2030, 1, 1), due_datetime=store_local(2030, 1, 9)
                ),
                employee=person,
                start=store_local(2030, 1, 8, 10, 45),
            )
            for person in (ann, bob)
        ]
        body = {
            "reason": "sick",
            "first_day": "2030-01-08",
            "replacements": [],
        }
        calls = [
            (
                "post",
                f"/api/v1/employees/{person.pk}/call-out/",
                {**body, "replacements": [{"schedule": s.pk, "employee": free.pk}]},
            )
            for person, s in zip((ann, bob), mine, strict=True)
        ]

        results = race(manager_user, calls)

        assert [status for status, _ in results] == [201, 201]
        outcomes = sorted(body["outcomes"][0]["outcome"] for _, body in results)
        assert outcomes == ["refused", "replaced"]
        refused = next(b for _, b in results if b["outcomes"][0]["outcome"] == "refused")
        assert {e["code"] for e in refused["outcomes"][0]["errors"]} & {
            "overlap",
            "core_daily_limit",
            "conflict",
        }
        assert Schedule.objects.live().filter(employee=free).count() == 1


def test_two_managers_marking_one_schedule_at_once_leave_one_record(manager_user) -> None:
    schedule = ScheduleFactory.create(start=store_local(2026, 12, 1, 10, 45))
    for _ in range(5):
        AttendanceRecord.objects.all().delete()
        results = race(
            manager_user,
            [
                ("put", f"/api/v1/schedules/{schedule.pk}/attendance/", {"status": "on_time"}),
                ("put", f"/api/v1/schedules/{schedule.pk}/attendance/", {"status": "excused"}),
                ("put", f"/api/v1/schedules/{schedule.pk}/attendance/", {"status": "called_in"}),
            ],
        )
        assert [status for status, _ in results] == [200, 200, 200]
        assert AttendanceRecord.objects.filter(schedule=schedule).count() == 1
