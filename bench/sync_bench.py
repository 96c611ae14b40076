"""Benchmark: sync 10,000 events from a fake planning system on loopback, then again
unchanged, on PostgreSQL.

The fake planning system is the one the tests use (tests/planning/fake_planning.py, on
pytest-httpserver from requirements-dev.txt), serving N events over five weeks: Core /
Supervisor pairs and other types, a share of them already scheduled upstream to
employees matched by rep id (imported through the scheduling services and the rules
engine). The sync fetches a week per request. Reports wall time, SQL queries and
counts for the first run and for an unchanged replay. Goal: < 10 s and < 3 s.

    ../.venv/bin/python sync_bench.py [--events 10000] [--scheduled 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from _django import ROOT, setup

DATABASE = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench_sync"
FIRST = dt.date(2027, 3, 1)  # a Monday
WEEKS = 5


def seed_upstream(fake, *, events: int, scheduled: int) -> None:
    from employees.models import Employee, JobTitle
    from tests.planning.fake_planning import mplan

    Employee.objects.bulk_create(
        Employee(
            external_id=f"US{700000 + i}",
            rep_id=800000 + i,
            name=f"Bench Rep {i}",
            job_title=JobTitle.LEAD_EVENT_SPECIALIST,
        )
        for i in range(scheduled)
    )
    kinds = ["CORE", "Supervisor", "FREEOSK", "DIGITAL SETUP", "JUICER", "Store Walkthrough"]
    given = 0  # Core events scheduled upstream so far, each to its own rep
    for i in range(events):
        week = i % WEEKS
        start = FIRST + dt.timedelta(days=7 * week + (i // WEEKS) % 3)
        end = start + dt.timedelta(days=4)
        number = 300000 + i // 2  # pairs: i even = Core, i odd = its Supervisor
        kind = (
            kinds[0] if i % 2 == 0 and i % 10 < 6 else kinds[1] if i % 10 < 6 else kinds[i % 4 + 2]
        )
        record = mplan(
            5_000_000 + i,
            f"{number}-{kind}-Bench product {i // 2}",
            start,
            end,
            store=str(8000 + i % 40),
            url=f"https://tools.example.com/{i}",
        )
        if kind == "CORE" and given < scheduled:
            rep = given
            given += 1
            day = start + dt.timedelta(days=1)
            record.update(
                condition="Scheduled",
                scheduleRepID=800000 + rep,
                scheduleDate=f"{day:%m/%d/%Y} 10:45:00 AM",
                scheduleEventID=f"B{i}",
            )
        fake.add(record)


def run_once(label: str) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planning.sync import sync_run

    last = FIRST + dt.timedelta(days=7 * WEEKS - 1)
    stages: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:  # when each stage ends, seconds since the start
            stages[stage] = round(time.perf_counter() - started, 2)

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        run = sync_run(start=FIRST, end=last, trigger="bench", progress=progress)
        seconds = time.perf_counter() - started
    result = {
        "run": label,
        "seconds": round(seconds, 2),
        "queries": len(captured),
        "fetched": run.fetched,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "conflicts": run.conflicts,
        "schedules_imported": run.schedules_imported,
        "stage_ends": stages,
    }
    print(result, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--scheduled", type=int, default=200)
    args = parser.parse_args()

    setup(DATABASE)
    sys.path.insert(0, str(ROOT))
    from django.conf import settings
    from django.db import connection
    from pytest_httpserver import HTTPServer

    from tests.planning.fake_planning import PASSWORD, USERNAME, FakePlanningSystem

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE scheduler_schedulechange, scheduler_schedule, events_pendingpush, "
            "events_syncrun, events_event, employees_employee CASCADE"
        )
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakePlanningSystem(server)
        seed_upstream(fake, events=args.events, scheduled=args.scheduled)
        settings.SYNC_ENABLED = True
        settings.SYNC_BASE_URL = fake.base_url
        settings.SYNC_USERNAME = USERNAME
        settings.SYNC_PASSWORD = PASSWORD
        version = connection.cursor().connection.info.server_version
        print(
            f"PostgreSQL {version}; {args.events} events upstream over {WEEKS} weeks, "
            f"{args.scheduled} of them scheduled upstream",
            flush=True,
        )
        run_once("first")
        run_once("unchanged replay")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
