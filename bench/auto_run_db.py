"""Benchmark: one full auto-scheduler run against PostgreSQL, end to end.

Seeds the "large" instance of bench/scheduler_quality.py (100 employees x 500 events in
one week, seed 8) as rows, then times `auto_services.auto_run_execute`: load the problem
(constant queries), solve, bulk-insert the proposals. Uses its own database
(BENCH_DATABASE_URL, default event_scheduler_bench_auto; its tables are emptied):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/es_bench_auto \\
        .venv/bin/python bench/auto_run_db.py [--seed 8] [--size large] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from typing import Any

from _django import setup

# Its own database by default: the seed empties the tables it fills.
DATABASE = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench_auto"


def seed(size_name: str, seed_value: int) -> tuple[dt.date, dt.date]:
    import scheduler_quality as quality
    from django.db import connection

    from employees.models import Employee, Rotation, TimeOff
    from events.models import Event

    size = next(s for s in quality.SIZES if s.name == size_name)
    problem, pairs = quality.generate(size, seed_value)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE scheduler_autoproposal, scheduler_autorun, scheduler_schedulechange, "
            "scheduler_schedule, events_event, employees_timeoff, employees_unavailabledate, "
            "employees_rotation, employees_rotationexception, employees_employee "
            "RESTART IDENTITY CASCADE"
        )
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    staff = Employee.objects.bulk_create(
        Employee(
            external_id=f"US{400000 + e.id}",
            name=e.name,
            job_title=e.job_title,
            **{f"available_{d}": i in e.weekdays for i, d in enumerate(days)},
        )
        for e in problem.employees
    )
    row_of = {e.id: row for e, row in zip(problem.employees, staff, strict=True)}
    TimeOff.objects.bulk_create(
        TimeOff(employee=row_of[employee_id], start_date=a, end_date=b, reason=reason)
        for employee_id, spans in problem.snapshot.time_off.items()
        for a, b, reason in spans
    )
    first = min(problem.rotations)
    Rotation.objects.bulk_create(
        Rotation(weekday=day.weekday(), kind=kind, employee=row_of[employee_id])
        for day, kinds in problem.rotations.items()
        if (day - first).days < 7
        for kind, employee_id in kinds.items()
    )
    supervisors = {s.id: core_id for core_id, s in pairs.items()}
    rows: dict[int, Any] = {}
    for e in problem.events:
        for f in (e.facts, *([e.supervisor] if e.supervisor else [])):
            rows[f.id] = Event(
                project_ref_num=9_700_000 + f.id,
                project_name=f"{800000 + f.id}-{f.event_type.upper()}-Bench {f.id}",
                event_number=str(800000 + f.id),
                event_type=f.event_type,
                store_number="8135",
                store_name="Club 8135",
                start_datetime=f.window_start,
                due_datetime=f.window_due,
                estimated_minutes=int(f.duration.total_seconds() // 60),
            )
    Event.objects.bulk_create(rows.values())
    for supervisor_id, core_id in supervisors.items():
        rows[supervisor_id].core_event = rows[core_id]
    Event.objects.bulk_update([rows[s] for s in supervisors], ["core_event"])
    return first, first + dt.timedelta(days=size.days - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup(os.environ.get("BENCH_DATABASE_URL", DATABASE))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scheduler import auto_services
    from scheduler.models import AutoProposal, AutoRun

    first, last = seed(args.size, args.seed)
    today = first - dt.timedelta(days=auto_services.auto_settings().buffer_days)
    for attempt in range(1, args.repeat + 1):
        AutoProposal.objects.all().delete()
        AutoRun.objects.all().delete()
        run = auto_services.auto_run_start(
            first_day=first, last_day=last, today=today, enqueue=False
        )
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            done = auto_services.auto_run_execute(run_id=run.pk)
        took = time.perf_counter() - began
        print(
            f"run {attempt}: {args.size} seed {args.seed}: status {done.status}, "
            f"{done.placed_count} placed, {done.unplaced_count} unplaced, "
            f"{len(queries)} queries, {took:.2f} s (load + solve + store)",
            flush=True,
        )


if __name__ == "__main__":
    main()
