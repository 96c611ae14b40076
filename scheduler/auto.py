"""The auto-scheduler's algorithm (docs/rules.md): in memory, through the rules engine.

No ORM here. `auto_services.auto_run_execute` loads a `Problem` in a constant number
of queries and stores the `Plan`; the quality benchmark (bench/scheduler_quality.py)
builds a `Problem` from generated data and runs this same `solve`.

Every placement is confirmed by `rules.check` in context `auto` (so
`weekly_unavailable` is hard) against a snapshot holding the live schedules plus the
placements made so far: a proposal never has a hard violation. A fast in-memory
filter only skips options the rules engine would refuse anyway.

Order and preferences:
- events by due date (most urgent first), then type priority (Juicer, Digital Setup,
  Digital Refresh, Freeosk, Digital Teardown, Core, Supervisor, Digitals, Other);
- every allowed day of the window is tried, earliest first; Core events spread over
  the Core slots (the least used slot of the day first), digital events over theirs;
- who, in tiers, the least loaded (minutes in the horizon) first inside a tier:
  Juicer → the rotation's Juicer, then other Juicer Baristas; Core → Leads, Juicer
  Baristas not juicing that day, Specialists, then the day's rotation Juicer (if no
  Juicer event took them) and the day's Primary Lead (kept free for Freeosk, digital
  and Supervisor events when others can work the Core); Freeosk, digital and Other →
  the Primary Lead, other Leads, Club Supervisors; Supervisor (paired, inline with its
  Core at Core start + offset) → Club Supervisors, then the Primary Lead, as the live
  cascade does;
- inside a tier an option without warnings beats one with warnings.
Then a repair pass (two rounds): an event left over may take an option held by one of
the run's own proposals when that proposal can move elsewhere, itself moving one more
if needed (every change is journaled and undone unless more events end up placed); a
Core event placed without its Supervisor moves to an option where both fit. Live
schedules are never moved.

When that leaves events out for lack of room (not for lack of anyone allowed), variants
of the greedy order are run too, each on its own copy of the snapshot: Core events with
a Supervisor first, Core events before the Juicer events due the same day, Specialists
before Juicer Baristas on Core (the combinations in `STRATEGIES`). The variant whose
greedy pass places the most (the first on a tie) gets the repair pass as well, and its
plan replaces the documented-order one only if it places more events. Deterministic for a
given input.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from employees.models import JobTitle
from events.types import EventType, core_slots, default_start_time, supervisor_offset
from scheduler.roles import ALLOWED_TITLES, JUICER_TYPES
from scheduler.rules import (
    Booking,
    Code,
    Context,
    EmployeeFacts,
    EventFacts,
    Severity,
    Snapshot,
    Violation,
    check,
)

TYPE_PRIORITY: tuple[str, ...] = (
    EventType.JUICER_PRODUCTION,
    EventType.JUICER_SURVEY,
    EventType.DIGITAL_SETUP,
    EventType.DIGITAL_REFRESH,
    EventType.FREEOSK,
    EventType.DIGITAL_TEARDOWN,
    EventType.CORE,
    EventType.SUPERVISOR,
    EventType.DIGITALS,
    EventType.OTHER,
)
LEAD_TYPES = frozenset(
    {
        EventType.FREEOSK,
        EventType.DIGITAL_SETUP,
        EventType.DIGITAL_REFRESH,
        EventType.DIGITAL_TEARDOWN,
        EventType.DIGITALS,
        EventType.OTHER,
    }
)
# Hard rules a proposal of this run can cause; anything else blocks for good.
_MOVABLE = frozenset({Code.OVERLAP, Code.CORE_DAILY_LIMIT, Code.JUICER_DAY})
JUICER = "juicer"
PRIMARY_LEAD = "primary_lead"


def auto_slots() -> dict[str, list[dt.time]]:
    """Start times tried per event type: Core slots, 15-minute digital slots (setup and
    refresh 10:15-11:00, teardown from 18:00), else the type's default start."""
    slots = {t: [default_start_time(t)] for t in EventType.values}
    slots[EventType.CORE] = core_slots()
    quarter = [dt.time(10, 15), dt.time(10, 30), dt.time(10, 45), dt.time(11, 0)]
    slots[EventType.DIGITAL_SETUP] = quarter
    slots[EventType.DIGITAL_REFRESH] = quarter
    slots[EventType.DIGITAL_TEARDOWN] = [dt.time(18, 0), dt.time(18, 15), dt.time(18, 30)]
    return slots


