"""Benchmark: API throughput under gunicorn (2 workers, no DEBUG) on PostgreSQL.

Seeds 40 employees, 5,000 events and 3,000 live schedules, serves them with gunicorn on
loopback and drives, in the same run, (a) GET /api/health/ (one indexed query), (b) GET
/api/v1/schedules/?page_size=100 and (c) GET /api/v1/events/ filtered to one week, with
wrk (or a bounded Python load generator when wrk is missing): after a warm-up, the
endpoints take turns in short slices over a few rounds, so that whatever else the
machine does touches each alike. Reports requests/s, p50, p99, the workers' CPU time
per request, SQL queries and response bytes side by side, and the ratio (b)/(a) against
the goal of at least 30 %.

(b) and (c) are driven twice: on the app as deployed (a repeat of a page is answered
from the page cache, core/page_cache.py) and on a second gunicorn with the cache off
(API_PAGE_CACHE_SECONDS=0), where every request builds its page: the cost after each
write, and the floor when every request asks for a different page.

Then where the time of a built (b) goes: an in-process breakdown by phase (auth, COUNT,
page query, ORM, serialization, rendering, the rest) and a cProfile summary.

    python bench/api_throughput.py [--duration 15] [--rounds 3] [--warmup 3]
        [--connections 4] [--threads 2] [--events 5000] [--schedules 3000]
        [--profile-calls 200]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import http.client
import json
import math
import os
import pstats
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock
from zoneinfo import ZoneInfo

from _django import ROOT, setup

if TYPE_CHECKING:
    from django.test import Client

    from employees.models import Employee
    from events.models import Event

GOAL_RATIO = 0.30
HOST = "127.0.0.1"

# The environment of the server, also applied in-process so that the query counts and
# the profile see the same settings: production rules (no DEBUG) over plain HTTP.
SERVER_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SESSION_COOKIE_SECURE": "false",
    "DJANGO_CSRF_COOKIE_SECURE": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
}


# --- Seeding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    number: str
    name: str
    location_id: str


STORES = (
    Store("8135", "Club 8135 Indianapolis", "11584"),
    Store("6508", "Club 6508 Fishers", "11602"),
    Store("4721", "Club 4721 Carmel", "11631"),
    Store("6632", "Club 6632 Greenwood", "11647"),
    Store("8219", "Club 8219 Lafayette", "11655"),
    Store("4810", "Club 4810 Muncie", "11673"),
    Store("6390", "Club 6390 Bloomington", "11688"),
    Store("8041", "Club 8041 Kokomo", "11702"),
    Store("4455", "Club 4455 Anderson", "11719"),
    Store("6277", "Club 6277 Terre Haute", "11734"),
)
# Besides Core/Supervisor pairs, the other events of a store-day: (name, chance per day).
OTHER_EVENTS = (
    ("JUICER-Production Fresh Juice Bar", 0.85),
    ("JUICER-SURVEY Member Juice Survey", 0.3),
    ("FREEOSK-Sample Kiosk Refill", 0.35),
    ("DIGITAL SETUP-{campaign}", 0.15),
    ("DIGITAL REFRESH-{campaign}", 0.15),
    ("DIGITAL TEARDOWN-{campaign}", 0.15),
    ("DIGITALS-{campaign}", 0.1),
    ("Store Walkthrough", 0.1),
)
EVENTS_PER_STORE_DAY = 14  # 4-8 Core events, as many Supervisors, ~2 others
# Who works which type (loosely: the benchmark does not follow the scheduling rules).
TITLES_FOR_TYPE = {
    "core": ("event_specialist", "lead_event_specialist"),
    "supervisor": ("club_supervisor", "lead_event_specialist"),
    "juicer_production": ("juicer_barista",),
    "juicer_survey": ("juicer_barista",),
}
DEFAULT_TITLES = ("event_specialist", "lead_event_specialist")


@dataclass(frozen=True)
class Seeded:
    employees: int
    events: int
    schedules: int
    stores: int
    first_day: dt.date
    last_day: dt.date
    seconds: float


def truncate_app_tables() -> None:
    from django.apps import apps
    from django.db import connection
    from knox.models import AuthToken

    models = [
        model
        for label in ("scheduler", "events", "employees")
        for model in apps.get_app_config(label).get_models()
    ]
    existing = set(connection.introspection.table_names())
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)
        for m in [*models, AuthToken]
        if m._meta.db_table in existing
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@dataclass(frozen=True)
class Placed:
    event: Event
    employee: Employee
    start: dt.datetime
    day: dt.date


def plan_schedules(
    events: list[Event], people: list[Employee], count: int, tz: ZoneInfo
) -> list[Placed]:
    """`count` live schedules on distinct events, each on a day of its window at its
    type's usual time, with the database's constraints kept: no two overlapping
    schedules of one employee, at most one Core event per employee and day. Employees
    of a fitting job title are tried first (the other rules do not matter here)."""
    from demo.data import rng_for
    from events.types import EventType, core_slots, default_start_time, supervisor_offset

    rng = rng_for("bench", "schedules")
    slots = core_slots()
    active = [p for p in people if p.is_active]
    busy: dict[tuple[str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    core_days: set[tuple[str, dt.date]] = set()
    planned: list[Placed] = []
    for event in rng.sample(events, len(events)):
        if len(planned) == count:
            break
        is_core = event.event_type == EventType.CORE
        titles = TITLES_FOR_TYPE.get(event.event_type, DEFAULT_TITLES)
        fitting = [p for p in active if p.job_title in titles]
        others = [p for p in active if p.job_title not in titles]
        first = event.start_datetime.astimezone(tz).date()
        window_days = (event.due_datetime - event.start_datetime).days
        for _attempt in range(3):
            day = first + dt.timedelta(days=rng.randrange(window_days))
            if is_core:
                start = dt.datetime.combine(day, rng.choice(slots), tzinfo=tz)
            elif event.event_type == EventType.SUPERVISOR:
                start = dt.datetime.combine(day, rng.choice(slots), tzinfo=tz) + supervisor_offset()
            else:
                start = dt.datetime.combine(day, default_start_time(event.event_type), tzinfo=tz)
            end = start + event.duration
            person = next(
                (
                    p
                    for p in [*rng.sample(fitting, len(fitting)), *rng.sample(others, len(others))]
                    if not (is_core and (p.external_id, day) in core_days)
                    and all(end <= s or start >= e for s, e in busy[p.external_id, day])
                ),
                None,
            )
            if person is not None:
                busy[person.external_id, day].append((start, end))
                if is_core:
                    core_days.add((person.external_id, day))
                planned.append(Placed(event, person, start, day))
                break
    if len(planned) < count:
        raise SystemExit(
            f"Placed only {len(planned):,} of {count:,} schedules without overlaps: "
            "ask for fewer --schedules or more --employees."
        )
    return planned


def seed(*, employees: int, events: int, schedules: int, weeks: int, first_day: dt.date) -> Seeded:
    """Write the rows directly (bulk_create) after emptying the app tables."""
    from django.conf import settings
    from django.db import connection, transaction

    from demo.data import CORE_PRODUCTS, DIGITAL_CAMPAIGNS, employee_specs, rng_for
    from employees.models import WEEKDAY_FIELDS, Employee
    from events.models import Event, EventCondition
    from events.types import (
        EventType,
        default_minutes,
        detect_event_type,
        event_number,
    )
    from scheduler.models import Schedule

    if schedules > events:
        raise SystemExit(f"--schedules ({schedules}) cannot exceed --events ({events}).")
    started = time.perf_counter()
    tz = ZoneInfo(settings.TIME_ZONE)
    days = [first_day + dt.timedelta(days=i) for i in range(7 * weeks)]
    store_count = min(len(STORES), max(1, math.ceil(events / (len(days) * EVENTS_PER_STORE_DAY))))
    stores = STORES[:store_count]

    people = [
        Employee(
            external_id=spec.external_id,
            rep_id=spec.rep_id,
            name=spec.name,
            email=spec.email,
            phone=spec.phone,
            job_title=spec.job_title,
            is_active=spec.is_active,
            termination_date=spec.termination_date,
            **{field: weekday in spec.weekdays for weekday, field in enumerate(WEEKDAY_FIELDS)},
        )
        for spec in employee_specs(seed=7, today=first_day, count=employees)
    ]

    # Events: each store-day like the demo club's, day after day, until there are enough.
    made: list[Event] = []
    cores: dict[str, Event] = {}

    def add(name: str, store: Store, day: dt.date, window_days: int) -> None:
        kind = detect_event_type(name)
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        event = Event(
            project_ref_num=50_000_000 + len(made),
            project_name=name,
            event_number=event_number(name),
            event_type=kind,
            store_number=store.number,
            store_name=store.name,
            location_id=store.location_id,
            start_datetime=start,
            due_datetime=start + dt.timedelta(days=window_days),
            estimated_minutes=default_minutes(kind),
            condition=EventCondition.UNSTAFFED,
            sales_tool_url=f"https://salestools.example.com/events/{len(made)}.pdf",
        )
        if kind == EventType.CORE:
            cores[event.event_number] = event
        made.append(event)

    number = 600_000
    for day in days:
        for store in stores:
            rng = rng_for("bench", day, store.number)
            campaign = rng.choice(DIGITAL_CAMPAIGNS)
            for product in rng.sample(CORE_PRODUCTS, rng.randint(4, 8)):
                window = rng.randint(3, 7)
                for kind in ("CORE", "Supervisor"):
                    if len(made) < events:
                        add(f"{number}-{kind}-{product}", store, day, window)
                number += 1
            for tail, chance in OTHER_EVENTS:
                if rng.random() < chance and len(made) < events:
                    add(f"{number}-{tail.format(campaign=campaign)}", store, day, rng.randint(3, 7))
                    number += 1
        if len(made) >= events:
            break

    planned = plan_schedules(made, people, schedules, tz)
    for placed in planned:
        placed.event.condition = EventCondition.SCHEDULED

    with transaction.atomic():
        truncate_app_tables()
        Employee.objects.bulk_create(people)
        # Core and other events first, so each Supervisor can point at its Core's id.
        supervisors = [e for e in made if e.event_type == EventType.SUPERVISOR]
        Event.objects.bulk_create([e for e in made if e.event_type != EventType.SUPERVISOR])
        for supervisor in supervisors:
            core = cores.get(supervisor.event_number)
            supervisor.core_event_id = core.pk if core is not None else None
        Event.objects.bulk_create(supervisors)
        Schedule.objects.bulk_create(
            Schedule(
                event=p.event,
                employee=p.employee,
                start=p.start,
                end=p.start + p.event.duration,
                work_date=p.day,
                is_core=p.event.event_type == EventType.CORE,
                external_schedule_id=str(100_000_000 + i),
            )
            for i, p in enumerate(planned)
        )
    with connection.cursor() as cursor:
        for model in (Employee, Event, Schedule):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return Seeded(
        employees=len(people),
        events=len(made),
        schedules=len(planned),
        stores=store_count,
        first_day=first_day,
        last_day=max(e.start_datetime for e in made).astimezone(tz).date(),
        seconds=time.perf_counter() - started,
    )


def create_token() -> str:
    """A read-only user and a knox token for it, the way a script authenticates."""
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    user, _ = get_user_model().objects.update_or_create(
        username="bench-api", defaults={"is_active": True, "is_staff": False}
    )
    _instance, token = AuthToken.objects.create(user=user)
    return token


# --- Endpoints and in-process measures --------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    authenticated: bool


@dataclass(frozen=True)
class InProcess:
    status: int
    queries_built: int
    queries_cached: int
    body_bytes: int
    rows: str
    sql: list[str]


def endpoints(week_start: dt.date) -> list[Endpoint]:
    week_end = week_start + dt.timedelta(days=6)
    return [
        Endpoint("(a) health", "/api/health/", authenticated=False),
        Endpoint("(b) schedules", "/api/v1/schedules/?page_size=100", authenticated=True),
        Endpoint(
            "(c) events, 1 week",
            f"/api/v1/events/?date_from={week_start:%Y-%m-%d}&date_to={week_end:%Y-%m-%d}",
            authenticated=True,
        ),
    ]


def client_for(token: str) -> tuple[Client, dict[str, str]]:
    from django.test import Client

    return Client(HTTP_HOST=HOST), {"HTTP_AUTHORIZATION": f"Token {token}"}


def measure_in_process(endpoint: Endpoint, token: str) -> InProcess:
    """Call the endpoint through Django's test client: status, queries (page built, with
    the cache off; page cached, a repeat with it on), size."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from core.page_cache import CACHE_ALIAS

    client, auth = client_for(token)
    headers = auth if endpoint.authenticated else {}

    def queries(cache_seconds: int) -> tuple[int, Any, list[str]]:
        caches[CACHE_ALIAS].clear()
        with override_settings(API_PAGE_CACHE_SECONDS=cache_seconds):
            client.get(endpoint.path, **headers)  # type: ignore[arg-type]  # warm
            with CaptureQueriesContext(connection) as captured:
                response = client.get(endpoint.path, **headers)  # type: ignore[arg-type]
        return len(captured.captured_queries), response, [q["sql"] for q in captured]

    built, response, sql = queries(0)
    cached, cached_response, _ = queries(300)
    if cached_response.content != response.content:
        raise AssertionError(f"{endpoint.path}: the cached page differs from the built one")
    body = response.content
    rows = "-"
    if response.status_code == 200 and endpoint.authenticated:
        data = json.loads(body)
        rows = f"{len(data['results'])} of {data['count']:,}"
    return InProcess(
        status=response.status_code,
        queries_built=built,
        queries_cached=cached,
        body_bytes=len(body),
        rows=rows,
        sql=sql,
    )


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, headers: dict[str, str], timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def gunicorn(
    database_url: str, workers: int, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    """gunicorn on a free loopback port until the block ends, however it ends.

    `extra_env` is added to the server's environment (e.g. the page cache switched off).
    """
    binary = Path(sys.executable).with_name("gunicorn")
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url, **(extra_env or {})}
    app = ["core.wsgi:application"]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [str(binary), *app, "--workers", str(workers), "--bind", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
            try:
                if get(port, "/api/health/", {}, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 30 s:\n{tail(log)}")
            time.sleep(0.1)
        yield Server(port, process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _proc_stat(pid: int | str) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (Linux), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the master's children."""
    if not Path("/proc").is_dir():
        return []
    found = []
    for entry in Path("/proc").iterdir():
        fields = _proc_stat(entry.name) if entry.name.isdigit() else None
        if fields is not None and int(fields[1]) == master:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (utime and stime)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = _proc_stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- Load -------------------------------------------------------------------------------

# wrk prints its totals and 1,000 latency quantiles (microseconds; each stands for 0.1 %
# of the requests), so that the slices of one endpoint taken in several rounds can be
# merged. (wrk's Lua API has no raw histogram.)
WRK_QUANTILES = 1000
WRK_SCRIPT = f"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("totals %d %d %d\\n", summary.duration, summary.requests,
                         e.status + e.connect + e.timeout))
  for i = 1, {WRK_QUANTILES} do
    local p = (i - 0.5) * 100 / {WRK_QUANTILES}
    io.write(string.format("quantile %d\\n", latency:percentile(p)))
  end
end
"""


@dataclass
class Tally:
    """What one endpoint got over its slices: a latency histogram and totals."""

    # microseconds -> requests (wrk's quantiles give fractions of requests)
    histogram: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    cpu_seconds: float = 0.0
    cpu_known: bool = True

    def add(self, other: Tally) -> None:
        for us, weight in other.histogram.items():
            self.histogram[us] += weight
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        self.cpu_seconds += other.cpu_seconds
        self.cpu_known &= other.cpu_known

    def percentile_ms(self, fraction: float) -> float:
        wanted, seen = fraction * sum(self.histogram.values()), 0.0
        for us in sorted(self.histogram):
            seen += self.histogram[us]
            if seen >= wanted:
                return us / 1000
        return 0.0


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    # CPU time of the gunicorn workers per request: unlike req/s, it does not depend on
    # what else the machine runs meanwhile (wrk and PostgreSQL are not in it).
    cpu_ms: float | None

    @classmethod
    def of(cls, tally: Tally) -> Load:
        cpu = tally.cpu_seconds * 1000 / tally.requests if tally.cpu_known else None
        return cls(
            requests_per_s=tally.requests / tally.seconds,
            p50_ms=tally.percentile_ms(0.50),
            p99_ms=tally.percentile_ms(0.99),
            requests=tally.requests,
            cpu_ms=cpu,
        )


def parse_wrk(output: str) -> Tally:
    tally = Tally()
    quantiles = []
    for line in output.splitlines():
        kind, *numbers = line.split() or [""]
        if kind == "totals":
            duration_us, tally.requests, tally.errors = map(int, numbers)
            tally.seconds = duration_us / 1_000_000
        elif kind == "quantile":
            quantiles.append(int(numbers[0]))
    for us in quantiles:
        tally.histogram[us] += tally.requests / len(quantiles)
    if not tally.seconds:
        raise ValueError(f"unexpected wrk output:\n{output}")
    return tally


# A path with VARY in it asks with a new value there on every request (wrk's threads
# each count on their own, under their own prefix): a query string never seen before.
VARY = "__N__"
VARY_SCRIPT = f"""
local made = 0
setup = function(thread)
  made = made + 1
  thread:set("tid", made)
end
local counter = 0
request = function()
  counter = counter + 1
  local path = string.gsub(wrk.path, "{VARY}", tid .. "x" .. counter)
  return wrk.format(nil, path)
end
"""


def run_wrk(url: str, headers: dict[str, str], args: argparse.Namespace, seconds: int) -> Tally:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT + (VARY_SCRIPT if VARY in url else ""))
        script.flush()
        command = [
            "wrk",
            f"--threads={args.threads}",
            f"--connections={args.connections}",
            f"--duration={seconds}s",
            "--timeout=10s",
            f"--script={script.name}",
        ]
        for name, value in headers.items():
            command += ["--header", f"{name}: {value}"]
        done = subprocess.run(  # noqa: S603 (wrk from PATH, fixed arguments, loopback URL)
            [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    return parse_wrk(done.stdout)


def run_python_load(
    port: int, path: str, headers: dict[str, str], args: argparse.Namespace, seconds: int
) -> Tally:
    """One thread per connection, each a keep-alive http.client loop until the deadline."""
    stop_at = time.perf_counter() + seconds
    tally = Tally()
    lock = threading.Lock()

    def worker() -> None:
        mine = Tally()
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            while (t0 := time.perf_counter()) < stop_at:
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    ok = False
                mine.histogram[round((time.perf_counter() - t0) * 1_000_000)] += 1
                mine.requests += 1
                mine.errors += not ok
        finally:
            conn.close()
            with lock:
                tally.add(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    tally.seconds = time.perf_counter() - started
    return tally


@dataclass(frozen=True)
class Target:
    label: str
    endpoint: Endpoint
    server: Server


def load_slice(target: Target, token: str, args: argparse.Namespace, seconds: int) -> Tally:
    """Drive one endpoint for `seconds`; the CPU its server's workers used meanwhile."""
    endpoint, port = target.endpoint, target.server.port
    headers = {"Authorization": f"Token {token}"} if endpoint.authenticated else {}
    workers = worker_pids(target.server.pid)
    cpu_before = cpu_seconds(workers)
    if args.load == "wrk":
        tally = run_wrk(f"http://{HOST}:{port}{endpoint.path}", headers, args, seconds)
    else:
        tally = run_python_load(port, endpoint.path, headers, args, seconds)
    tally.cpu_seconds = cpu_seconds(workers) - cpu_before
    tally.cpu_known = bool(workers)
    if tally.errors:
        raise RuntimeError(f"{endpoint.path}: {tally.errors} failed requests under load")
    return tally


def drive(targets: list[Target], token: str, args: argparse.Namespace) -> dict[str, Load]:
    """Warm each target up, then measure them in turn, round after round, so that a
    change in what else the machine does touches every endpoint alike."""
    for target in targets:
        headers = {"Authorization": f"Token {token}"} if target.endpoint.authenticated else {}
        status, _ = get(target.server.port, target.endpoint.path, headers)
        if status != 200:
            raise RuntimeError(f"{target.endpoint.path} answered {status} on the server")
        if args.warmup > 0:
            load_slice(target, token, args, args.warmup)
    tallies = {target.label: Tally() for target in targets}
    for _round in range(args.rounds):
        for target in targets:
            tallies[target.label].add(load_slice(target, token, args, args.slice))
    return {label: Load.of(tally) for label, tally in tallies.items()}


# --- Where the time of a request goes ---------------------------------------------------


class PhaseTimer:
    """Exclusive wall time per nested phase path ("fetch/sql"), outside a profiler."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = time.perf_counter()

    def switch(self) -> None:
        now = time.perf_counter()
        self.totals["/".join(self.stack) or "other"] += now - self.mark
        self.mark = now

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.switch()
        self.stack.append(name)
        try:
            yield
        finally:
            self.switch()
            self.stack.pop()

    def wrap(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return func(*args, **kwargs)

        return wrapper

    def sql(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with self.phase("sql"):
            return execute(sql, params, many, context)


# (label, test on the phase path); the first match wins.
CATEGORIES: list[tuple[str, Callable[[str], bool]]] = [
    ("DB connection health check (SELECT 1)", lambda p: "health" in p),
    ("page cache: data version query", lambda p: p.startswith("version")),
    ("knox token auth, incl. its 2 queries", lambda p: p.startswith("auth")),
    ("pagination COUNT(*) query", lambda p: p.startswith("count")),
    ("page query: PostgreSQL execute", lambda p: p.startswith("fetch") and p.endswith("sql")),
    ("page query: ORM compile/fetch/models", lambda p: p.startswith("fetch")),
    (
        "queries while building rows (events: the live schedules)",
        lambda p: p.startswith("serialize") and "sql" in p,
    ),
    ("DRF serialization", lambda p: p.startswith("serialize")),
    ("JSON rendering", lambda p: p.startswith("render")),
    ("filterset (django-filter)", lambda p: p.startswith("filter")),
    ("other SQL", lambda p: p.endswith("sql")),
    ("rest: middleware, routing, DRF, client", lambda p: True),
]


def phase_breakdown(
    endpoint: Endpoint, token: str, calls: int, *, cached: bool
) -> tuple[dict[str, float], float]:
    """ms per request by category over `calls` requests through the test client, with
    the page cache on (repeats are hits) or off (every request builds its page)."""
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.query import QuerySet
    from django.test import override_settings
    from django_filters.rest_framework import DjangoFilterBackend
    from knox.auth import TokenAuthentication
    from rest_framework.renderers import JSONRenderer
    from rest_framework.serializers import ListSerializer

    from core import page_cache
    from events.api import EventViewSet
    from scheduler.api import ScheduleViewSet

    client, auth = client_for(token)
    headers = auth if endpoint.authenticated else {}
    timer = PhaseTimer()
    wrapped: list[tuple[Any, str, str]] = [
        (TokenAuthentication, "authenticate", "auth"),
        (QuerySet, "count", "count"),
        (QuerySet, "_fetch_all", "fetch"),
        (ListSerializer, "to_representation", "serialize"),
        (JSONRenderer, "render", "render"),
        (DjangoFilterBackend, "filter_queryset", "filter"),
        (BaseDatabaseWrapper, "close_if_health_check_failed", "health"),
        (ScheduleViewSet, "rows_to_dicts", "serialize"),
        (EventViewSet, "rows_to_dicts", "serialize"),
        (page_cache, "data_version", "version"),
    ]
    with ExitStack() as stack:
        stack.enter_context(override_settings(API_PAGE_CACHE_SECONDS=300 if cached else 0))
        for _ in range(5):
            client.get(endpoint.path, **headers)  # type: ignore[arg-type]
        for owner, attr, name in wrapped:
            stack.enter_context(
                mock.patch.object(owner, attr, timer.wrap(getattr(owner, attr), name))
            )
        stack.enter_context(connection.execute_wrapper(timer.sql))
        started = time.perf_counter()
        for _ in range(calls):
            timer.mark = time.perf_counter()
            client.get(endpoint.path, **headers)  # type: ignore[arg-type]
            timer.switch()
        total = time.perf_counter() - started
    by_category: dict[str, float] = defaultdict(float)
    for path, seconds in timer.totals.items():
        label = next(label for label, test in CATEGORIES if test(path))
        by_category[label] += seconds * 1000 / calls
    return dict(by_category), total * 1000 / calls


def cprofile_top(endpoint: Endpoint, token: str, calls: int, top: int) -> list[str]:
    """The functions with the most own time under cProfile (which inflates Python code),
    each request building its page (the cache off)."""
    from django.test import override_settings

    client, auth = client_for(token)
    with override_settings(API_PAGE_CACHE_SECONDS=0):
        for _ in range(5):
            client.get(endpoint.path, **auth)  # type: ignore[arg-type]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            client.get(endpoint.path, **auth)  # type: ignore[arg-type]
        profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    entries = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    total = sum(v[2] for v in raw.values())
    lines = [
        f"  profiled total {total * 1000 / calls:.1f} ms/request",
        f"  {'own ms/req':>10} {'calls/req':>9}  function",
    ]
    for (filename, line, name), (_cc, ncalls, tottime, _ct, _callers) in entries:
        where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        lines.append(
            f"  {tottime * 1000 / calls:10.2f} {ncalls / calls:9.0f}  {name} ({where}:{line})"
        )
    return lines


# --- Main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--employees", type=int, default=40, help="employees to seed")
    parser.add_argument("--events", type=int, default=5_000, help="events to seed")
    parser.add_argument("--schedules", type=int, default=3_000, help="live schedules to seed")
    parser.add_argument("--weeks", type=int, default=8, help="weeks the event windows span")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--duration", type=int, default=15, help="seconds measured per endpoint, in all"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="the duration is split in rounds taken in turn"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--load", choices=("wrk", "python"), default="wrk", help="load generator")
    parser.add_argument(
        "--profile-calls", type=int, default=200, help="requests per in-process measure; 0: none"
    )
    parser.add_argument("--show-sql", action="store_true", help="print each endpoint's SQL")
    args = parser.parse_args()
    if min(args.duration, args.rounds, args.connections, args.threads) < 1:
        parser.error("--duration, --rounds, --connections and --threads must be positive")
    if args.duration % args.rounds:
        parser.error("--duration must be a multiple of --rounds")
    args.slice = args.duration // args.rounds
    if args.threads > args.connections:
        parser.error("--threads cannot exceed --connections")
    if args.load == "wrk" and shutil.which("wrk") is None:
        print(
            "wrk not found: install it (`apt-get install wrk` on Debian/Ubuntu, `brew install "
            "wrk` on macOS) for precise numbers. Falling back to the Python load generator, "
            "whose own CPU use competes with the server."
        )
        args.load = "python"
    # SIGTERM ends the run through the finally blocks, so gunicorn is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    os.environ.update(SERVER_ENV)
    # WhiteNoise looks for collected static files, which an API benchmark does not need.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    database_url = setup()
    from django.utils import timezone

    today = timezone.localdate()
    first_day = today - dt.timedelta(days=today.weekday())
    seeded = seed(
        employees=args.employees,
        events=args.events,
        schedules=args.schedules,
        weeks=args.weeks,
        first_day=first_day,
    )
    print(
        f"seeded {seeded.employees} employees, {seeded.events:,} events in {seeded.stores} "
        f"stores (windows opening {seeded.first_day} to {seeded.last_day}), "
        f"{seeded.schedules:,} live schedules in {seeded.seconds:.1f} s"
    )
    token = create_token()
    week_start = first_day + dt.timedelta(days=7 * min(3, max(0, args.weeks // 2 - 1)))
    targets = endpoints(week_start)
    measured = {e.label: measure_in_process(e, token) for e in targets}
    for endpoint in targets:
        found = measured[endpoint.label]
        if found.status != 200:
            raise SystemExit(f"{endpoint.path} answered {found.status} in-process")
        if args.show_sql:
            print(f"\n{endpoint.label}: {endpoint.path}")
            for sql in found.sql:
                print(f"  {sql}")

    load_label = (
        f"wrk -t{args.threads} -c{args.connections}"
        if args.load == "wrk"
        else f"Python load generator, {args.connections} keep-alive threads"
    )
    print(
        f"\nload: {load_label}; per endpoint {args.warmup} s warm-up, then {args.rounds} "
        f"rounds of {args.slice} s taken in turn; gunicorn {args.workers} workers; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before"
    )
    uncached = {"API_PAGE_CACHE_SECONDS": "0"}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(gunicorn(database_url, args.workers, tmp / "app.log"))
        plain = stack.enter_context(
            gunicorn(database_url, args.workers, tmp / "uncached.log", uncached)
        )
        runs = [Target(e.label, e, server) for e in targets]
        runs += [Target(f"{e.label}, cache off", e, plain) for e in targets[1:]]
        loads = drive(runs, token, args)
    print(f"load average {os.getloadavg()[0]:.2f} after (1 min)")

    def cpu(load: Load) -> str:
        return "-" if load.cpu_ms is None else f"{load.cpu_ms:.2f}"

    a = loads[targets[0].label]
    print(
        "\n| endpoint | path | req/s | p50 ms | p99 ms | app CPU ms/req | queries | bytes | rows "
        "| % of (a) |\n|---|---|---:|---:|---:|---:|---:|---:|---|---:|"
    )
    for run in runs:
        load, found = loads[run.label], measured[run.endpoint.label]
        off = run.label.endswith("cache off")
        queries = found.queries_built if off or run.endpoint is targets[0] else found.queries_cached
        print(
            f"| {run.label} | `{run.endpoint.path}` | {load.requests_per_s:,.0f} | "
            f"{load.p50_ms:.1f} | {load.p99_ms:.1f} | {cpu(load)} | {queries} | "
            f"{found.body_bytes:,} | {found.rows} | {load.requests_per_s / a.requests_per_s:.1%} |"
        )
    b = loads[targets[1].label]
    ratio = b.requests_per_s / a.requests_per_s
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"\n(b)/(a) = {ratio:.1%} of the health endpoint's throughput: goal >= 30 % {verdict}")

    if args.profile_calls <= 0:
        return
    calls = args.profile_calls
    print(
        f"\nWhere the time goes, in-process (test client, same DB), {calls} calls each, ms/request:"
    )
    columns = [
        (targets[0], False, targets[0].label),
        (targets[1], False, f"{targets[1].label}, built"),
        (targets[1], True, f"{targets[1].label}, cached"),
        (targets[2], False, f"{targets[2].label}, built"),
    ]
    breakdowns = [phase_breakdown(e, token, calls, cached=c) for e, c, _label in columns]
    print(f"| part | {' | '.join(label for *_, label in columns)} |")
    print(f"|---|{'---:|' * len(columns)}")
    for label, _test in CATEGORIES:
        cells = [parts.get(label, 0.0) for parts, _total in breakdowns]
        if any(cells):
            print(f"| {label} | {' | '.join(f'{c:.2f}' for c in cells)} |")
    print(f"| total, timed | {' | '.join(f'{total:.2f}' for _parts, total in breakdowns)} |")

    print(f"\ncProfile of {targets[1].label} with the cache off, top own time:")
    print("\n".join(cprofile_top(targets[1], token, min(calls, 100), top=15)))


if __name__ == "__main__":
    main()
