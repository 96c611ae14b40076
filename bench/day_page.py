"""Benchmark: the manager's day page at 90 and 180 schedules, beside the health check.

Seeds 40 employees and 5,000 events over seven weeks (the throughput benchmark's shape,
written here by a self-contained generator), then one busy day of 90 schedules, then 180.
For each size, in-process through Django's test client: the day page's bytes, queries,
<option> elements and app CPU per request, as a manager (row actions) and as a
read-only user (none); a manager's row fragment (the choices loaded when a row is
opened); the day's overview selector (queries + the rules-engine pass) and the template
render apart. Then under wrk against gunicorn (2 workers, DEBUG off): `/api/health/`,
`/api/health/live/` when it exists, the day page as a manager and as a reader, and the
day's schedules as JSON with the page cache off (the same URL again and again, and a
query string never seen before each time), taken in turns: req/s, p50, p99 and
the gunicorn workers' CPU per request.

    python bench/day_page.py [--sizes 90 180] [--duration 9] [--rounds 3] [--calls 30]

Runs against any checkout (before/after): what a checkout lacks (the fragment, the
liveness endpoint) is reported as "-".
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _django import setup
from api_throughput import (
    HOST,
    SERVER_ENV,
    VARY,
    Endpoint,
    Load,
    Tally,
    Target,
    cpu_seconds,
    get,
    gunicorn,
    run_wrk,
    truncate_app_tables,
    worker_pids,
)

CORE_SLOTS = ("10:45", "11:15", "11:45", "12:15")
# Short events around each employee's Core event, over two hours apart (a realistic few
# warnings, not one per row): the busy day's second to fifth schedule of an employee.
EXTRA = (
    ("05:00", "FREEOSK-Sample Kiosk Refill"),
    ("07:45", "DIGITAL SETUP-Holiday"),
    ("21:00", "DIGITAL TEARDOWN-Holiday"),
    ("23:45", "FREEOSK-Late Kiosk Refill"),
)


def job_title(i: int) -> str:
    """Leads (they may work every type of the busy day but Juicer), every tenth a Club
    Supervisor (whose Core event is a warning to watch)."""
    return "club_supervisor" if i % 10 == 0 else "lead_event_specialist"


def seed_background(*, employees: int, events: int, first_day: dt.date) -> None:
    """Employees of every title and `events` events over seven weeks in seven stores."""
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from core.roles import MANAGER_GROUP, ensure_manager_group
    from employees.models import Employee
    from events.models import Event, EventCondition
    from events.types import default_minutes, detect_event_type, event_number

    tz = ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(14)
    with transaction.atomic():
        truncate_app_tables()
        Employee.objects.bulk_create(
            Employee(
                external_id=f"US{100000 + i}",
                rep_id=500000 + i,
                name=f"Employee {i:03d} {rng.choice(['Ann', 'Bo', 'Cyd', 'Dee'])}",
                email=f"e{i}@example.com",
                phone=f"317-555-{i:04d}",
                job_title=job_title(i),
            )
            for i in range(employees)
        )
        made = []
        for i in range(events):
            day = first_day + dt.timedelta(days=i % 49)
            name = f"{700000 + i}-{rng.choice(['CORE', 'FREEOSK', 'DIGITALS'])}-Product {i}"
            kind = detect_event_type(name)
            start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            made.append(
                Event(
                    project_ref_num=40_000_000 + i,
                    project_name=name,
                    event_number=event_number(name),
                    event_type=kind,
                    store_number=str(8000 + i % 7),
                    store_name=f"Club {8000 + i % 7}",
                    location_id=str(11000 + i % 7),
                    start_datetime=start,
                    due_datetime=start + dt.timedelta(days=rng.randint(3, 7)),
                    estimated_minutes=default_minutes(kind),
                    condition=EventCondition.UNSTAFFED,
                )
            )
        Event.objects.bulk_create(made)
        ensure_manager_group()
        for username, manager in (("bench-manager", True), ("bench-reader", False)):
            user, _ = User.objects.update_or_create(username=username)
            user.groups.set([Group.objects.get(name=MANAGER_GROUP)] if manager else [])


def seed_busy_day(day: dt.date, count: int) -> None:
    """Replace the day's schedules by `count`: each employee a Core event (and its
    Supervisor event at +2 h), then up to four short events two hours apart."""
    from django.conf import settings
    from django.db import transaction

    from employees.models import Employee
    from events.models import Event, EventCondition
    from events.types import EventType, default_minutes, detect_event_type, event_number
    from scheduler.models import Schedule

    tz = ZoneInfo(settings.TIME_ZONE)
    people = list(Employee.objects.order_by("pk"))
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    with transaction.atomic():
        Schedule.objects.all().delete()
        Event.objects.filter(project_ref_num__gte=90_000_000).delete()
        placed: list[tuple[Event, Employee, dt.datetime]] = []
        for k in range(count):
            person, round_ = people[k % len(people)], k // len(people)
            if round_ == 0:
                name, at = f"{800000 + k}-CORE-Busy Product {k}", CORE_SLOTS[k % 4]
            else:
                at, tail = EXTRA[(round_ - 1) % len(EXTRA)]
                name = f"{800000 + k}-{tail} {k}"
            kind = detect_event_type(name)
            event = Event.objects.create(
                project_ref_num=90_000_000 + k,
                project_name=name,
                event_number=event_number(name),
                event_type=kind,
                store_number=str(8000 + k % 7),
                store_name=f"Club {8000 + k % 7}",
                location_id=str(11000 + k % 7),
                start_datetime=midnight - dt.timedelta(days=1),
                due_datetime=midnight + dt.timedelta(days=3),
                estimated_minutes=default_minutes(kind),
                condition=EventCondition.SCHEDULED,
            )
            if kind == EventType.CORE:
                Event.objects.create(
                    project_ref_num=91_000_000 + k,
                    project_name=f"{800000 + k}-Supervisor-Busy Product {k}",
                    event_number=event_number(name),
                    event_type=EventType.SUPERVISOR,
                    store_number=event.store_number,
                    store_name=event.store_name,
                    location_id=event.location_id,
                    start_datetime=event.start_datetime,
                    due_datetime=event.due_datetime,
                    estimated_minutes=5,
                    core_event=event,
                )
            hour, minute = map(int, at.split(":"))
            placed.append((event, person, midnight.replace(hour=hour, minute=minute)))
        Schedule.objects.bulk_create(
            Schedule(
                event=event,
                employee=person,
                start=start,
                end=start + event.duration,
                work_date=day,
                is_core=event.event_type == EventType.CORE,
            )
            for event, person, start in placed
        )


@dataclass(frozen=True)
class Page:
    status: int
    bytes: int
    queries: int
    options: int
    cpu_ms: float


def measure(
    client: Any, path: str, calls: int, *, vary: bool = False, headers: dict[str, str] | None = None
) -> Page:
    """Status, bytes, queries and <option>s of one request; CPU per request over `calls`.

    `vary`: each request adds a parameter never sent before (`&n=<count>`), so a list
    that keeps its filtered query per query string builds it every time.
    """
    from django.db import connection

    headers = headers or {}
    paths = (f"{path}&n={n}" if vary else path for n in itertools.count())
    client.get(next(paths), **headers)  # warm
    captured: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(next(paths), **headers)
    started = time.process_time()
    for _ in range(calls):
        client.get(next(paths), **headers)
    cpu = (time.process_time() - started) * 1000 / calls
    body = response.content
    return Page(response.status_code, len(body), len(captured), body.count(b"<option"), cpu)


def selector_split(day: dt.date, calls: int) -> tuple[float, float, float]:
    """ms per call: the day's overview (its queries and the rules pass), the rules pass
    alone, and rendering the manager's page from a ready overview."""
    from django.contrib.auth.models import User
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from scheduler import selectors
    from scheduler.rules import check

    spent = {"rules": 0.0}

    def timed_check(**kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return check(**kwargs)
        finally:
            spent["rules"] += time.process_time() - t0

    started = time.process_time()
    selectors.check = timed_check
    try:
        for _ in range(calls):
            overview = selectors.day_overview(day)
    finally:
        selectors.check = check
    overview_ms = (time.process_time() - started) * 1000 / calls
    request = RequestFactory().get(f"/day/{day}/")
    request.user = User.objects.get(username="bench-manager")
    context = {
        "day": day,
        "overview": overview,
        "previous_day": day,
        "next_day": day,
        "today": day,
        "week_start": day,
        "here": f"/day/{day}/",
        "can_manage": True,
    }
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    asking: Any = request
    try:  # since the day's body is kept apart: render the body alone, as it is built
        get_template("scheduler/_day_body.html")
        from scheduler.views.pages import _sections

        template = "scheduler/_day_body.html"
        context["sections"] = _sections(overview, f"/day/{day}/")
        asking = None  # the body is rendered without a request, as the view keeps it
    except TemplateDoesNotExist:
        template = "scheduler/day.html"
    started = time.process_time()
    for _ in range(calls):
        render_to_string(template, context, request=asking)
    render_ms = (time.process_time() - started) * 1000 / calls
    return overview_ms, spent["rules"] * 1000 / calls, render_ms


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def api_token() -> str:
    from django.contrib.auth.models import User
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=User.objects.get(username="bench-reader"))
    return token