@dataclass(frozen=True)
class AutoEvent:
    """An unscheduled event to place, with the days it may be placed on."""

    facts: EventFacts
    days: tuple[dt.date, ...]
    supervisor: EventFacts | None = None  # the paired Supervisor event, placed inline
    fixed_start: dt.datetime | None = None  # a Supervisor whose Core is live: its start
    core_missing: bool = False  # a Supervisor whose Core is neither live nor in the run


@dataclass
class Problem:
    events: list[AutoEvent]
    employees: list[EmployeeFacts]
    snapshot: Snapshot
    rotations: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    slots: dict[str, list[dt.time]] = field(default_factory=auto_slots)
    supervisor_offset: dt.timedelta = field(default_factory=supervisor_offset)
    repair: bool = True
    # The repair pass stops starting new repairs once it has made this many first-fit
    # checks per event of the run: a bound on its work that keeps a run of many events
    # that cannot be placed at all to seconds, the same on every machine.
    repair_checks_per_event: int = 150


@dataclass
class Placement:
    event_id: int
    employee_id: int
    start: dt.datetime
    end: dt.datetime
    warnings: list[Violation] = field(default_factory=list)
    with_core: int | None = None  # a Supervisor placed with this Core event
    position: int = 0


@dataclass
class Plan:
    placements: dict[int, Placement] = field(default_factory=dict)
    unplaced: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    repaired: int = 0
    repair_cut: bool = False  # the repair pass stopped at its work bound


def event_order(event: AutoEvent) -> tuple[dt.datetime, int, int]:
    """Most urgent due date first, then type priority."""
    return (event.facts.window_due, TYPE_PRIORITY.index(event.facts.event_type), event.facts.id)


@dataclass(frozen=True)
class Strategy:
    """A variant of the greedy pass; the default one is the documented order (docs/rules.md)."""

    core_first: bool = False  # Core events before the Juicer events due the same day
    paired_first: bool = False  # Core events with a Supervisor before those without
    specialists_first: bool = False  # Core: Specialists before Juicer Baristas

    def order(self, event: AutoEvent) -> tuple[dt.datetime, int, int, int]:
        kind = event.facts.event_type
        rank = TYPE_PRIORITY.index(kind)
        if self.core_first and kind == EventType.CORE:
            rank = -1
        paired = 0 if self.paired_first and event.supervisor is not None else 1
        return (event.facts.window_due, rank, paired, event.facts.id)


STRATEGIES: tuple[Strategy, ...] = (
    Strategy(),
    Strategy(paired_first=True, specialists_first=True),
    Strategy(core_first=True, paired_first=True),
    Strategy(core_first=True, paired_first=True, specialists_first=True),
)
# Reasons an event can be left out for lack of room: another order may find it some.
_CONTENTION = frozenset({*map(str, _MOVABLE), "no_supervisor", "gave_way"})


def _reason(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "severity": "hard", "message": message, "details": details}


