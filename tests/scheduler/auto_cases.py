"""Hand-made in-memory instances for the auto-scheduler's algorithm (no database)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.conf import settings

from employees.models import JobTitle
from events.types import EventType, default_minutes
from scheduler import auto
from scheduler.rules import Booking, EmployeeFacts, EventFacts, Snapshot

TZ = ZoneInfo(settings.TIME_ZONE)
MON = dt.date(2026, 12, 14)
_ids = itertools.count(1)
ALL_DAYS = frozenset(range(7))
TITLES = {
    "lead": JobTitle.LEAD_EVENT_SPECIALIST,
    "super": JobTitle.CLUB_SUPERVISOR,
    "barista": JobTitle.JUICER_BARISTA,
    "specialist": JobTitle.EVENT_SPECIALIST,
}


def day(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def at(offset: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day(offset), dt.time(hour, minute)).replace(tzinfo=TZ)


def person(name: str, title: str, weekdays: frozenset[int] = ALL_DAYS) -> EmployeeFacts:
    return EmployeeFacts(
        id=next(_ids),
        name=name,
        job_title=TITLES.get(title, title),
        is_active=True,
        termination_date=None,
        weekdays=weekdays,
    )


def event(
    event_type: str, first: int = 0, last: int = 0, name: str = "", event_id: int | None = None
) -> EventFacts:
    """An event whose window covers the days first..last (offsets from Monday)."""
    pk = event_id or next(_ids) + 10_000
    return EventFacts(
        id=pk,
        name=name or f"{pk}-{event_type}",
        event_type=event_type,
        window_start=at(first),
        window_due=at(last + 1),
        duration=dt.timedelta(minutes=default_minutes(event_type)),
    )


def live(employee: EmployeeFacts, facts: EventFacts, start: dt.datetime) -> tuple[int, Booking]:
    return employee.id, Booking(
        next(_ids), facts.id, facts.name, facts.event_type, start, start + facts.duration
    )


def problem(
    events: list[EventFacts],
    people: list[EmployeeFacts],
    *,
    earliest: int = 0,
    last: int = 6,
    rotations: dict[int, dict[str, int]] | None = None,
    pairs: dict[int, EventFacts] | None = None,
    bookings: list[tuple[int, Booking]] = (),  # type: ignore[assignment]
    repair: bool = True,
) -> auto.Problem:
    """A problem over Monday+earliest .. Monday+last; `pairs`: Core id → Supervisor."""
    snapshot = Snapshot(
        tz=TZ,
        primary_leads={
            day(i): rotation["primary_lead"]
            for i, rotation in (rotations or {}).items()
            if "primary_lead" in rotation
        },
    )
    for employee_id, booking in bookings:
        snapshot.add_booking(employee_id, booking)
    pairs = pairs or {}
    paired = {s.id for s in pairs.values()}
    auto_events = [
        auto.AutoEvent(
            facts=e,
            days=auto.event_days(
                window_start=e.window_start,
                window_due=e.window_due,
                earliest=day(earliest),
                last=day(last),
                snapshot=snapshot,
            ),
            supervisor=pairs.get(e.id),
        )
        for e in [*events, *(s for s in pairs.values() if s.id not in {e.id for e in events})]
    ]
    del paired
    return auto.Problem(
        events=auto_events,
        employees=people,
        snapshot=snapshot,
        rotations={day(i): {**rotation} for i, rotation in (rotations or {}).items()},
        repair=repair,
    )


def local(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    moment = moment.astimezone(TZ)
    return moment.date(), moment.time()


CORE = EventType.CORE