def load_slice(target: Target, headers: dict[str, str], args: argparse.Namespace) -> Tally:
    """wrk on one endpoint for a slice; the CPU its gunicorn workers used meanwhile."""
    workers = worker_pids(target.server.pid)
    before = cpu_seconds(workers)
    tally = run_wrk(
        f"http://{HOST}:{target.server.port}{target.endpoint.path}", headers, args, args.slice
    )
    tally.cpu_seconds = cpu_seconds(workers) - before
    tally.cpu_known = bool(workers)
    if tally.errors:
        raise RuntimeError(f"{target.endpoint.path}: {tally.errors} failed requests under load")
    return tally


def drive(
    targets: list[tuple[Target, dict[str, str]]], args: argparse.Namespace
) -> dict[str, Load]:
    """Check each target answers 200, then a warm-up round and `rounds` measured rounds,
    the targets taking turns in each."""
    tallies = {t.label: Tally() for t, _ in targets}
    for target, headers in targets:
        status, _ = get(target.server.port, target.endpoint.path, headers, timeout=120)
        if status != 200:
            raise RuntimeError(f"{target.endpoint.path} answered {status} on the server")
    for round_ in range(args.rounds + 1):  # round 0 is the warm-up
        for target, headers in targets:
            tally = load_slice(target, headers, args)
            if round_:
                tallies[target.label].add(tally)
    return {label: Load.of(tally) for label, tally in tallies.items() if tally.requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[90, 180])
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--calls", type=int, default=30, help="requests per in-process CPU")
    parser.add_argument("--duration", type=int, default=9, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-load", action="store_true", help="in-process measures only")
    args = parser.parse_args()
    args.slice = max(1, args.duration // args.rounds)
    args.load = "wrk"
    if not args.no_load and shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk (or pass --no-load)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.update(SERVER_ENV)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    database_url = setup()
    from django.core.management import call_command

    # The pages need the static files' manifest when DEBUG is off (staticfiles/, ignored).
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from core.page_cache import CACHE_ALIAS
    from scheduler.models import Schedule

    today = timezone.localdate()
    first_day = today - dt.timedelta(days=today.weekday())
    day = first_day + dt.timedelta(days=15)  # a Tuesday inside the events' weeks
    seed_background(employees=args.employees, events=args.events, first_day=first_day)
    try:
        reverse("schedule-actions-fragment", args=[1])
        has_fragment = True
    except NoReverseMatch:
        has_fragment = False
    has_kept_body = hasattr(settings, "DAY_PAGE_CACHE_SECONDS")
    try:
        reverse("api-health-live")
        live_path: str | None = "/api/health/live/"
    except NoReverseMatch:
        live_path = None

    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} (1 min) before; day {day}")
    page = f"/day/{day}/"
    api = f"/api/v1/schedules/?date_from={day}&date_to={day}&page_size=200"
    for size in args.sizes:
        seed_busy_day(day, size)
        manager, reader = Client(HTTP_HOST=HOST), Client(HTTP_HOST=HOST)
        from django.contrib.auth.models import User

        manager.force_login(User.objects.get(username="bench-manager"))
        reader.force_login(User.objects.get(username="bench-reader"))
        token = api_token()
        print(f"\n## {size} schedules on {day}\n")
        print("| request | status | bytes | queries | <option>s | app CPU/req (in-process) |")
        print("|---|---:|---:|---:|---:|---:|")
        rows: list[tuple[str, Any, str, dict[str, str]]] = [
            ("day page, manager, built", manager, page, {}),
            ("day page, reader, built", reader, page, {}),
        ]
        first = Schedule.objects.filter(work_date=day).order_by("start", "pk").first()
        if has_fragment and first is not None:
            rows.append(
                (
                    "a row's actions fragment",
                    manager,
                    f"/schedules/{first.pk}/actions/fragment/",
                    {},
                )
            )
        if has_kept_body:
            rows[2:2] = [
                ("day page, manager, kept", manager, page, {}),
                ("day page, reader, kept", reader, page, {}),
            ]
        health = Client(HTTP_HOST=HOST)
        rows.append(("health", health, "/api/health/", {}))
        if live_path:
            rows.append(("liveness", health, live_path, {}))
        for label, client, path, headers in rows:
            # "built": every request builds the page; "kept": the day's body is kept per
            # data version (DAY_PAGE_CACHE_SECONDS), as between two writes.
            with override_settings(DAY_PAGE_CACHE_SECONDS=0 if "built" in label else 300):
                found = measure(client, path, args.calls, headers=headers)
            print(
                f"| {label} | {found.status} | {found.bytes:,} | {found.queries} | "
                f"{found.options:,} | {found.cpu_ms:.1f} ms |"
            )
        for label, vary in (("day JSON, cache off", False), ("day JSON, new query string", True)):
            with override_settings(API_PAGE_CACHE_SECONDS=0):
                caches[CACHE_ALIAS].clear()
                found = measure(
                    Client(HTTP_HOST=HOST),
                    api,
                    args.calls,
                    vary=vary,
                    headers={"HTTP_AUTHORIZATION": f"Token {token}"},
                )
            print(
                f"| {label} | {found.status} | {found.bytes:,} | {found.queries} | - | "
                f"{found.cpu_ms:.1f} ms |"
            )
        overview_ms, rules_ms, render_ms = selector_split(day, args.calls)
        print(
            f"\nday_overview(): {overview_ms:.1f} ms (of which the rules pass {rules_ms:.1f} ms); "
            f"rendering the manager's page from it: {render_ms:.1f} ms"
        )
        if args.no_load:
            continue
        manager_cookie = session_cookie("bench-manager")
        reader_cookie = session_cookie("bench-reader")
        plan = [
            ("health", "/api/health/", {}, None),
            *([("liveness", live_path, {}, None)] if live_path else []),
            ("day page, manager, built", page, {"Cookie": manager_cookie}, None),
            ("day page, reader, built", page, {"Cookie": reader_cookie}, None),
            *(
                [
                    ("day page, manager, kept", page, {"Cookie": manager_cookie}, "kept"),
                    ("day page, reader, kept", page, {"Cookie": reader_cookie}, "kept"),
                ]
                if has_kept_body
                else []
            ),
            ("day JSON, cache off", api, {"Authorization": f"Token {token}"}, None),
            (
                "day JSON, new query string",
                f"{api}&n={VARY}",
                {"Authorization": f"Token {token}"},
                None,
            ),
        ]
        print(
            f"\nwrk -t{args.threads} -c{args.connections}; {args.rounds} rounds of "
            f"{args.slice} s after a warm-up round, in turns; gunicorn {args.workers} workers; "
            f"load average {os.getloadavg()[0]:.2f} before"
        )
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            # Every cache off on one server; the day's kept body on the other only.
            server = stack.enter_context(
                gunicorn(
                    database_url,
                    args.workers,
                    tmp / "app.log",
                    {"API_PAGE_CACHE_SECONDS": "0", "DAY_PAGE_CACHE_SECONDS": "0"},
                )
            )
            kept = (
                stack.enter_context(
                    gunicorn(
                        database_url,
                        args.workers,
                        tmp / "kept.log",
                        {"API_PAGE_CACHE_SECONDS": "0", "DAY_PAGE_CACHE_SECONDS": "300"},
                    )
                )
                if has_kept_body
                else server
            )
            targets = [
                (Target(label, Endpoint(label, path, False), kept if on else server), headers)
                for label, path, headers, on in plan
            ]
            loads = drive(targets, args)
        print(f"load average {os.getloadavg()[0]:.2f} after (1 min)\n")
        print("| request | req/s | p50 | p99 | app CPU/req | % of health req/s |")
        print("|---|---:|---:|---:|---:|---:|")
        base = loads["health"].requests_per_s
        for label, *_ in plan:
            if label not in loads:
                print(f"| {label} | no request finished within a slice | | | | |")
                continue
            load = loads[label]
            cpu = "-" if load.cpu_ms is None else f"{load.cpu_ms:.2f} ms"
            print(
                f"| {label} | {load.requests_per_s:,.0f} | {load.p50_ms:.1f} ms | "
                f"{load.p99_ms:.1f} ms | {cpu} | {100 * load.requests_per_s / base:.1f} % |"
            )


if __name__ == "__main__":
    main()
