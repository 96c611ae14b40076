"""The auto-scheduler's CP-SAT model (`scheduler.auto_optimize` solves it). No ORM here.

Options: every (event, employee, start) the rules engine allows in context `auto` against
the live schedules (`rules.check` on one representative event per type and duration,
cached per start; the window is a comparison of its own). Events of one type and
duration starting at one time can be taken by the same people, so the model chooses
each event's start, and per (type, duration, start) as many people ("seats") as events
starting then; the rules between the run's own placements are constraints on the seats:
per employee and day at most one option covering each start time (no overlap), one Core
a day, no Core on a day the Juicer Barista juices; a Supervisor event starts at its
Core's start + offset with a Club Supervisor or that day's Primary Lead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from employees.models import JobTitle
from events.types import EventType
from scheduler import auto
from scheduler.roles import ALLOWED_TITLES, JUICER_TYPES
from scheduler.rules import Context, EmployeeFacts, EventFacts, Snapshot, check

_FAR_PAST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
# Weights inside step 3 of the objective.
PREFERENCE_STEP = 4  # per tier of preference below the first
WARNING = 1  # per warning against live schedules (at most 3 counted per option)
LATE_DAY = 1  # per day after the event's first possible day (the greedy order's earliest first)


@dataclass(eq=False)
class Start:
    """How many events of a class start at `start` (an integer variable, 0..the class's
    size). The events of a class (same type, duration, window and Supervisor's window)
    are interchangeable for every rule the model states, so the model counts them rather
    than telling them apart: a search that tries one of them, then the next, would
    explore the same plans again."""

    events: tuple[EventFacts, ...]  # the class, in id order
    start: dt.datetime  # UTC
    group: tuple[str, dt.timedelta, dt.datetime]
    var: Any
    supervisor: Start | None = None  # its Supervisor events at start + offset (≤ this)
    late: int = 0  # days after the class's first possible day (step 3 of the objective)

    @property
    def event(self) -> EventFacts:
        """The class's first event (all are equally urgent)."""
        return self.events[0]


@dataclass(eq=False)
class Seat:
    """`employee` works one event of the group's type and duration at its start."""

    employee: EmployeeFacts
    group: tuple[str, dt.timedelta, dt.datetime]
    penalty: int
    var: Any


@dataclass
class Model:
    """Events of one type and duration starting at one time can be taken by the same
    people (who may work it depends on the type, duration and start alone, the window on
    the event): so the model chooses each event's start, and per (type, duration, start)
    as many people as events starting then, which any pairing turns into assignments.
    Far fewer variables than one per (event, employee, start)."""

    model: cp_model.CpModel
    starts: list[Start] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    with_options: set[int] = field(default_factory=set)  # events with a start someone may take
    # (event id, start) -> the Start of the event's class at that start.
    start_of: dict[tuple[int, dt.datetime], Start] = field(default_factory=dict)
    placeable: int = 0
    urgency: dict[int, int] = field(default_factory=dict)
    balance: list[Any] = field(default_factory=list)  # per title: the busiest's load
    titles: list[list[int]] = field(default_factory=list)  # the employees of each `balance`
    live_load: dict[int, int] = field(default_factory=dict)  # quarter hours already worked
    rest_max: int = 0  # the largest value step 3 can take


def _preference(
    event_type: str, employee: EmployeeFacts, rotation: dict[str, int], juicing: bool
) -> int | None:
    """The tier of `employee` for `event_type` that day (0 = first choice); None: not
    offered (Club Supervisors on Core; Leads on Supervisor events unless Primary Lead)."""
    title = employee.job_title
    primary = rotation.get(auto.PRIMARY_LEAD) == employee.id
    if event_type in JUICER_TYPES:
        return 0 if rotation.get(auto.JUICER) == employee.id else 1
    if event_type == EventType.CORE:
        if title == JobTitle.CLUB_SUPERVISOR:
            return None
        if title == JobTitle.LEAD_EVENT_SPECIALIST:
            return 4 if primary else 0
        if title == JobTitle.JUICER_BARISTA:
            if juicing:
                return None
            return 3 if rotation.get(auto.JUICER) == employee.id else 1
        return 2
    if event_type == EventType.SUPERVISOR:
        if title == JobTitle.CLUB_SUPERVISOR:
            return 0
        return 1 if primary else None
    if primary:
        return 0
    return 1 if title == JobTitle.LEAD_EVENT_SPECIALIST else 2


def build(problem: auto.Problem, live: Snapshot) -> Model:
    model = cp_model.CpModel()
    tz = live.tz
    day_snapshots: dict[dt.date, Snapshot] = {}

    def day_snapshot(day: dt.date) -> Snapshot:
        found = day_snapshots.get(day)
        if found is None:
            near = {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
            found = Snapshot(
                tz=tz,
                holiday_dates=live.holiday_dates,
                recurring_holidays=live.recurring_holidays,
                time_off=live.time_off,
                unavailable=live.unavailable,
                primary_leads=live.primary_leads,
                now=live.now,
                bookings={
                    k: mine
                    for k, v in live.bookings.items()
                    if (mine := [b for b in v if live.local_date(b.start) in near])
                },
            )
            day_snapshots[day] = found
        return found

    # Who the rules engine lets work a type (of a duration) at a start, with its warnings
    # against live schedules: one `check` per (type, duration, employee, start).
    verdicts: dict[tuple[str, dt.timedelta, dt.datetime], list[tuple[EmployeeFacts, int]]] = {}
    live_juicing: set[tuple[int, dt.date]] = {
        (employee_id, live.local_date(b.start))
        for employee_id, bookings in live.bookings.items()
        for b in bookings
        if b.event_type in JUICER_TYPES
    }

    def allowed(kind: str, duration: dt.timedelta, start: dt.datetime) -> list[tuple[Any, int]]:
        key = (kind, duration, start)
        found = verdicts.get(key)
        if found is None:
            day = live.local_date(start)
            snapshot = day_snapshot(day)
            rotation = problem.rotations.get(day, {})
            facts = EventFacts(0, kind, kind, _FAR_PAST, _FAR_FUTURE, duration)
            found = []
            for employee in problem.employees:
                # Spares the rules engine calls it would refuse anyway (role, weekday).
                if employee.job_title not in ALLOWED_TITLES[kind] or (
                    day.weekday() not in employee.weekdays
                ):
                    continue
                tier = _preference(kind, employee, rotation, (employee.id, day) in live_juicing)
                if tier is None:
                    continue
                violations = check(
                    event=facts,
                    employee=employee,
                    start=start,
                    context=Context.AUTO,
                    snapshot=snapshot,
                )
                if any(v.is_hard for v in violations):
                    continue
                found.append((employee, PREFERENCE_STEP * tier + WARNING * min(len(violations), 3)))
            verdicts[key] = found
        return found

    def start_at(day: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, t).replace(tzinfo=tz).astimezone(dt.UTC)

    built = Model(model=model)
    inline = {e.supervisor.id for e in problem.events if e.supervisor is not None}
    offset = problem.supervisor_offset
    events_of: dict[tuple[str, dt.timedelta, dt.datetime], list[Any]] = defaultdict(list)

    def add(events: tuple[EventFacts, ...], start: dt.datetime) -> Start | None:
        first = events[0]
        group = (first.event_type, first.duration, start)
        if not allowed(*group):
            return None
        found = Start(events, start, group, model.new_int_var(0, len(events), ""))
        built.starts.append(found)
        built.with_options.update(e.id for e in events)
        built.start_of.update({(e.id, start): found for e in events})
        events_of[group].append(found.var)
        return found

    # The classes of interchangeable events: same type, duration, window, days (or fixed
    # start), and the same of their Supervisor event.
    classes: dict[tuple[Any, ...], list[auto.AutoEvent]] = defaultdict(list)
    for event in problem.events:
        facts, sup = event.facts, event.supervisor
        if facts.id in inline or event.core_missing:
            continue
        same = (
            facts.event_type,
            facts.duration,
            facts.window_start.astimezone(dt.UTC),
            facts.window_due.astimezone(dt.UTC),
            event.days,
            event.fixed_start,
            None
            if sup is None
            else (
                sup.event_type,
                sup.duration,
                sup.window_start.astimezone(dt.UTC),
                sup.window_due.astimezone(dt.UTC),
            ),
        )
        classes[same].append(event)
    for members in classes.values():
        members.sort(key=lambda e: e.facts.id)
        event = members[0]
        facts = event.facts
        of_class = tuple(e.facts for e in members)
        supervisors = tuple(e.supervisor for e in members if e.supervisor is not None)
        w_start = facts.window_start.astimezone(dt.UTC)
        w_due = facts.window_due.astimezone(dt.UTC)
        if event.fixed_start is not None:
            fixed = event.fixed_start.astimezone(dt.UTC)
            starts = [fixed] if live.local_date(fixed) in event.days else []
        else:
            starts = [
                start_at(day, t) for day in event.days for t in problem.slots[facts.event_type]
            ]
        supervisor = event.supervisor
        placed_here: list[Any] = []
        for start in starts:
            if not w_start <= start < w_due:
                continue
            here = add(of_class, start)
            if here is None:
                continue
            here.late = (live.local_date(start) - event.days[0]).days if event.days else 0
            placed_here.append(here.var)
            if supervisor is None:
                continue
            sup_start = start + offset
            if not (
                supervisor.window_start.astimezone(dt.UTC)
                <= sup_start
                < supervisor.window_due.astimezone(dt.UTC)
            ):
                continue
            theirs = add(supervisors, sup_start)
            if theirs is not None:
                # A Supervisor event only with its Core event: no more of them than of
                # their Core events starting `offset` before.
                here.supervisor = theirs
                model.add(theirs.var <= here.var)
        # Each event starts once at most.
        if len(placed_here) > 1:
            model.add(sum(placed_here) <= len(of_class))
    built.placeable = len(built.with_options)

    # As many people as events per (type, duration, start); then per employee and day
    # the pairwise rules: one option covering each start time, one Core, no Core on a
    # day of juicing.
    busy: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime, str, Any]]] = defaultdict(
        list
    )
    loads: dict[int, list[Any]] = defaultdict(list)
    most: dict[int, int] = defaultdict(int)  # the largest load an employee could get
    for group, xs in events_of.items():
        kind, duration, start = group
        label = "core" if kind == EventType.CORE else "juicer" if kind in JUICER_TYPES else ""
        quarters = int(duration.total_seconds() // 900) or 1
        day = live.local_date(start)
        seats = []
        for employee, penalty in verdicts[group]:
            seat = Seat(employee, group, penalty, model.new_bool_var(""))
            built.seats.append(seat)
            seats.append(seat.var)
            busy[(employee.id, day)].append((start, start + duration, label, seat.var))
            loads[employee.id].append(quarters * seat.var)
            most[employee.id] += quarters
        model.add(sum(xs) == sum(seats))
    for options in busy.values():
        for t in sorted({s for s, _, _, _ in options}):
            covering = [b for s, e, _, b in options if s <= t < e]
            if len(covering) > 1:
                model.add_at_most_one(covering)
        cores = [b for _, _, label, b in options if label == "core"]
        if len(cores) > 1:
            model.add_at_most_one(cores)
        if cores:
            for _, _, label, b in options:
                if label == "juicer":
                    model.add_at_most_one([b, *cores])

    # Balance: per job title, the load (quarter hours, live ones included) of the busiest.
    employees = {e.id: e for e in problem.employees}
    live_load = {
        employee_id: sum(int((b.end - b.start).total_seconds() // 900) for b in bookings)
        for employee_id, bookings in live.bookings.items()
    }
    built.live_load = live_load
    by_title: dict[str, list[int]] = defaultdict(list)
    for employee_id in loads:
        by_title[employees[employee_id].job_title].append(employee_id)
    rest_max = 0
    for ids in by_title.values():
        top = max(live_load.get(i, 0) + most[i] for i in ids)
        busiest = model.new_int_var(0, top, "")
        for i in ids:
            model.add(busiest >= live_load.get(i, 0) + sum(loads[i]))
        built.balance.append(busiest)
        built.titles.append(ids)
        rest_max += top
    # Each placed event takes one seat: at most the largest penalty each; and starts at
    # most this many days after its first possible day.
    rest_max += max((seat.penalty for seat in built.seats), default=0) * built.placeable
    rest_max += LATE_DAY * max((x.late for x in built.starts), default=0) * built.placeable
    built.rest_max = rest_max

    # Urgency: the documented order's rank (due date, then type priority): the first scores most.
    def key(facts: EventFacts) -> tuple[dt.date, int]:
        return live.local_date(facts.window_due), auto.TYPE_PRIORITY.index(facts.event_type)

    every = [f for e in problem.events for f in (e.facts, e.supervisor) if f is not None]
    keys = sorted({key(f) for f in every})
    rank = {k: len(keys) - i for i, k in enumerate(keys)}
    built.urgency = {f.id: rank[key(f)] for f in every}
    return built
