"""Scripted check: `migrate` from an earlier release keeps every row (PostgreSQL).

1. Exports the earlier release's code (`--from`, default: the last commit before the
   planning integration and the demo generator became apps) into a temporary folder.
2. With that code, on a fresh database: `migrate`, `seed_demo`, a planning-system sync
   from the tests' fake planning system (pytest-httpserver on loopback), a few
   schedule changes while sync is on (push outbox rows), and the push task queued in
   the database task backend.
3. Counts the rows of every table, then runs this checkout's `migrate` on the same
   database and counts again. Every table must keep its rows; the moved models'
   content types (and so their permissions) must now belong to `planning`, and the
   queued task must point at `planning.tasks`.

    .venv/bin/python .ci/migrate_forward_check.py [--from REV] [--database URL]

Exits 0 and prints the counts when every row is kept; 1 with the differences if not.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
BEFORE_THE_MOVE = "32a3e028378d34cf0a168cb52058340ce63e6e2f"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/event_scheduler_migrate_check"

# Run with the earlier release's code (its own module paths), inside its folder.
FILL = r"""
import datetime as dt, os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("seed_demo", "--password", "a-long-demo-password-for-the-check", verbosity=0)

from pytest_httpserver import HTTPServer
from tests.events.fake_planning import PASSWORD, USERNAME, FakePlanningSystem, mplan
from events.planning.sync import sync_run
from scheduler.models import Schedule
from scheduler.services import schedule_unschedule

server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
server.start()
try:
    fake = FakePlanningSystem(server)
    today = timezone.localdate()
    fake.add(
        mplan(9900001, "990001-CORE-Check product", today, today + dt.timedelta(days=5)),
        mplan(9900002, "990001-Supervisor-Check product", today, today + dt.timedelta(days=5)),
        mplan(9900003, "990002-FREEOSK-Check kiosk", today, today + dt.timedelta(days=3)),
    )
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = fake.base_url
    settings.SYNC_USERNAME = USERNAME
    settings.SYNC_PASSWORD = PASSWORD
    run = sync_run(start=today, end=today + dt.timedelta(days=7), trigger="command")
    assert run.status == "succeeded", run.failure
    # Schedule changes while sync is on: push outbox rows, and the push task queued.
    for schedule in Schedule.objects.live().filter(is_core=False).order_by("id")[:3]:
        schedule_unschedule(schedule=schedule)
finally:
    server.stop()
"""


def _tables(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "select tablename from pg_tables where schemaname = 'public' order by tablename"
            )
        ]
        counts = {}
        for name in names:
            row = conn.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier(name))
            ).fetchone()
            counts[name] = row[0] if row else 0
        return counts


def _query(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(query))


def _fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        drop = sql.SQL("drop database if exists {} with (force)")
        conn.execute(drop.format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def _export(rev: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="rev", default=BEFORE_THE_MOVE)
    parser.add_argument("--database", default=os.environ.get("MIGRATE_CHECK_URL", DEFAULT_URL))
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "DJANGO_DEBUG": "true",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    _fresh_database(args.database)
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder)
        _export(args.rev, old)
        print(f"filling {args.database} with the code of {args.rev[:12]}", flush=True)
        subprocess.run([sys.executable, "-c", FILL], cwd=old, env=env, check=True)
    before = _tables(args.database)
    tasks_before = _query(args.database, "select task_path from django_tasks_database_dbtaskresult")

    print("migrating with this checkout", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    after = _tables(args.database)

    problems = [
        f"{name}: {count} rows before, {after.get(name)} after"
        for name, count in before.items()
        if after.get(name, 0) < count
    ]
    kept = {name: before[name] for name in before if before[name]}
    for name in ("events_syncrun", "events_pendingpush", "scheduler_schedule", "events_event"):
        if not before.get(name):
            problems.append(f"{name}: the fill wrote no rows, so the check proves nothing")
    labels = _query(
        args.database,
        "select app_label, model from django_content_type "
        "where model in ('syncrun', 'pendingpush') order by app_label, model",
    )
    if labels != [("planning", "pendingpush"), ("planning", "syncrun")]:
        problems.append(f"content types of the moved models: {labels}")
    paths = {
        row[0]
        for row in _query(args.database, "select task_path from django_tasks_database_dbtaskresult")
    }
    if not tasks_before or any(path.startswith("events.tasks.") for path in paths):
        problems.append(f"queued task paths: before {tasks_before}, after {sorted(paths)}")

    print(json.dumps({"rows_kept": kept, "task_paths": sorted(paths)}, indent=1))
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(f"every row of {len(kept)} non-empty tables kept; content types and tasks relabelled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
