"""Benchmark: API throughput under gunicorn (2 workers, no DEBUG) on PostgreSQL.

Seeds 40 employees, 5,000 events and 3,000 live schedules, serves them with gunicorn on
loopback and drives, in the same run, (a) GET /api/health/ (one indexed query), (b) GET
/api/v1/schedules/?page_size=100 and (c) GET /api/v1/events/ filtered to one week, with
wrk (or a bounded Python load generator when wrk is missing): after a warm-up, the
endpoints take turns in short slices over a few rounds, so that whatever else the
machine does touches each alike. Reports requests/s, p50, p99, the workers' CPU time
per request, SQL queries and response bytes side by side, and the ratio (b)/(a) against
the goal of at least 30 %.

Then where the time of (b) goes: an in-process breakdown by phase (auth, COUNT, page
query, ORM, serialization, rendering, the rest), a cProfile summary, one page built
four ways, and whole-request prototypes of (b) (bench-only patches of the view, each
checked to answer the same bytes), two of them also served by gunicorn and driven in
the same rounds.

    python bench/api_throughput.py [--duration 15] [--rounds 3] [--warmup 3]
        [--connections 4] [--threads 2] [--events 5000] [--schedules 3000]
        [--profile-calls 200] [--prototype-load values+auth values+auth+cache]
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
import statistics
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
    from scheduler.models import Schedule

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
    from core.demo.data import rng_for
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

    from core.demo.data import CORE_PRODUCTS, DIGITAL_CAMPAIGNS, employee_specs, rng_for
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
    queries: int
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
    """Call the endpoint once through Django's test client: status, queries, size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, auth = client_for(token)
    headers = auth if endpoint.authenticated else {}
    client.get(endpoint.path, **headers)  # type: ignore[arg-type]  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(endpoint.path, **headers)  # type: ignore[arg-type]
    body = response.content
    rows = "-"
    if response.status_code == 200 and endpoint.authenticated:
        data = json.loads(body)
        rows = f"{len(data['results'])} of {data['count']:,}"
    return InProcess(
        status=response.status_code,
        queries=len(captured.captured_queries),
        body_bytes=len(body),
        rows=rows,
        sql=[q["sql"] for q in captured.captured_queries],
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
    database_url: str, workers: int, log: Path, prototype: str | None = None
) -> Iterator[Server]:
    """gunicorn on a free loopback port until the block ends, however it ends.

    With `prototype`, the app is this module's prototype_application() instead.
    """
    binary = Path(sys.executable).with_name("gunicorn")
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url}
    app = ["core.wsgi:application"]
    if prototype is not None:
        env["BENCH_API_PROTOTYPE"] = prototype
        app = ["--pythonpath", str(ROOT / "bench"), "api_throughput:prototype_application()"]
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


def run_wrk(url: str, headers: dict[str, str], args: argparse.Namespace, seconds: int) -> Tally:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
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
    ("knox token auth, incl. its 2 queries", lambda p: p.startswith("auth")),
    ("pagination COUNT(*) query", lambda p: p.startswith("count")),
    ("page query: PostgreSQL execute", lambda p: p.startswith("fetch") and p.endswith("sql")),
    ("page query: ORM compile/fetch/models", lambda p: p.startswith("fetch")),
    ("query during serialization (N+1!)", lambda p: p.startswith("serialize") and "sql" in p),
    ("DRF serialization", lambda p: p.startswith("serialize")),
    ("JSON rendering", lambda p: p.startswith("render")),
    ("filterset (django-filter)", lambda p: p.startswith("filter")),
    ("other SQL", lambda p: p.endswith("sql")),
    ("rest: middleware, routing, DRF, client", lambda p: True),
]


def phase_breakdown(
    endpoint: Endpoint, token: str, calls: int, prototype: str | None = None
) -> tuple[dict[str, float], float]:
    """ms per request by category over `calls` requests through the test client."""
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.query import QuerySet
    from django_filters.rest_framework import DjangoFilterBackend
    from knox.auth import TokenAuthentication
    from rest_framework.renderers import JSONRenderer
    from rest_framework.serializers import ListSerializer

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
        (sys.modules[__name__], "schedule_dicts_from_models", "serialize"),
        (sys.modules[__name__], "schedule_dicts_from_values", "serialize"),
    ]
    with ExitStack() as stack:
        for patcher in prototype_patchers(prototype) if prototype else []:
            stack.enter_context(patcher)
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


