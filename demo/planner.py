"""Place some demo events without breaking a hard rule (docs/rules.md): a ledger, no ORM.

The caller loads a snapshot (employees, absences, holidays, rotations, events and the
live schedules already there) and gets back the schedules to add. Every candidate is
checked against every hard rule before it goes into the ledger, so what comes out is
valid together with what was already in the database.

A stand-in until the real rules engine exists in `scheduler/`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from demo.data import rng_for
from employees.models import JobTitle, RotationKind
from events.types import EventType, core_slots, default_start_time, supervisor_offset
from scheduler.roles import JUICER_TYPES, may_work
from scheduler.rules import PROXIMITY

# The manager has scheduled most of next week, some of the week after, little beyond.
_CHANCE_BY_WEEK = (0.7, 0.45, 0.2, 0.1)
# Most urgent first, and by the auto-scheduler's type priority (docs/rules.md, the auto-scheduler).
_TYPE_PRIORITY: dict[str, int] = {
    EventType.JUICER_PRODUCTION: 0,
    EventType.JUICER_SURVEY: 0,
    EventType.DIGITAL_SETUP: 1,
    EventType.DIGITAL_REFRESH: 2,
    EventType.FREEOSK: 3,
    EventType.DIGITAL_TEARDOWN: 4,
    EventType.CORE: 5,
    EventType.SUPERVISOR: 6,
    EventType.DIGITALS: 7,
    EventType.OTHER: 8,
}


@dataclass(frozen=True)
class Staff:
    id: int
    job_title: str
    weekdays: frozenset[int]
    is_active: bool
    termination_date: dt.date | None


@dataclass(frozen=True)
class Job:
    """An event to place: its window is [start, due), it lasts `duration`."""

    id: int
    ref: int
    event_type: str
    start: dt.datetime
    due: dt.datetime
    duration: dt.timedelta
    supervisor: Job | None = None
    store: str = ""


@dataclass(frozen=True)
class Booking:
    start: dt.datetime
    end: dt.datetime
    event_type: str
    day: dt.date
    store: str = ""


@dataclass(frozen=True)
class Placement:
    event_id: int
    employee_id: int
    start: dt.datetime
    end: dt.datetime
    is_core: bool = False


@dataclass
class Snapshot:
    """Everything the hard rules look at, as plain values."""

    tz: ZoneInfo
    staff: list[Staff]
    is_holiday: Callable[[dt.date], bool]
    absent: set[tuple[int, dt.date]]  # (employee id, day): time off or unavailable
    rotation: dict[tuple[int, str], int]  # (weekday, kind) -> employee id
    rotation_exceptions: dict[tuple[dt.date, str], int]  # (date, kind) -> employee id
    bookings: dict[int, list[Booking]] = field(default_factory=lambda: defaultdict(list))

    def book(
        self,
        employee_id: int,
        start: dt.datetime,
        end: dt.datetime,
        event_type: str,
        store: str = "",
    ) -> None:
        day = start.astimezone(self.tz).date()
        self.bookings[employee_id].append(Booking(start, end, event_type, day, store))

    def near(self, staff: Staff, job: Job, start: dt.datetime) -> bool:
        """Whether `staff` has another event within 2 hours (the `proximity` warning;
        never between Supervisor check-ins in one store)."""
        end = start + job.duration
        for b in self.bookings.get(staff.id, ()):
            if b.event_type == job.event_type == EventType.SUPERVISOR and b.store == job.store:
                continue
            gap = b.start - end if b.start >= end else start - b.end
            if gap < PROXIMITY:
                return True
        return False

    def on_duty(self, day: dt.date, kind: str) -> int | None:
        return self.rotation_exceptions.get((day, kind), self.rotation.get((day.weekday(), kind)))

    def fits(self, staff: Staff, job: Job, start: dt.datetime) -> bool:
        """True when placing `staff` on `job` at `start` breaks no hard rule (docs/rules.md)."""
        end = start + job.duration
        day = start.astimezone(self.tz).date()
        if self.is_holiday(day) or not job.start <= start < job.due:
            return False
        if not staff.is_active or (staff.termination_date and staff.termination_date <= day):
            return False
        if (staff.id, day) in self.absent or day.weekday() not in staff.weekdays:
            return False
        if not may_work(staff.job_title, job.event_type):
            return False
        for booking in self.bookings.get(staff.id, ()):
            if booking.start < end and start < booking.end:
                return False
            if booking.day != day:
                continue
            if job.event_type == EventType.CORE and booking.event_type == EventType.CORE:
                return False
            types = {job.event_type, booking.event_type}
            juicer = staff.job_title == JobTitle.JUICER_BARISTA
            if juicer and EventType.CORE in types and types & JUICER_TYPES:
                return False
        return True


def plan(*, snapshot: Snapshot, jobs: Iterable[Job], today: dt.date, seed: int) -> list[Placement]:
    """Schedule a share of `jobs` (none already scheduled), nearer weeks more fully.

    Core events are placed together with their paired Supervisor event (docs/rules.md, the
    Supervisor cascade)
    or not at all. Whether a job is tried, and the order candidates are tried in, come
    from a random stream per event, so one event's luck never shifts another's.
    """
    placements: list[Placement] = []
    ordered = sorted(jobs, key=lambda j: (j.due, _TYPE_PRIORITY[j.event_type], j.ref))
    for job in ordered:
        if job.event_type == EventType.SUPERVISOR:
            continue  # placed with its Core event
        rng = rng_for(seed, "plan", job.ref)
        week = max(0, (job.start.astimezone(snapshot.tz).date() - today).days) // 7
        if rng.random() >= _CHANCE_BY_WEEK[min(week, len(_CHANCE_BY_WEEK) - 1)]:
            continue
        tiebreak = {s.id: rng.random() for s in snapshot.staff}
        days = _days(snapshot, job, today)
        rng.shuffle(days)
        slots = core_slots() if job.event_type == EventType.CORE else []
        rng.shuffle(slots)
        placed = _place(snapshot, job, days, slots, tiebreak)
        placements.extend(placed)
    return placements


def _days(snapshot: Snapshot, job: Job, today: dt.date) -> list[dt.date]:
    first = max(job.start.astimezone(snapshot.tz).date(), today)
    last = (job.due - dt.timedelta(microseconds=1)).astimezone(snapshot.tz).date()
    count = (last - first).days + 1
    days = [first + dt.timedelta(days=i) for i in range(count)]
    return [d for d in days if not snapshot.is_holiday(d)]


def _at(snapshot: Snapshot, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=snapshot.tz).astimezone(dt.UTC)


def _place(
    snapshot: Snapshot,
    job: Job,
    days: list[dt.date],
    slots: list[dt.time],
    tiebreak: dict[int, float],
) -> list[Placement]:
    def by_load(titles: Collection[str], exclude: int | None = None) -> list[Staff]:
        group = [s for s in snapshot.staff if s.job_title in titles and s.id != exclude]
        return sorted(group, key=lambda s: (len(snapshot.bookings.get(s.id, ())), tiebreak[s.id]))

    staff_by_id = {s.id: s for s in snapshot.staff}
    leads = {JobTitle.LEAD_EVENT_SPECIALIST}
    for day in days:
        if job.event_type == EventType.CORE:
            # Juicer Baristas last, so they stay free for the juice bar.
            doers = by_load({JobTitle.EVENT_SPECIALIST} | leads)
            doers += by_load({JobTitle.JUICER_BARISTA})
            for slot in slots:
                start = _at(snapshot, day, slot)
                for staff in doers:
                    if snapshot.fits(staff, job, start):
                        placed = _with_supervisor(snapshot, job, staff, start, day, staff_by_id)
                        if placed:
                            return placed
            continue
        if job.event_type in JUICER_TYPES:
            kind, titles = RotationKind.JUICER, {JobTitle.JUICER_BARISTA}
        else:
            kind, titles = RotationKind.PRIMARY_LEAD, leads
        on_duty = snapshot.on_duty(day, kind)
        candidates = [staff_by_id[on_duty]] if on_duty in staff_by_id else []
        candidates += by_load(titles, exclude=on_duty)
        if kind == RotationKind.PRIMARY_LEAD:
            candidates += by_load({JobTitle.CLUB_SUPERVISOR})
        start = _at(snapshot, day, default_start_time(job.event_type))
        for staff in candidates:
            if snapshot.fits(staff, job, start):
                snapshot.book(staff.id, start, start + job.duration, job.event_type)
                return [
                    Placement(
                        job.id,
                        staff.id,
                        start,
                        start + job.duration,
                        is_core=job.event_type == EventType.CORE,
                    )
                ]
    return []


def _with_supervisor(
    snapshot: Snapshot,
    core: Job,
    doer: Staff,
    start: dt.datetime,
    day: dt.date,
    staff_by_id: dict[int, Staff],
) -> list[Placement]:
    """Book `doer` on Core with its Supervisor event, or nothing when nobody can supervise."""
    snapshot.book(doer.id, start, start + core.duration, core.event_type)
    core_placement = Placement(core.id, doer.id, start, start + core.duration, is_core=True)
    supervisor_job = core.supervisor
    if supervisor_job is None:
        return [core_placement]
    sup_start = start + supervisor_offset()
    supervisors = sorted(
        (s for s in snapshot.staff if s.job_title == JobTitle.CLUB_SUPERVISOR),
        key=lambda s: len(snapshot.bookings.get(s.id, ())),
    )
    primary = snapshot.on_duty(day, RotationKind.PRIMARY_LEAD)
    # Only the day's Primary Lead may stand in for a Club Supervisor (role_not_allowed).
    leads = [staff_by_id[primary]] if primary in staff_by_id else []
    # Those who would get no proximity warning first: a check-in in the other store
    # within 2 hours is a warning a manager would have to read.
    people = sorted(supervisors + leads, key=lambda s: snapshot.near(s, supervisor_job, sup_start))
    for staff in people:
        if snapshot.fits(staff, supervisor_job, sup_start):
            sup_end = sup_start + supervisor_job.duration
            snapshot.book(
                staff.id, sup_start, sup_end, supervisor_job.event_type, supervisor_job.store
            )
            return [core_placement, Placement(supervisor_job.id, staff.id, sup_start, sup_end)]
    snapshot.bookings[doer.id].pop()
    return []
