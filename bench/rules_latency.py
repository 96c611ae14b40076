"""Benchmark: the rules engine over HTTP, under load, on PostgreSQL.

Seeds 100 employees with a week of schedules, serves the app with gunicorn (2 workers,
no DEBUG) on loopback, and drives with wrk:
  (a) POST /api/v1/schedules/validate/   one employee, one event, one start
  (b) GET  /api/v1/events/<id>/candidates/?start=…   every one of the 100 employees
and reports requests/s, p50 and p99 for each, plus the SQL queries each runs.

    python bench/rules_latency.py [--employees 100] [--seconds 15] [--connections 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from _django import ROOT, setup

DATABASE = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench_rules"


def seed(employees: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone
    from knox.models import AuthToken

    from core.dates import local_date
    from core.roles import ensure_manager_group
    from employees.models import Employee, JobTitle
    from events.models import Event
    from scheduler.models import Schedule

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE scheduler_schedulechange, scheduler_schedule, events_event, "
            "employees_timeoff, employees_unavailabledate, employees_rotation, "
            "employees_rotationexception, employees_employee, knox_authtoken, auth_user "
            "RESTART IDENTITY CASCADE"
        )
    rng = random.Random(7)
    titles = (
        [JobTitle.LEAD_EVENT_SPECIALIST] * 20
        + [JobTitle.EVENT_SPECIALIST] * 70
        + [JobTitle.JUICER_BARISTA] * 6
        + [JobTitle.CLUB_SUPERVISOR] * 4
    )
    staff = Employee.objects.bulk_create(
        Employee(
            external_id=f"US{300000 + i}",
            name=f"Employee {i:03d}",
            job_title=titles[i % len(titles)],
            available_sun=bool(i % 3),
        )
        for i in range(employees)
    )
    monday = timezone.localdate() + dt.timedelta(days=14)
    monday -= dt.timedelta(days=monday.weekday())
    tz = timezone.get_current_timezone()
    # Everyone works a Core event every weekday of the week (Mon..Fri).
    events = []
    for index in range(employees):
        for day_offset in range(5):
            day = dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time(), tzinfo=tz)
            n = index * 5 + day_offset
            events.append(
                Event(
                    project_ref_num=9_500_000 + n,
                    project_name=f"{700000 + n}-CORE-Bench Product {n}",
                    event_number=str(700000 + n),
                    event_type="core",
                    store_number="8135",
                    store_name="Club 8135",
                    start_datetime=day,
                    due_datetime=day + dt.timedelta(days=1),
                    estimated_minutes=390,
                )
            )
    events = Event.objects.bulk_create(events)
    rows = []
    for event in events:
        employee = staff[(event.project_ref_num - 9_500_000) // 5]
        start = event.start_datetime + dt.timedelta(hours=10, minutes=45 + 30 * rng.randrange(4))
        rows.append(
            Schedule(
                event=event,
                employee=employee,
                start=start,
                end=start + dt.timedelta(minutes=390),
                work_date=local_date(start),
                is_core=True,
            )
        )
    Schedule.objects.bulk_create(rows)
    target = Event.objects.create(
        project_ref_num=9_999_999,
        project_name="799999-CORE-Target",
        event_number="799999",
        event_type="core",
        store_number="8135",
        start_datetime=dt.datetime.combine(monday + dt.timedelta(days=5), dt.time(), tzinfo=tz),
        due_datetime=dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=tz),
        estimated_minutes=390,
    )
    user = User.objects.create_user("bench-manager", password="bench-pass-123")  # noqa: S106
    user.groups.add(ensure_manager_group())
    _, token = AuthToken.objects.create(user=user)
    start = dt.datetime.combine(monday + dt.timedelta(days=5), dt.time(10, 45), tzinfo=tz)
    return {
        "token": token,
        "event": target.pk,
        "employee": staff[1].pk,
        "start": start.isoformat(),
        "schedules": len(rows),
    }


def count_queries(facts: dict[str, Any], employees: int) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {facts['token']}", SERVER_NAME="127.0.0.1")
    found = {}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/v1/schedules/validate/",
            {"event": facts["event"], "employee": facts["employee"], "start": facts["start"]},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    found["validate"] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            f"/api/v1/events/{facts['event']}/candidates/", {"start": facts["start"]}
        )
    assert response.status_code == 200 and len(response.json()) == employees, response.content
    found["candidates"] = len(captured)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WRK_LUA = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token {token}"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def run_wrk(
    url: str, method: str, body: str | None, token: str, args: argparse.Namespace
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_LUA.format(method=method, body=json.dumps(body) if body else "nil", token=token)
        )
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.seconds}s",
        "--timeout=10s",
        f"--script={script.name}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script.name)
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", output)
    if not match:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    requests, micros, p50, p99, errors = match.groups()
    return {
        "rps": int(requests) / (int(micros) / 1e6),
        "p50": float(p50),
        "p99": float(p99),
        "errors": int(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    url = setup(os.environ.get("BENCH_RULES_DATABASE_URL", DATABASE))
    facts = seed(args.employees)
    queries = count_queries(facts, args.employees)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + "k3y-" * 15,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "core.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        body = json.dumps(
            {"event": facts["event"], "employee": facts["employee"], "start": facts["start"]}
        )
        candidates = (
            f"{base}/api/v1/events/{facts['event']}/candidates/?start="
            + urllib.parse.quote(facts["start"])
        )
        results = {
            "validate": run_wrk(
                f"{base}/api/v1/schedules/validate/", "POST", body, facts["token"], args
            ),
            f"candidates ({args.employees} employees)": run_wrk(
                candidates, "GET", None, facts["token"], args
            ),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"{args.employees} employees, {facts['schedules']} schedules; wrk {args.threads} "
        f"threads, {args.connections} connections, {args.seconds} s per endpoint"
    )
    print(f"{'endpoint':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} {'errors':>7}")
    for name, result in results.items():
        key = "validate" if name == "validate" else "candidates"
        print(
            f"{name:<28} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
            f"{queries[key]:>8} {result['errors']:>7}"
        )


if __name__ == "__main__":
    main()