def plain_request_ms(endpoint: Endpoint, token: str, calls: int) -> float:
    client, auth = client_for(token)
    headers = auth if endpoint.authenticated else {}
    for _ in range(5):
        client.get(endpoint.path, **headers)  # type: ignore[arg-type]
    started = time.perf_counter()
    for _ in range(calls):
        client.get(endpoint.path, **headers)  # type: ignore[arg-type]
    return (time.perf_counter() - started) * 1000 / calls


def cprofile_top(endpoint: Endpoint, token: str, calls: int, top: int) -> list[str]:
    """The functions with the most own time under cProfile (which inflates Python code)."""
    client, auth = client_for(token)
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


# --- A faster serialization, prototyped on the same page --------------------------------


def _iso(value: dt.datetime, tz: dt.tzinfo) -> str:
    """What DRF's DateTimeField gives: ISO 8601 in the current time zone."""
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def schedule_dicts_from_models(page: list[Schedule], tz: dt.tzinfo) -> list[dict[str, Any]]:
    rows = []
    for s in page:
        event: Event = s.event
        employee: Employee = s.employee
        rows.append(
            {
                "id": s.pk,
                "event": s.event_id,
                "event_ref_num": event.project_ref_num,
                "event_name": event.project_name,
                "event_type": event.event_type,
                "store_number": event.store_number,
                "store_name": event.store_name,
                "employee": s.employee_id,
                "employee_external_id": employee.external_id,
                "employee_name": employee.name,
                "start": _iso(s.start, tz),
                "end": _iso(s.end, tz),
                "paired_event": event.paired_event_id,
                "external_schedule_id": s.external_schedule_id,
                "created_at": _iso(s.created_at, tz),
            }
        )
    return rows


def schedule_row_fields() -> tuple[str, ...]:
    """The app's own list columns, so the prototypes read the same rows."""
    from scheduler.selectors import SCHEDULE_ROW_FIELDS

    return SCHEDULE_ROW_FIELDS


def schedule_dicts_from_values(rows: list[tuple[Any, ...]], tz: dt.tzinfo) -> list[dict[str, Any]]:
    """The app's row builder (it formats in the current zone, which is `tz` here)."""
    from scheduler.selectors import schedule_row_dicts

    return schedule_row_dicts(rows)


def narrow_schedules() -> Any:
    """schedule_list() reading only the 16 columns the serializer shows, without the join
    to the Core event (its id is a column of the event) and with just the id of the
    Supervisor event."""
    from scheduler.models import Schedule

    return (
        Schedule.objects.live()
        .select_related("employee", "event", "event__supervisor_event")
        .only(
            "event",
            "employee",
            "start",
            "end",
            "external_schedule_id",
            "created_at",
            "event__project_ref_num",
            "event__project_name",
            "event__event_type",
            "event__store_number",
            "event__store_name",
            "event__core_event",
            "event__supervisor_event__id",
            "employee__external_id",
            "employee__name",
        )
        .order_by("start", "id")
    )


def value_schedules() -> Any:
    from scheduler.selectors import schedule_list

    return schedule_list().values_list(*schedule_row_fields())


def best_ms(func: Callable[[], object], repeat: int) -> float:
    """Median of `repeat` timed calls, in ms."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def page_ways(page_size: int, repeat: int) -> list[tuple[str, float, float, float]]:
    """Fetch, serialize and render one page four ways, each checked against DRF's bytes."""
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from scheduler.selectors import schedule_list
    from scheduler.serializers import ScheduleSerializer

    tz = timezone.get_current_timezone()
    renderer = JSONRenderer()

    def fetch_models() -> list[Schedule]:
        return list(schedule_list()[:page_size])

    def fetch_narrow() -> list[Schedule]:
        return list(narrow_schedules()[:page_size])

    def fetch_values() -> list[tuple[Any, ...]]:
        return list(value_schedules()[:page_size])

    def drf(page: list[Schedule]) -> Any:
        return ScheduleSerializer(page, many=True).data

    def plain(page: list[Schedule]) -> Any:
        return schedule_dicts_from_models(page, tz)

    def from_values(rows: list[tuple[Any, ...]]) -> Any:
        return schedule_dicts_from_values(rows, tz)

    reference = renderer.render(drf(fetch_models()))
    ways: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]] = [
        ("today: schedule_list() + ScheduleSerializer", fetch_models, drf),
        ("narrow query + ScheduleSerializer", fetch_narrow, drf),
        ("narrow query + plain function", fetch_narrow, plain),
        (".values_list() + plain function", fetch_values, from_values),
    ]
    results = []
    for label, fetch, serialize in ways:
        rows = fetch()
        data = serialize(rows)
        if renderer.render(data) != reference:
            raise AssertionError(f"{label}: JSON differs from ScheduleSerializer's")
        results.append(
            (
                label,
                best_ms(fetch, repeat),
                best_ms(functools.partial(serialize, rows), repeat),
                best_ms(functools.partial(renderer.render, data), repeat),
            )
        )
    return results