class _Solver:
    def __init__(
        self,
        problem: Problem,
        progress: Callable[[int, int], None] | None,
        *,
        snapshot: Snapshot | None = None,
        strategy: Strategy = STRATEGIES[0],
    ) -> None:
        self.p = problem
        self.strategy = strategy
        self.snapshot = problem.snapshot if snapshot is None else snapshot
        self.tz = problem.snapshot.tz
        self.progress = progress
        self.employees = {e.id: e for e in problem.employees}
        self.by_title: dict[str, list[EmployeeFacts]] = defaultdict(list)
        for e in sorted(problem.employees, key=lambda e: (e.name, e.id)):
            self.by_title[e.job_title].append(e)
        self.plan = Plan()
        self.load: Counter[int] = Counter()
        for employee_id, bookings in self.snapshot.bookings.items():
            for b in bookings:
                self.load[employee_id] += int((b.end - b.start).total_seconds() // 60)
        self.slot_use: Counter[tuple[dt.date, str, dt.time]] = Counter()
        self.events = {e.facts.id: e for e in problem.events}
        self.position = 0
        self._static: dict[tuple[int, dt.date], bool] = {}
        # One snapshot per day holding only the bookings of that day and the days either
        # side (all the rules can see): the same answers, far less to look through.
        self._days: dict[dt.date, Snapshot] = {}
        # Every booking change, so a failed repair can be undone exactly.
        self.journal: list[tuple[str, Placement]] = []
        self._blocker_cache: dict[int, list[int]] = {}
        self.checks = 0  # first-fit calls made: the unit of the repair's work bound

    def day_snapshot(self, day: dt.date) -> Snapshot:
        found = self._days.get(day)
        if found is None:
            s = self.snapshot
            found = Snapshot(
                tz=s.tz,
                holiday_dates=s.holiday_dates,
                recurring_holidays=s.recurring_holidays,
                time_off=s.time_off,
                unavailable=s.unavailable,
                primary_leads=s.primary_leads,
                now=s.now,
            )
            near = {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
            for employee_id, bookings in s.bookings.items():
                mine = [b for b in bookings if s.local_date(b.start) in near]
                if mine:
                    found.bookings[employee_id] = mine
            self._days[day] = found
        return found

    def _near(self, booking: Booking) -> list[Snapshot]:
        day = self.snapshot.local_date(booking.start)
        return [
            self._days[d]
            for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1))
            if d in self._days
        ]

    # --- facts -------------------------------------------------------------------------

    def static_ok(self, employee: EmployeeFacts, day: dt.date) -> bool:
        """Facts about the person and the day alone (cached): a cheap pre-filter of
        what the rules engine will refuse anyway."""
        key = (employee.id, day)
        found = self._static.get(key)
        if found is None:
            s = self.snapshot
            found = (
                employee.is_active
                and (employee.termination_date is None or employee.termination_date > day)
                and day.weekday() in employee.weekdays
                and s.holiday(day) is None
                and day not in s.unavailable.get(employee.id, {})
                and not any(a <= day <= b for a, b, _ in s.time_off.get(employee.id, ()))
            )
            self._static[key] = found
        return found

    def rotation(self, day: dt.date, kind: str) -> int | None:
        return self.p.rotations.get(day, {}).get(kind)

    def juicing(self, employee_id: int, day: dt.date) -> bool:
        snapshot = self.day_snapshot(day)
        return any(
            b.event_type in JUICER_TYPES and snapshot.local_date(b.start) == day
            for b in snapshot.bookings.get(employee_id, ())
        )

    def start_at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time).replace(tzinfo=self.tz)

    def by_load(self, people: Iterable[EmployeeFacts]) -> list[EmployeeFacts]:
        return sorted(people, key=lambda e: (self.load[e.id], e.name, e.id))

    def tiers(self, event_type: str, day: dt.date, *, paired: bool) -> list[list[EmployeeFacts]]:
        """Who may take `event_type` that day, in order of preference (docs/rules.md)."""
        titles = self.by_title
        leads = titles[JobTitle.LEAD_EVENT_SPECIALIST]
        supervisors = titles[JobTitle.CLUB_SUPERVISOR]
        baristas = titles[JobTitle.JUICER_BARISTA]
        juicer = self.rotation(day, JUICER)
        primary = self.rotation(day, PRIMARY_LEAD)
        if event_type in JUICER_TYPES:
            return [
                [e for e in baristas if e.id == juicer],
                self.by_load(e for e in baristas if e.id != juicer),
            ]
        if event_type == EventType.CORE:
            # The day's rotation people come last: the Juicer may juice, the Primary Lead
            # takes Freeosk, digital and Supervisor events.
            found = [
                self.by_load(e for e in leads if e.id != primary),
                self.by_load(e for e in baristas if e.id != juicer and not self.juicing(e.id, day)),
                self.by_load(titles[JobTitle.EVENT_SPECIALIST]),
                [e for e in baristas if e.id == juicer and not self.juicing(e.id, day)],
                [e for e in leads if e.id == primary],
            ]
            if self.strategy.specialists_first:
                found[1], found[2] = found[2], found[1]
            return found
        primary_lead = [e for e in (*leads, *supervisors) if e.id == primary]
        if event_type == EventType.SUPERVISOR:
            # Other Leads may not work Supervisor events (role_not_allowed).
            return [self.by_load(supervisors), [e for e in primary_lead if e not in supervisors]]
        return [
            primary_lead,
            self.by_load(e for e in leads if e.id != primary),
            self.by_load(e for e in supervisors if e.id != primary),
        ]

    # --- booking in memory -------------------------------------------------------------

    def book(self, placement: Placement, *, journal: bool = True) -> None:
        if journal:
            self.journal.append(("book", placement))
        facts = self._facts(placement.event_id)
        booking = Booking(
            -placement.event_id,
            placement.event_id,
            facts.name,
            facts.event_type,
            placement.start,
            placement.end,
            facts.store_number,
        )
        self.snapshot.add_booking(placement.employee_id, booking)
        for snapshot in self._near(booking):
            snapshot.add_booking(placement.employee_id, booking)
        self.plan.placements[placement.event_id] = placement
        self.load[placement.employee_id] += int(facts.duration.total_seconds() // 60)
        day = self.snapshot.local_date(placement.start)
        local = placement.start.astimezone(self.tz).time()
        self.slot_use[(day, facts.event_type, local)] += 1

    def unbook(self, event_id: int, *, journal: bool = True) -> Placement:
        placement = self.plan.placements.pop(event_id)
        if journal:
            self.journal.append(("unbook", placement))
        facts = self._facts(event_id)
        for snapshot in (self.snapshot, *self._days.values()):
            bookings = snapshot.bookings.get(placement.employee_id)
            if bookings:
                bookings[:] = [b for b in bookings if b.schedule_id != -event_id]
        self.load[placement.employee_id] -= int(facts.duration.total_seconds() // 60)
        day = self.snapshot.local_date(placement.start)
        local = placement.start.astimezone(self.tz).time()
        self.slot_use[(day, facts.event_type, local)] -= 1
        return placement

    def _facts(self, event_id: int) -> EventFacts:
        event = self.events.get(event_id)
        if event is not None:
            return event.facts
        return self._supervisor_facts[event_id]

    # --- finding an option -------------------------------------------------------------

    def first_fit(
        self,
        facts: EventFacts,
        start: dt.datetime,
        tiers: Sequence[Sequence[EmployeeFacts]],
        day: dt.date,
        *,
        skip: int | None = None,
        failures: Counter[str] | None = None,
    ) -> tuple[EmployeeFacts, list[Violation]] | None:
        """The first employee, tier by tier, the rules engine lets work `facts` at
        `start`; inside a tier one without warnings is preferred."""
        self.checks += 1
        allowed = ALLOWED_TITLES[facts.event_type]
        snapshot = self.day_snapshot(day)
        start_utc = start.astimezone(dt.UTC)
        end_utc = start_utc + facts.duration
        is_core = facts.event_type == EventType.CORE
        for tier in tiers:
            warned: tuple[EmployeeFacts, list[Violation]] | None = None
            for employee in tier:
                if employee.id == skip or employee.job_title not in allowed:
                    continue
                if not self.static_ok(employee, day):
                    if failures is not None:
                        failures["unavailable"] += 1
                    continue
                blocked = self.quick_block(
                    snapshot.bookings.get(employee.id, ()), start_utc, end_utc, day, is_core
                )
                if blocked is not None:
                    if failures is not None:
                        failures[blocked] += 1
                    continue
                violations = check(
                    event=facts,
                    employee=employee,
                    start=start,
                    context=Context.AUTO,
                    snapshot=snapshot,
                )
                if any(v.severity is Severity.HARD for v in violations):
                    if failures is not None:
                        for v in violations:
                            if v.severity is Severity.HARD:
                                failures[str(v.code)] += 1
                    continue
                if not violations:
                    return employee, violations
                if warned is None:
                    warned = (employee, violations)
            if warned is not None:
                return warned
        return None

    def quick_block(
        self,
        bookings: Iterable[Booking],
        start: dt.datetime,
        end: dt.datetime,
        day: dt.date,
        is_core: bool,
    ) -> str | None:
        """A hard rule a booking obviously breaks (overlap, a second Core that day), or
        None: only spares the rules engine a call that would refuse."""
        for b in bookings:
            if b.start < end and start < b.end:
                return str(Code.OVERLAP)
            if (
                is_core
                and b.event_type == EventType.CORE
                and self.snapshot.local_date(b.start) == day
            ):
                return str(Code.CORE_DAILY_LIMIT)
        return None

    def ordered_slots(self, day: dt.date, event_type: str) -> list[dt.time]:
        slots = self.p.slots[event_type]
        return sorted(slots, key=lambda t: (self.slot_use[(day, event_type, t)], t))

    def place(
        self,
        event: AutoEvent,
        failures: Counter[str] | None = None,
        *,
        supervisor_required: bool = False,
    ) -> bool:
        """Place `event` (and its paired Supervisor) on its best option; False if none.

        A Supervisor event whose Core event is neither live nor in the run is never
        placed alone: its time is its Core's start + offset."""
        facts = event.facts
        if event.core_missing:
            return False
        if event.fixed_start is not None:
            day = self.snapshot.local_date(event.fixed_start)
            if day not in event.days:
                return False
            tiers = self.tiers(facts.event_type, day, paired=True)
            found = self.first_fit(facts, event.fixed_start, tiers, day, failures=failures)
            if found is None:
                return False
            self._book(facts, found, event.fixed_start)
            return True
        paired = event.supervisor is not None
        # With a paired Supervisor: first only options where it fits too, then without.
        passes = (True,) if supervisor_required else (True, False)
        # Nothing is booked until the option is chosen: who is tried, in which order,
        # depends on the day alone (computed once per day, not per slot).
        supervisor_tiers: dict[dt.date, list[list[EmployeeFacts]]] = {}
        for with_supervisor in passes if paired else (False,):
            for day in event.days:
                tiers = self.tiers(facts.event_type, day, paired=False)
                for slot in self.ordered_slots(day, facts.event_type):
                    start = self.start_at(day, slot)
                    supervisor = None
                    if with_supervisor:
                        assert event.supervisor is not None  # noqa: S101 (paired)
                        sup_start = start.astimezone(dt.UTC) + self.p.supervisor_offset
                        sup_day = self.snapshot.local_date(sup_start)
                        if sup_day not in supervisor_tiers:
                            supervisor_tiers[sup_day] = self.tiers(
                                EventType.SUPERVISOR, sup_day, paired=True
                            )
                        supervisor = self.first_fit(
                            event.supervisor, sup_start, supervisor_tiers[sup_day], sup_day
                        )
                        if supervisor is None:
                            continue
                    found = self.first_fit(
                        facts,
                        start,
                        tiers,
                        day,
                        skip=supervisor[0].id if supervisor else None,
                        failures=failures,
                    )
                    if found is None:
                        continue
                    self._book(facts, found, start)
                    if supervisor is not None and event.supervisor is not None:
                        self._book(event.supervisor, supervisor, sup_start, with_core=facts.id)
                    return True
        return False

    def _book(
        self,
        facts: EventFacts,
        found: tuple[EmployeeFacts, list[Violation]],
        start: dt.datetime,
        with_core: int | None = None,
    ) -> None:
        employee, warnings = found
        self.position += 1
        start = start.astimezone(dt.UTC)
        self.book(
            Placement(
                event_id=facts.id,
                employee_id=employee.id,
                start=start,
                end=start + facts.duration,
                warnings=warnings,
                with_core=with_core,
                position=self.position,
            )
        )

    # --- the whole run -----------------------------------------------------------------

    def solve(self) -> Plan:
        self.greedy()
        return self.finish()

    def greedy(self) -> Plan:
        """The greedy pass alone (`finish` completes it)."""
        self._supervisor_facts = {
            e.supervisor.id: e.supervisor for e in self.p.events if e.supervisor is not None
        }
        inline = set(self._supervisor_facts)
        events = sorted(
            (e for e in self.p.events if e.facts.id not in inline), key=self.strategy.order
        )
        total = len(events)
        for done, event in enumerate(events, start=1):
            self.plan.order.append(event.facts.id)
            if event.supervisor is not None:
                self.plan.order.append(event.supervisor.id)
            failures: Counter[str] = Counter()
            if not self.place(event, failures):
                self.plan.unplaced[event.facts.id] = self.reasons(event, failures)
            if self.progress is not None:
                self.progress(done, total)
        self._events = events
        return self.plan

    def finish(self) -> Plan:
        """The repair pass, then the reasons of Supervisors left out."""
        events = self._events
        if self.p.repair and self.plan.unplaced:
            self.repair(events)
        for event in events:
            if event.supervisor is not None and event.supervisor.id not in self.plan.placements:
                self.plan.unplaced.setdefault(event.supervisor.id, self.supervisor_reasons(event))
        return self.plan

    def reasons(self, event: AutoEvent, failures: Counter[str]) -> list[dict[str, Any]]:
        if not event.days:
            return [
                _reason(
                    "no_day_left",
                    "No day of its window is left in the run's horizon after the buffer days.",
                )
            ]
        if event.core_missing:
            return [
                _reason(
                    "core_not_scheduled",
                    "Its Core event is not scheduled (or it has none), so its time is not "
                    "known: it is placed with its Core event.",
                )
            ]
        if event.fixed_start is not None and (
            self.snapshot.local_date(event.fixed_start) not in event.days
        ):
            return [
                _reason(
                    "no_day_left",
                    "Its Core event is scheduled on a day outside the run's horizon.",
                )
            ]
        if not failures:
            return [_reason("no_candidates", "Nobody has the job title this event needs.")]
        labels = {
            "unavailable": "not working that day (inactive, weekly day off, time off, "
            "unavailable date or company holiday)",
        }
        return [
            _reason(
                code,
                f"{count} option{'s' if count != 1 else ''} refused: "
                f"{labels.get(code, code.replace('_', ' '))}.",
                options=count,
            )
            for code, count in failures.most_common()
        ]

    def supervisor_reasons(self, event: AutoEvent) -> list[dict[str, Any]]:
        if event.facts.id not in self.plan.placements:
            return [
                _reason(
                    "core_not_placed",
                    "Its Core event could not be placed, so neither could it.",
                )
            ]
        return [
            _reason(
                "no_supervisor",
                "No Club Supervisor or Primary Lead could take it at its Core event's "
                "start + offset; approving the Core event tries again.",
            )
        ]

    # --- repair: move the run's own proposals to make room ----------------------------

    def repair(self, events: list[AutoEvent]) -> None:
        """Each event left over may take an option held by one proposal of this run,
        when that proposal (with its Supervisor) can be placed again elsewhere. Then a
        Core event placed without its Supervisor tries again where both fit."""
        by_id = {e.facts.id: e for e in events}
        budget = self.checks + self.p.repair_checks_per_event * len(events)
        for _round in range(2):
            self._blocker_cache = {}
            progress = False
            for event in events:
                if self.checks >= budget:
                    self.plan.repair_cut = True
                    return
                if event.facts.id in self.plan.placements:
                    self.plan.unplaced.pop(event.facts.id, None)
                    continue
                if event.facts.id not in self.plan.unplaced or not event.days:
                    continue
                if event.core_missing:
                    continue
                if self._repair_one(event, by_id, limit=20):
                    self.plan.unplaced.pop(event.facts.id, None)
                    self.plan.repaired += 1
                    progress = True
            for event in events:
                if self.checks >= budget:
                    self.plan.repair_cut = True
                    return
                if (
                    event.supervisor is not None
                    and event.facts.id in self.plan.placements
                    and event.supervisor.id not in self.plan.placements
                    and self._replace_with_supervisor(event)
                ):
                    self.plan.repaired += 1
                    progress = True
            if not progress:
                break

    def _replace_with_supervisor(self, event: AutoEvent) -> bool:
        """Move a Core event placed alone to an option where its Supervisor fits too."""
        mark = len(self.journal)
        self._take_off(event)
        if self.place(event, supervisor_required=True):
            return True
        self.rollback(mark)
        return False

    def _blockers(self, event: AutoEvent) -> list[int]:
        """Proposals of this run that stand in the way of `event`, most often first.

        Computed once per repair round: only the order of what is tried depends on it;
        every move is checked again when it is made."""
        cached = self._blocker_cache.get(event.facts.id)
        if cached is None:
            cached = self._blocker_cache[event.facts.id] = self._find_blockers(event)
        return cached

    def _find_blockers(self, event: AutoEvent) -> list[int]:
        facts = event.facts
        seen: Counter[int] = Counter()
        starts = (
            [event.fixed_start]
            if event.fixed_start is not None
            else [self.start_at(d, t) for d in event.days for t in self.p.slots[facts.event_type]]
        )
        allowed = ALLOWED_TITLES[facts.event_type]
        for start in starts:
            day = self.snapshot.local_date(start)
            snapshot = self.day_snapshot(day)
            end = start + facts.duration
            for employee in self.employees.values():
                if employee.job_title not in allowed or not self.static_ok(employee, day):
                    continue
                # Only a proposal of this run (a negative id) that overlaps or is on the
                # same day can break a movable rule (overlap, one Core a day, the juicer
                # day): without one there is nothing to ask the rules engine.
                if not any(
                    b.schedule_id < 0
                    and (
                        (b.start < end and start < b.end)
                        or self.snapshot.local_date(b.start) == day
                    )
                    for b in snapshot.bookings.get(employee.id, ())
                ):
                    continue
                violations = check(
                    event=facts,
                    employee=employee,
                    start=start,
                    context=Context.AUTO,
                    snapshot=snapshot,
                )
                hard = [v for v in violations if v.severity is Severity.HARD]
                blocking = {v.details.get("schedule") for v in hard}
                if (
                    hard
                    and all(v.code in _MOVABLE for v in hard)
                    and len(blocking) == 1
                    and all(isinstance(b, int) and b < 0 for b in blocking)
                ):
                    seen[-int(blocking.pop())] += 1  # type: ignore[arg-type]
        return [event_id for event_id, _ in seen.most_common()]

    def _repair_one(
        self,
        event: AutoEvent,
        by_id: dict[int, AutoEvent],
        *,
        limit: int,
        depth: int = 2,
        moving: frozenset[int] = frozenset(),
    ) -> bool:
        """Place `event` by moving one proposal in its way (which may in turn move one
        more, `depth`); keep the change only when more events end up placed."""
        moving = moving | {event.facts.id}
        for blocker_id in self._blockers(event)[:limit]:
            placement = self.plan.placements.get(blocker_id)
            if placement is None:
                continue
            owner_id = placement.with_core or blocker_id
            owner = by_id.get(owner_id)
            if owner is None or owner_id in moving:
                continue
            before = len(self.plan.placements)
            mark = len(self.journal)
            # What is reported as left out is undone with the bookings.
            unplaced = dict(self.plan.unplaced)
            self._take_off(owner)
            if self.place(event):
                moved = self.place(owner) or (
                    depth > 1
                    and self._repair_one(owner, by_id, limit=3, depth=depth - 1, moving=moving)
                )
                # Even when the proposal in the way finds no other place, the swap stands
                # if more events are placed (a Core event with its Supervisor for one
                # Juicer event): the one left out is reported with the reason.
                if len(self.plan.placements) > before:
                    self.plan.unplaced.pop(event.facts.id, None)
                    if not moved:
                        self.plan.unplaced[owner.facts.id] = [
                            _reason(
                                "gave_way",
                                f"Gave way to {event.facts.name} so that more events are "
                                "placed; no other option was left for it.",
                                event=event.facts.id,
                            )
                        ]
                    return True
            self.rollback(mark)
            self.plan.unplaced = unplaced
        return False

    def rollback(self, mark: int) -> None:
        """Undo every booking change made since the journal was `mark` long."""
        while len(self.journal) > mark:
            op, placement = self.journal.pop()
            if op == "book":
                self.unbook(placement.event_id, journal=False)
            else:
                self.book(placement, journal=False)

    def _take_off(self, event: AutoEvent) -> list[Placement]:
        taken = []
        for event_id in (event.facts.id, *([event.supervisor.id] if event.supervisor else [])):
            if event_id in self.plan.placements:
                taken.append(self.unbook(event_id))
        return taken


def solve(problem: Problem, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Place what can be placed; `progress(done, total)` is called along the way (by
    the first, documented-order pass).

    `problem.snapshot` receives the placements as bookings (pass a fresh snapshot)."""
    first = _Solver(problem, progress, snapshot=_copy(problem.snapshot))
    first.greedy()
    best = first.finish()
    if problem.repair and _contended(best):
        # The variants' greedy passes are cheap, their repair passes are not: only the
        # variant whose greedy pass places the most is repaired and compared.
        others: list[tuple[int, int, _Solver]] = []
        for strategy in STRATEGIES[1:]:
            other = _Solver(problem, None, snapshot=_copy(problem.snapshot), strategy=strategy)
            others.append((len(other.greedy().placements), -len(others), other))
        found = max(others, key=lambda o: o[:2])[2].finish()
        if len(found.placements) > len(best.placements):
            best = found
    facts = {e.facts.id: e.facts for e in problem.events}
    facts.update({e.supervisor.id: e.supervisor for e in problem.events if e.supervisor})
    for p in best.placements.values():
        f = facts[p.event_id]
        problem.snapshot.add_booking(
            p.employee_id,
            Booking(-p.event_id, f.id, f.name, f.event_type, p.start, p.end, f.store_number),
        )
    return best


def _contended(plan: Plan) -> bool:
    """Whether some event was left out for lack of room (another order may find some)."""
    return any(r["code"] in _CONTENTION for reasons in plan.unplaced.values() for r in reasons)


def _copy(snapshot: Snapshot) -> Snapshot:
    """The same facts with bookings lists of its own (a pass adds its placements)."""
    return Snapshot(
        tz=snapshot.tz,
        holiday_dates=snapshot.holiday_dates,
        recurring_holidays=snapshot.recurring_holidays,
        time_off=snapshot.time_off,
        unavailable=snapshot.unavailable,
        bookings={k: list(v) for k, v in snapshot.bookings.items()},
        primary_leads=snapshot.primary_leads,
        now=snapshot.now,
    )


def event_days(
    *,
    window_start: dt.datetime,
    window_due: dt.datetime,
    earliest: dt.date,
    last: dt.date,
    snapshot: Snapshot,
) -> tuple[dt.date, ...]:
    """The store-local days the event may start on inside [earliest, last]."""
    first_day = max(snapshot.local_date(window_start), earliest)
    last_day = min(snapshot.local_date(window_due - dt.timedelta(microseconds=1)), last)
    days = []
    day = first_day
    while day <= last_day:
        days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)
