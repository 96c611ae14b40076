"""A week's schedules as entries, and what changed between two lists of them.

Pure functions, no queries: the publication (what changed since the week was last
published) and the change notices (what changed since the employee was last told) both
compare what was told with what is live now. Entries are matched by event (an event has
at most one live schedule), so unscheduling and scheduling the same event again for the
same person at another time reads as a move, not as a removal and an addition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.dates import local_date
from scheduler.models import Schedule


@dataclass(frozen=True)
class Entry:
    """One schedule as told to its employee."""

    event_id: int
    schedule_id: int
    employee_id: int
    employee_name: str
    start: dt.datetime
    end: dt.datetime
    title: str  # "Core: 606034-CORE-Super Pretzel"
    store: str  # "Store 8123 Bentonville"

    @classmethod
    def of(cls, schedule: Schedule) -> Entry:
        """From a live schedule loaded with its event and employee."""
        event = schedule.event
        store = f"Store {event.store_number}"
        if event.store_name:
            store = f"{store} {event.store_name}"
        return cls(
            event_id=schedule.event_id,
            schedule_id=schedule.pk,
            employee_id=schedule.employee_id,
            employee_name=schedule.employee.name,
            start=schedule.start,
            end=schedule.end,
            title=f"{event.get_event_type_display()}: {event.project_name}",
            store=store,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "event": self.event_id,
            "schedule": self.schedule_id,
            "employee": self.employee_id,
            "employee_name": self.employee_name,
            "start": self.start.astimezone(dt.UTC).isoformat(),
            "end": self.end.astimezone(dt.UTC).isoformat(),
            "title": self.title,
            "store": self.store,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(
            event_id=int(data["event"]),
            schedule_id=int(data["schedule"]),
            employee_id=int(data["employee"]),
            employee_name=str(data["employee_name"]),
            start=dt.datetime.fromisoformat(data["start"]),
            end=dt.datetime.fromisoformat(data["end"]),
            title=str(data["title"]),
            store=str(data["store"]),
        )

    @property
    def day(self) -> dt.date:
        return local_date(self.start)

    @property
    def when(self) -> str:
        """`Tue 15 Dec 10:45-16:45` (an en dash) in store time."""
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{start:%a} {start.day} {start:%b %H:%M}\N{EN DASH}{end:%H:%M}"

    @property
    def line(self) -> str:
        return f"{self.when} · {self.title} · {self.store}"


@dataclass(frozen=True)
class Move:
    before: Entry
    after: Entry


@dataclass
class Changes:
    """What changed for one employee, and their week as it is now."""

    employee_id: int
    employee_name: str
    added: list[Entry] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    now: list[Entry] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.removed)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.moved) + len(self.removed)


def entries_from_json(rows: Iterable[dict[str, Any]]) -> list[Entry]:
    return [Entry.from_json(row) for row in rows]


def entries_to_json(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [e.as_json() for e in sorted(entries, key=_order)]


def _order(entry: Entry) -> tuple[dt.datetime, int]:
    return entry.start, entry.event_id


def diff(before: Iterable[Entry], after: Iterable[Entry]) -> dict[int, Changes]:
    """Per employee id: what `after` added, moved and removed compared with `before`,
    and their entries in `after`. Employees with neither a change nor an entry are left
    out. A schedule given to someone else is removed for the one and added for the
    other; the same person at another time (or for longer) is a move."""
    old = {e.event_id: e for e in before}
    new = {e.event_id: e for e in after}
    people: dict[int, Changes] = {}

    def of(entry: Entry) -> Changes:
        if entry.employee_id not in people:
            people[entry.employee_id] = Changes(entry.employee_id, entry.employee_name)
        return people[entry.employee_id]

    for entry in sorted(new.values(), key=_order):
        of(entry).now.append(entry)
        was = old.get(entry.event_id)
        if was is None or was.employee_id != entry.employee_id:
            of(entry).added.append(entry)
        elif (was.start, was.end) != (entry.start, entry.end):
            of(entry).moved.append(Move(before=was, after=entry))
    for entry in sorted(old.values(), key=_order):
        now = new.get(entry.event_id)
        if now is None or now.employee_id != entry.employee_id:
            of(entry).removed.append(entry)
    return people


def fingerprint(entries: Iterable[Entry]) -> str:
    """What a page showed (for "has it changed since?"): stable for equal entries."""
    text = json.dumps(entries_to_json(entries), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]