# Whole-request prototypes of (b): patches of the view (and of knox), never of app files.
BREAKDOWN_PROTOTYPES = ("values+auth", "values+auth+cache")
PROTOTYPES = {
    "narrow": "narrow query, ScheduleSerializer kept",
    "plain": "narrow query + plain function instead of ScheduleSerializer",
    "values": ".values_list() + plain function, COUNT without joins",
    "values+auth": ".values_list() + plain function + knox without the other-tokens scan",
    "values+auth+cache": "values+auth, pages served from a cache (hit: 1 indexed query)",
}


def prototype_patchers(name: str) -> list[Any]:
    """mock patchers that turn the schedule list into the prototype `name`."""
    from django.db.models import Max
    from django.http import HttpResponse
    from django.utils import timezone
    from knox.auth import TokenAuthentication
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request
    from rest_framework.response import Response

    from scheduler.api import ScheduleViewSet
    from scheduler.models import Schedule

    tz = timezone.get_current_timezone

    def list_models(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(schedule_dicts_from_models(page, tz()))

    def list_values(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.values_list(*schedule_row_fields())
        # The count runs on the filtered queryset, without the joins the rows need.
        rows.count = queryset.count
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(schedule_dicts_from_values(page, tz()))

    def own_token_only(self: Any, auth_token: Any) -> bool:
        """knox checks every token of the user on each request (one more query) to delete
        expired ones; here only the presented token is checked."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    pages: dict[tuple[str, Any], bytes] = {}

    def list_cached(self: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The rendered page, kept per URL and data version. The version here is a
        stand-in (the highest schedule id: one index lookup); a real one must change
        with every write to schedules, events and employees, e.g. a counter row."""
        version = Schedule.objects.aggregate(version=Max("id"))["version"]
        key = (request.get_full_path(), version)
        if key not in pages:
            pages[key] = JSONRenderer().render(list_values(self, request).data)
        return HttpResponse(pages[key], content_type="application/json")

    def view(attr: str, func: Callable[..., Any]) -> Any:
        return mock.patch.object(ScheduleViewSet, attr, func)

    narrow = view("get_queryset", lambda self: narrow_schedules())
    values = view("get_queryset", lambda self: Schedule.objects.live().order_by("start", "id"))
    auth = mock.patch.object(TokenAuthentication, "_cleanup_token", own_token_only)
    return {
        "narrow": [narrow],
        "plain": [narrow, view("list", list_models)],
        "values": [values, view("list", list_values)],
        "values+auth": [values, view("list", list_values), auth],
        "values+auth+cache": [values, view("list", list_cached), auth],
    }[name]


def prototype_requests(path: str, token: str, calls: int) -> list[tuple[str, float]]:
    """(prototype, ms/request) over the test client; each prototype's response is
    checked byte for byte against today's, on two pages and an ordering."""
    client, auth = client_for(token)
    checks = [path, f"{path}&page=3", f"{path}&ordering=-employee"]
    reference = [client.get(p, **auth).content for p in checks]  # type: ignore[arg-type]
    endpoint = Endpoint("(b)", path, authenticated=True)
    results = []
    for name in PROTOTYPES:
        with ExitStack() as stack:
            for patcher in prototype_patchers(name):
                stack.enter_context(patcher)
            got = [client.get(p, **auth).content for p in checks]  # type: ignore[arg-type]
            if got != reference:
                raise AssertionError(f"prototype {name!r} answers differently from today")
            results.append((name, plain_request_ms(endpoint, token, calls)))
    return results


def prototype_application() -> Any:
    """gunicorn entry of a prototype server, `api_throughput:prototype_application()`:
    the project's WSGI app with the patches named by BENCH_API_PROTOTYPE."""
    from core.wsgi import application

    for patcher in prototype_patchers(os.environ["BENCH_API_PROTOTYPE"]):
        patcher.start()
    return application


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
        "--prototype-load",
        nargs="*",
        choices=list(PROTOTYPES),
        default=list(BREAKDOWN_PROTOTYPES),
        metavar="PROTOTYPE",
        help=f"prototypes of (b) also served and driven ({', '.join(PROTOTYPES)}; "
        "the option alone: none)",
    )
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
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(gunicorn(database_url, args.workers, tmp / "app.log"))
        runs = [Target(e.label, e, server) for e in targets]
        for name in args.prototype_load:
            proto_server = stack.enter_context(
                gunicorn(database_url, args.workers, tmp / f"{name}.log", name)
            )
            runs.append(Target(name, targets[1], proto_server))
        loads = drive(runs, token, args)
    print(f"load average {os.getloadavg()[0]:.2f} after (1 min)")
    protos = {name: loads[name] for name in args.prototype_load}

    def cpu(load: Load) -> str:
        return "-" if load.cpu_ms is None else f"{load.cpu_ms:.2f}"

    print(
        "\n| endpoint | path | req/s | p50 ms | p99 ms | app CPU ms/req | queries | bytes | rows |"
        "\n|---|---|---:|---:|---:|---:|---:|---:|---|"
    )
    for endpoint in targets:
        load, found = loads[endpoint.label], measured[endpoint.label]
        print(
            f"| {endpoint.label} | `{endpoint.path}` | {load.requests_per_s:,.0f} | "
            f"{load.p50_ms:.1f} | {load.p99_ms:.1f} | {cpu(load)} | {found.queries} | "
            f"{found.body_bytes:,} | {found.rows} |"
        )
    a, b = loads[targets[0].label], loads[targets[1].label]
    ratio = b.requests_per_s / a.requests_per_s
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"\n(b)/(a) = {ratio:.1%} of the health endpoint's throughput: goal >= 30 % {verdict}")
    if protos:
        print(
            "\n(b) on prototype servers (bench-only patches, same JSON), same run:\n"
            "| prototype | req/s | p50 ms | p99 ms | app CPU ms/req | % of (a) |\n"
            "|---|---:|---:|---:|---:|---:|"
        )
        for name, proto in protos.items():
            print(
                f"| {name}: {PROTOTYPES[name]} | {proto.requests_per_s:,.0f} | "
                f"{proto.p50_ms:.1f} | {proto.p99_ms:.1f} | {cpu(proto)} | "
                f"{proto.requests_per_s / a.requests_per_s:.1%} |"
            )

    if args.profile_calls <= 0:
        return
    calls = args.profile_calls
    print(
        f"\nWhere the time goes, in-process (test client, same DB), {calls} calls each, ms/request:"
    )
    plain = [plain_request_ms(e, token, calls) for e in targets]
    breakdowns = [phase_breakdown(e, token, calls) for e in targets] + [
        phase_breakdown(targets[1], token, calls, name) for name in BREAKDOWN_PROTOTYPES
    ]
    columns = [e.label for e in targets] + [f"(b) {n}" for n in BREAKDOWN_PROTOTYPES]
    print(f"| part | {' | '.join(columns)} |\n|---|{'---:|' * len(columns)}")
    for label, _test in CATEGORIES:
        cells = [parts.get(label, 0.0) for parts, _total in breakdowns]
        if any(cells):
            print(f"| {label} | {' | '.join(f'{c:.2f}' for c in cells)} |")
    print(f"| total, timed | {' | '.join(f'{total:.2f}' for _parts, total in breakdowns)} |")
    print(f"| total, untimed | {' | '.join(f'{ms:.2f}' for ms in plain)} | | |")

    print(f"\ncProfile of {targets[1].label}, top own time:")
    print("\n".join(cprofile_top(targets[1], token, min(calls, 100), top=15)))

    print("\nOne page of 100 schedules, ms (median), each way's JSON identical to today's:")
    print("| way | fetch | serialize | render | sum |\n|---|---:|---:|---:|---:|")
    for label, fetch_ms, serialize_ms, render_ms in page_ways(100, repeat=max(20, calls // 4)):
        total = fetch_ms + serialize_ms + render_ms
        print(f"| {label} | {fetch_ms:.2f} | {serialize_ms:.2f} | {render_ms:.2f} | {total:.2f} |")

    print(
        f"\nWhole request (b) with each prototype, in-process, {calls} calls, same bytes; "
        "req/s scaled from (b)'s measured throughput:"
    )
    print("| prototype | ms/request | est. req/s | est. % of (a) |\n|---|---:|---:|---:|")
    print(f"| today | {plain[1]:.2f} | {b.requests_per_s:,.0f} | {ratio:.0%} |")
    for name, ms in prototype_requests(targets[1].path, token, calls):
        estimate = b.requests_per_s * plain[1] / ms
        print(
            f"| {name}: {PROTOTYPES[name]} | {ms:.2f} | {estimate:,.0f} | "
            f"{estimate / a.requests_per_s:.0%} |"
        )


if __name__ == "__main__":
    main()
