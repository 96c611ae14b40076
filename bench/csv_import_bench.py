"""Benchmark: preview (dry run) and import of a large planning-system CSV export with
schedule columns, on PostgreSQL — rows per second and SQL queries.

The file: N rows over WEEKS weeks in 40 stores — Core / Supervisor pairs and other
types — and a schedule (Employee ID + Schedule Date/Time) on every Core row, each for
its own employee that day (so the rules engine accepts them), plus a share of Core rows
scheduled for a rep who is on time off that day (refused: reported as conflicts).
Goal (issue 13): at least 2,000 rows/s for the preview of a 20,000-row file.

    ../.venv/bin/python csv_import_bench.py [--rows 20000] [--employees 400] [--import]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import time

from _django import setup

DATABASE = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench_csv"
FIRST = dt.date(2027, 3, 1)  # a Monday
WEEKS = 8
HEADER = [
    "Project Name",
    "Project Reference Number",
    "Location MVID",
    "Store Number",
    "Store Name",
    "Start Date/Time",
    "Due Date/Time",
    "Estimated Time",
    "Rep Name",
    "Employee ID",
    "Schedule Date/Time",
]


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")


def build_file(rows: int, employees: int) -> tuple[bytes, int]:
    """The CSV and how many rows carry a schedule."""
    days = WEEKS * 7
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    kinds = ["FREEOSK", "DIGITAL SETUP", "Store Walkthrough", "DIGITAL REFRESH"]
    used: dict[dt.date, int] = {}  # day → employees given a Core event that day
    scheduled = 0
    for i in range(rows):
        day = FIRST + dt.timedelta(days=(i // 2) % days)
        start = dt.datetime.combine(day, dt.time())
        due = start + dt.timedelta(days=3)
        number = 400000 + i // 2
        pair = i % 10 < 6  # 60 % Core / Supervisor pairs, 40 % other types
        kind = ("CORE" if i % 2 == 0 else "Supervisor") if pair else kinds[i % 4]
        rep_name = employee_id = schedule = ""
        if kind == "CORE":
            taken = used.get(day, 0)
            if taken < employees:
                used[day] = taken + 1
                rep_name, employee_id = f"Bench Rep {taken}", f"US{900000 + taken}"
                schedule = _stamp(dt.datetime.combine(day, dt.time(10, 45)))
                scheduled += 1
        writer.writerow(
            [
                f"{number}-{kind}-Bench product {i // 2}",
                str(7_000_000 + i),
                str(20000 + i % 40),
                str(8000 + i % 40),
                f"Club {8000 + i % 40}",
                _stamp(start),
                _stamp(due),
                "390" if kind == "CORE" else "60",
                rep_name,
                employee_id,
                schedule,
            ]
        )
    return out.getvalue().encode(), scheduled


def seed_employees(count: int) -> None:
    from employees.models import Employee, JobTitle, TimeOff

    employees = Employee.objects.bulk_create(
        Employee(
            external_id=f"US{900000 + i}",
            name=f"Bench Rep {i}",
            job_title=JobTitle.LEAD_EVENT_SPECIALIST,
        )
        for i in range(count)
    )
    # Every 25th rep is off on the first Tuesday: their Core rows that day are refused.
    TimeOff.objects.bulk_create(
        TimeOff(
            employee=e,
            start_date=FIRST + dt.timedelta(days=1),
            end_date=FIRST + dt.timedelta(days=1),
        )
        for e in employees[::25]
    )


def run_once(data: bytes, *, dry_run: bool) -> dict[str, object]:
    from django.db import connection

    from planning.csv_io import csv_import

    stage_ends: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:
            stage_ends[stage] = round(time.perf_counter() - started, 2)

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome, _ = csv_import(data=data, dry_run=dry_run, progress=progress)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    result: dict[str, object] = {
        "run": "preview" if dry_run else "import",
        "rows": outcome.fetched,
        "seconds": round(seconds, 2),
        "rows_per_second": round(outcome.fetched / seconds),
        # This process's CPU seconds (PostgreSQL's own work is not in them): what the
        # figure would approach on an idle machine with a fast database.
        "python_cpu_seconds": round(cpu, 2),
        "queries": queries,
        "created": outcome.created,
        "schedules_imported": outcome.schedules_imported,
        "conflicts": outcome.conflicts,
        "skipped": outcome.skipped,
        "stage_ends": stage_ends,
    }
    print(result, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--import", dest="do_import", action="store_true")
    args = parser.parse_args()

    setup(DATABASE)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE scheduler_schedulechange, scheduler_schedule, events_pendingpush, "
            "events_syncrun, events_event, employees_timeoff, employees_employee CASCADE"
        )
    seed_employees(args.employees)
    data, scheduled = build_file(args.rows, args.employees)
    version = connection.cursor().connection.info.server_version
    print(
        f"PostgreSQL {version}; {args.rows} rows ({len(data) / 1e6:.1f} MB), "
        f"{scheduled} with a schedule, {args.employees} employees",
        flush=True,
    )
    run_once(data, dry_run=True)
    if args.do_import:
        run_once(data, dry_run=False)
        run_once(data, dry_run=True)


if __name__ == "__main__":
    main()
