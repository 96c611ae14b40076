"""Benchmark: build the paperwork packet of a 90-event day, on PostgreSQL, with the
retailer portal and the sales-tool server on loopback answering every call after a
realistic latency (300 ms by default).

The fake portal is the one the tests use (tests/paperwork/fake_portal.py, on
pytest-httpserver from requirements-dev.txt). The day: 90 scheduled events in 6 stores,
72 Core (each with a report of 4 items from a shared catalogue of 120, and a 2-page
sales-tool PDF; 3 links answer a sign-in page, 2 events have no link, 1 report is
unknown to the portal) and 18 Juicer Production; two company forms (3 pages) for Core.
A manager signs in to the portal with the SMS code, then the packet is built twice:
cold (every report fetched) and warm (reports from the cache, sales tools fetched again).
Reports wall time, peak memory (Python allocations, tracemalloc, and the process's peak
RSS), pages, size and the calls the portal answered.

    ../.venv/bin/python paperwork_bench.py [--events 90] [--latency 0.3] [--workers 6]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import resource
import sys
import time
import tracemalloc

from _django import ROOT, setup

DATABASE = "postgres://postgres@127.0.0.1:5432/event_scheduler_bench_paperwork"
DAY = dt.date(2027, 3, 2)
STORES = 6


def seed(portal, *, events: int) -> object:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from core.roles import ensure_manager_group
    from employees.models import Employee, JobTitle
    from events.models import Event
    from events.types import EventType
    from paperwork.models import EventReport, PacketBuild, PaperworkForm, PortalSession
    from scheduler.models import Schedule
    from tests.paperwork.factories import pdf_bytes
    from tests.paperwork.fake_portal import item, report

    for model in (PacketBuild, PortalSession, EventReport, PaperworkForm, Schedule):
        model.objects.all().delete()
    Event.objects.all().delete()
    Employee.objects.all().delete()
    User.objects.filter(username="bench-manager").delete()
    manager = User.objects.create_user("bench-manager")  # no password: never signs in
    manager.groups.add(ensure_manager_group())

    tool = pdf_bytes("Sales tool: how to demo", "Sales tool: talking points")
    login_page = b"<html><form>Password <input type=password></form></html>"
    juicers = events // 5
    cores = events - juicers
    start_of_day = timezone.make_aware(dt.datetime.combine(DAY, dt.time(0, 0)))
    people = Employee.objects.bulk_create(
        Employee(
            external_id=f"US{900000 + i}",
            name=f"Bench Person {i}",
            job_title=JobTitle.JUICER_BARISTA if i >= cores else JobTitle.EVENT_SPECIALIST,
        )
        for i in range(events)
    )
    rows = []
    for i in range(events):
        is_core = i < cores
        number = str(700000 + i)
        store = str(8100 + i % STORES)
        kind = EventType.CORE if is_core else EventType.JUICER_PRODUCTION
        url = ""
        if is_core and i not in (5, 6):
            if i in (10, 11, 12):
                url = portal.tool(f"{number}-login", login_page, ctype="text/html")
            else:
                url = portal.tool(f"{number}.pdf", tool)
        if is_core and i != 20:
            items = [
                item(str(980000 + (i * 3 + k) % 120), f"36000{(i * 3 + k) % 120:05d}", f"Item {k}")
                for k in range(4)
            ]
            portal.add(number, report(number, items=items), store=store)
        label = "CORE" if is_core else "JUICER"
        rows.append(
            Event(
                project_ref_num=8_000_000 + i,
                project_name=f"{number}-{label}-Bench product {i}",
                event_number=number,
                event_type=kind,
                store_number=store,
                store_name=f"Club {store}",
                start_datetime=start_of_day - dt.timedelta(days=1),
                due_datetime=start_of_day + dt.timedelta(days=3),
                sales_tool_url=url,
            )
        )
    saved = Event.objects.bulk_create(rows)
    slots = [(10, 45), (11, 15), (11, 45), (12, 15)]
    schedules = []
    for i, (event, person) in enumerate(zip(saved, people, strict=True)):
        hour, minute = slots[i % 4] if event.event_type == EventType.CORE else (9, 0)
        start = start_of_day + dt.timedelta(hours=hour, minutes=minute)
        schedules.append(
            Schedule(
                event=event,
                employee=person,
                start=start,
                end=start + event.duration,
                work_date=DAY,
                is_core=event.event_type == EventType.CORE,
            )
        )
    Schedule.objects.bulk_create(schedules)
    PaperworkForm.objects.create(
        title="Activity log", pdf=pdf_bytes("Activity log 1", "Activity log 2"),
        file_name="log.pdf", page_count=2, event_types=["core"], position=1,
    )  # fmt: skip
    PaperworkForm.objects.create(
        title="Checklist", pdf=pdf_bytes("Checklist"), file_name="check.pdf", page_count=1,
        event_types=["core"], position=0,
    )  # fmt: skip
    return manager


def build_once(manager, *, trace: bool) -> dict[str, float]:
    from paperwork.models import PacketBuild
    from paperwork.packet import packet_build_execute

    build = PacketBuild.objects.create(day=DAY, requested_by=manager)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    done = packet_build_execute(build_id=build.pk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    assert done.status == PacketBuild.Status.DONE, done.error
    return {
        "seconds": seconds,
        "peak_mib": peak / 2**20,
        "pages": done.page_count,
        "mib": len(bytes(done.pdf or b"")) / 2**20,
        "problems": len(done.problems),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=90)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=6)
    args = parser.parse_args()

    setup(DATABASE)
    sys.path.insert(0, str(ROOT))
    for noisy in ("werkzeug", "httpx", "paperwork"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.conf import settings
    from pytest_httpserver import HTTPServer

    from paperwork.models import EventReport
    from paperwork.services import portal_sign_in_start, portal_sign_in_verify
    from tests.paperwork.fake_portal import CREDENTIAL_ID, PASSWORD, USERNAME, FakePortal

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        portal = FakePortal(server, latency=args.latency)
        settings.EDR_ENABLED = True
        settings.EDR_LOGIN_URL = settings.EDR_PORTAL_URL = portal.base_url
        settings.EDR_USERNAME, settings.EDR_PASSWORD = USERNAME, PASSWORD
        settings.EDR_MFA_CREDENTIAL_ID = CREDENTIAL_ID
        settings.PAPERWORK_FETCH_WORKERS = args.workers
        manager = seed(portal, events=args.events)
        portal_sign_in_start(user=manager)
        portal_sign_in_verify(user=manager, code=portal.codes[-1])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{args.events} events, portal latency {args.latency * 1000:.0f} ms a call, "
            f"{args.workers} fetches at once"
        )
        for label, trace in (("cold", False), ("warm", False), ("warm, traced", True)):
            if label == "cold":
                EventReport.objects.all().delete()
            calls_before = dict(portal.calls)
            result = build_once(manager, trace=trace)
            calls = {k: v - calls_before.get(k, 0) for k, v in portal.calls.items()}
            line = (
                f"{label:>13}: {result['seconds']:6.2f} s · {result['pages']:.0f} pages · "
                f"{result['mib']:.2f} MiB PDF · {result['problems']:.0f} missing · portal calls "
                f"browse {calls.get('browse', 0)}, report {calls.get('report', 0)}"
            )
            if trace:
                line += f" · Python peak {result['peak_mib']:.1f} MiB"
            print(line)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak RSS {rss_after:.0f} MiB (after sign-in, before the builds: "
              f"{rss_before:.0f} MiB)")  # fmt: skip
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
