"""Benchmark: one employee's calendar feed with 100 schedules, served end to end.

Builds an employee with N live schedules (one a day from 29 days back, inside the feed's
30-back/90-ahead window) in the benchmark database, then requests
`/calendar/<token>.ics` through Django's whole middleware stack (test client, no
network) R times each: built every time (the document's cache cleared: every entry
written, as after a restart; then with each entry's bytes kept, as after one change),
unchanged (the document from
the worker's cache, what a polling calendar app gets), and repeats with the ETag (304),
beside /api/health/ as the floor. Prints p50/p90/p99, the body size, the queries per
request and the number of VEVENTs parsed back.

    python bench/calendar_feed.py [--schedules 100] [--requests 500]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import time
from typing import Any

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=100)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    os.environ.setdefault("CALENDAR_FEEDS_ENABLED", "true")
    os.environ.setdefault("CALENDAR_FEEDS_SECRET", "bench-secret-0123456789abcdef")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    setup()
    import icalendar
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from core.dates import local_date
    from employees.models import Employee, JobTitle
    from events.models import Event
    from events.types import EventType
    from scheduler.models import Schedule
    from selfservice.services import calendar_feed_renew

    Event.objects.filter(project_ref_num__gte=88_000_000, project_ref_num__lt=89_000_000).delete()
    Employee.objects.filter(external_id="BENCHFEED").delete()
    employee = Employee.objects.create(
        external_id="BENCHFEED", name="Bench Feed", job_title=JobTitle.EVENT_SPECIALIST
    )
    today = timezone.localdate()
    events = []
    for i in range(args.schedules):
        day = today + dt.timedelta(days=i - 29)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
        events.append(
            Event(
                project_ref_num=88_000_000 + i,
                project_name=f"{700000 + i}-CORE-Bench Product {i}",
                event_type=EventType.CORE,
                store_number="8135",
                store_name="Club 8135 Indianapolis",
                start_datetime=start,
                due_datetime=start + dt.timedelta(days=1),
                estimated_minutes=390,
                sales_tool_url=f"https://tools.example.com/{i}.pdf",
            )
        )
    Event.objects.bulk_create(events)
    schedules = []
    for event in events:
        start = event.start_datetime + dt.timedelta(hours=10, minutes=45)
        schedules.append(
            Schedule(
                event=event,
                employee=employee,
                start=start,
                end=start + dt.timedelta(minutes=390),
                work_date=local_date(start),
                is_core=True,
            )
        )
    Schedule.objects.bulk_create(schedules)
    token = calendar_feed_renew(employee_id=employee.pk)
    url = f"/calendar/{token}.ics"
    client = Client()

    first = client.get(url)
    assert first.status_code == 200, first.status_code
    parsed = icalendar.Calendar.from_ical(first.content)
    vevents = len(list(parsed.walk("VEVENT")))

    def queries_of(*, clear: bool) -> int:
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        if clear:
            cache.clear()
        with connection.execute_wrapper(counter):
            client.get(url)
        return count[0]

    queries, built = queries_of(clear=False), queries_of(clear=True)
    etag = first["ETag"]

    def report(label: str, times: list[float]) -> None:
        q = statistics.quantiles(times, n=100)
        print(
            f"{label:26} p50 {statistics.median(times):6.2f} ms  p90 {q[89]:6.2f} ms  "
            f"p99 {q[98]:6.2f} ms  ({len(times)} requests)"
        )

    def run(headers: dict[str, str], expect: int) -> list[float]:
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == expect
        return times

    def build_each_time(*, cold: bool) -> list[float]:
        times = []
        for _ in range(args.requests):
            cache.clear()
            if cold and entries_kept is not None:
                entries_kept.cache_clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return times

    def health() -> list[float]:
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            assert client.get("/api/health/").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        return times

    report("baseline: /api/health/", sorted(health()))
    entries_kept: Any = None
    with contextlib.suppress(ImportError):  # since entries are kept (selfservice/feeds.py)
        from selfservice.feeds import entry_ical as entries_kept
    report("built, every entry written (200)", sorted(build_each_time(cold=True)))
    if entries_kept is not None:
        report("rebuilt, entries kept (200)", sorted(build_each_time(cold=False)))
    for label, headers, expect in (
        ("unchanged, cached (200)", {}, 200),
        ("repeat with ETag (304)", {"If-None-Match": etag}, 304),
    ):
        report(label, sorted(run(headers, expect)))
    print(
        f"schedules {args.schedules}, VEVENTs parsed back {vevents}, body {len(first.content):,} "
        f"bytes, queries per request {queries} (cached) / {built} (built)"
    )
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
