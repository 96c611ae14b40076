"""The auto-scheduler's optimizing core: OR-Tools CP-SAT over the rules engine's options.

No ORM here, like `scheduler.auto`. `optimize(problem)` runs the greedy plan first
(`auto.solve`: the documented order, tiers and repair pass), then a CP-SAT model of the same
problem, with the greedy plan as its first solution (hint) and as its fallback: a run is
never worse than the greedy plan and finishes within its time limit.

The objective (what a run optimises), in strict order:
1. the number of events placed (a Supervisor event counts only with its Core event:
   it can only be placed at its Core's start + offset, and never alone);
2. among plans placing as many, the one keeping the more urgent events: every placed
   event scores its rank in the documented order (due date, then type priority; the first
   scores the most), summed;
3. then the role preferences (the tiers of the greedy order: the rotation's Juicer on
   Juicer events; Leads, then Juicer Baristas not juicing, then Specialists on Core; the
   Primary Lead, then Leads, then Club Supervisors on Freeosk, digital and Other; Club
   Supervisors, then the Primary Lead on Supervisor events), the workload balance (the
   busiest person of each job title, in quarter hours) and the warnings an option
   raises against live schedules, weighed together.
Step 1 is solved first, with all the time the greedy plan left (its bound tells how many
events any plan could place at most); once it is proven, steps 2-3 are optimised in the
time that remains, keeping that many placed. The run reports "proven optimal" when both
are proven, else whether the number placed is proven, else its best bound and the gap.

Time: the greedy plan may take up to 80 % of the limit (its repair pass stops there), the
model is built, the solver gets what is left minus a small reserve for checking the plan
again. Deterministic for a given seed and worker count when the solver finishes before
the limit (CP-SAT's interleaved search); a run cut by the limit depends on the machine's
speed. Memory: CP-SAT is capped at `MEMORY_MB`.

Options: every (event, employee, start) the rules engine allows in context `auto`
against the live schedules (`rules.check` on one representative event per type and
duration, cached per employee and start; the window is a comparison of its own). The
rules between the run's own placements are constraints: no overlap (per employee and
day, at most one option covering each start time), one Core a day, no Core on a day
the Juicer Barista juices, a Supervisor event at its Core's start + offset with a Club
Supervisor or that day's Primary Lead (the cascade's choice). Club Supervisors are not
put on Core events (a warning in the engine; they take the Supervisor events).

Every placement of the final plan is checked again by the rules engine against the live
schedules and all the other placements; a plan failing that is discarded for the greedy
plan. Warnings stored with a proposal are those of the final plan, not of the order in
which it was placed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from scheduler import auto
from scheduler.auto_model import Model, Seat, Start, build
from scheduler.roles import ALLOWED_TITLES
from scheduler.rules import Booking, Context, EventFacts, Snapshot, check

logger = logging.getLogger(__name__)

SEED = 20261205
WORKERS = 2
MEMORY_MB = 1024
INTERLEAVE = True


@dataclass
class Optimality:
    """What a run knows about its plan."""

    solver: str  # "cp-sat" or "greedy"
    placed: int
    bound: int  # the most events any plan could place (an upper bound)
    proven: bool  # the whole objective proven optimal
    seconds: float
    count_proven: bool = False  # no plan places more events
    greedy_placed: int = 0
    note: str = ""

    @property
    def gap(self) -> float:
        """How far the count may be from the best possible, as a fraction of the bound."""
        return 0.0 if self.bound <= 0 else max(0, self.bound - self.placed) / self.bound

    def as_dict(self) -> dict[str, Any]:
        return {
            "solver": self.solver,
            "placed": self.placed,
            "bound": self.bound,
            "proven": self.proven,
            "count_proven": self.count_proven,
            "seconds": round(self.seconds, 3),
            "greedy_placed": self.greedy_placed,
            "gap": round(self.gap, 6),
            "note": self.note,
        }


def optimize(
    problem: auto.Problem,
    progress: Callable[[int, int], None] | None = None,
    *,
    time_limit: float = 10.0,
    workers: int = WORKERS,
    seed: int = SEED,
) -> tuple[auto.Plan, Optimality]:
    """The best plan found within `time_limit` seconds (greedy plan included), and what
    is known about it. `problem.snapshot` is left with live bookings only."""
    began = time.perf_counter()
    live = auto._copy(problem.snapshot)
    # The greedy plan gets up to 80 % of the time (its repair pass stops there): it is the
    # strongest start on crowded instances, and finishes well before on a quiet machine.
    deadline = began + 0.8 * time_limit
    greedy = auto.solve(replace(problem, snapshot=auto._copy(live), deadline=deadline), progress)
    greedy_count = len(greedy.placements)
    built = build(problem, live)
    _hint(built, greedy)
    count = sum(x.var for x in built.starts)
    optimality = Optimality(
        solver="greedy",
        placed=greedy_count,
        bound=built.placeable,
        proven=False,
        seconds=0.0,
        greedy_placed=greedy_count,
    )
    best_count = greedy_count
    count_proven = greedy_count >= built.placeable
    chosen: Any = None
    # Kept for what follows the solver (the plan checked again, its warnings).
    reserve = 0.05 + 0.0005 * len(problem.events)
    remaining = time_limit - reserve - (time.perf_counter() - began)
    if not built.starts:
        optimality.proven = True
    elif remaining < 0.2:
        optimality.note = "The time limit was reached before the optimizer could start."
    else:
        if not count_proven:
            built.model.maximize(count)
            # All the time left: the tie-breaks only count once the number is proven.
            solver = _solver(remaining, workers, seed)
            status = solver.solve(built.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                value = round(solver.objective_value)
                optimality.bound = min(built.placeable, int(solver.best_objective_bound + 1e-6))
                count_proven = status == cp_model.OPTIMAL
                if value > best_count:
                    best_count = value
                    chosen = _values(built, solver)
                    _set_hint(built, chosen)
            else:
                optimality.note = "The optimizer found no better plan in time."
        # Steps 2 and 3: keep as many placed; then urgency, preferences, balance, warnings.
        built.model.add(count >= best_count)
        weight = built.rest_max + 1
        built.model.maximize(
            sum(weight * built.urgency[x.event.id] * x.var for x in built.starts)
            - sum(seat.penalty * seat.var for seat in built.seats if seat.penalty)
            - sum(built.balance)
        )
        remaining = time_limit - reserve - (time.perf_counter() - began)
        if count_proven and remaining >= 0.2:
            solver = _solver(remaining, workers, seed)
            status = solver.solve(built.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                chosen = _values(built, solver)
                optimality.proven = count_proven and status == cp_model.OPTIMAL
        if chosen is not None:
            optimality.solver = "cp-sat"
    if count_proven:
        optimality.bound = best_count
    optimality.count_proven = count_proven
    plan = greedy
    if chosen is not None:
        candidate = _plan(problem, greedy, built, chosen)
        if len(candidate.placements) >= greedy_count and _final_warnings(problem, live, candidate):
            plan = candidate
        else:
            _final_warnings(problem, live, greedy)
            logger.error("The optimizer's plan failed the rules engine; the greedy plan stands.")
            optimality.solver = "greedy"
            optimality.proven = optimality.count_proven = False
            optimality.bound = max(optimality.bound, built.placeable)
            optimality.note = "The optimizer's plan was discarded; the first plan stands."
    else:
        _final_warnings(problem, live, greedy)
    optimality.placed = len(plan.placements)
    optimality.bound = max(optimality.bound, optimality.placed)
    optimality.seconds = time.perf_counter() - began
    return plan, optimality


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.interleave_search = INTERLEAVE
    solver.parameters.max_memory_in_mb = MEMORY_MB
    return solver


# --- from the solver's answer to a plan --------------------------------------------------


def _variables(built: Model) -> list[Any]:
    return [x.var for x in built.starts] + [seat.var for seat in built.seats]


def _values(built: Model, solver: cp_model.CpSolver) -> list[bool]:
    return [bool(solver.boolean_value(var)) for var in _variables(built)]


def _hint(built: Model, plan: auto.Plan) -> None:
    """The greedy plan as the solver's first solution."""
    starts = {(x.event.id, x.start) for x in built.starts}
    taken: set[tuple[int, dt.datetime]] = set()
    seats: set[tuple[int, tuple[str, dt.timedelta, dt.datetime]]] = set()
    kinds = {x.event.id: (x.event.event_type, x.event.duration) for x in built.starts}
    for p in plan.placements.values():
        start = p.start.astimezone(dt.UTC)
        if (p.event_id, start) in starts:
            taken.add((p.event_id, start))
            seats.add((p.employee_id, (*kinds[p.event_id], start)))
    _set_hint(
        built,
        [(x.event.id, x.start) in taken for x in built.starts]
        + [(seat.employee.id, seat.group) in seats for seat in built.seats],
    )


def _set_hint(built: Model, values: list[bool]) -> None:
    """A whole solution as the hint, in one go (one `add_hint` per variable is slow)."""
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend([var.index for var in _variables(built)])
    hint.values.extend([int(v) for v in values])


def _plan(problem: auto.Problem, greedy: auto.Plan, built: Model, values: list[bool]) -> auto.Plan:
    """The solver's answer as a plan: per (type, duration, start), the events starting
    then (most urgent first) paired with the people taking a seat then (preferred first)."""
    plan = auto.Plan(order=list(greedy.order), repaired=greedy.repaired)
    n = len(built.starts)
    events_at: dict[tuple[str, dt.timedelta, dt.datetime], list[Start]] = defaultdict(list)
    for x, on in zip(built.starts, values[:n], strict=True):
        if on:
            events_at[x.group].append(x)
    people_at: dict[tuple[str, dt.timedelta, dt.datetime], list[Seat]] = defaultdict(list)
    for seat, on in zip(built.seats, values[n:], strict=True):
        if on:
            people_at[seat.group].append(seat)
    core_of = {e.supervisor.id: e.facts.id for e in problem.events if e.supervisor is not None}
    position = {event_id: i for i, event_id in enumerate(greedy.order, start=1)}
    for group, xs in events_at.items():
        xs.sort(key=lambda x: (-built.urgency[x.event.id], x.event.id))
        seats = sorted(people_at[group], key=lambda s: (s.penalty, s.employee.name, s.employee.id))
        for x, seat in zip(xs, seats, strict=True):
            plan.placements[x.event.id] = auto.Placement(
                event_id=x.event.id,
                employee_id=seat.employee.id,
                start=x.start,
                end=x.start + x.event.duration,
                with_core=core_of.get(x.event.id),
                position=position.get(x.event.id, 0),
            )
    placed = set(plan.placements)
    for event in problem.events:
        if event.facts.id in placed or event.facts.id in core_of:
            continue
        plan.unplaced[event.facts.id] = _left_out(problem, built, greedy, event.facts)
        if event.supervisor is not None:
            plan.unplaced[event.supervisor.id] = [
                auto._reason(
                    "core_not_placed", "Its Core event could not be placed, so neither could it."
                )
            ]
    for event in problem.events:
        sup = event.supervisor
        if sup is None or sup.id in placed or event.facts.id not in placed:
            continue
        plan.unplaced[sup.id] = [
            auto._reason(
                "no_supervisor",
                "No Club Supervisor or Primary Lead could take it at its Core event's "
                "start + offset.",
            )
        ]
    return plan


def _left_out(
    problem: auto.Problem, built: Model, greedy: auto.Plan, facts: EventFacts
) -> list[dict[str, Any]]:
    """Why an event is left out, in a manager's words."""
    if facts.id in built.by_event:
        return [
            auto._reason(
                "gave_way",
                "Someone could work it, but every time and person it could have had went "
                "to events placed instead: placing it would have left out another event, "
                "or a more urgent one.",
            )
        ]
    found = greedy.unplaced.get(facts.id) or []
    titles = ALLOWED_TITLES[facts.event_type]
    if [r["code"] for r in found] in ([], ["no_candidates"]) and any(
        e.job_title in titles for e in problem.employees
    ):
        return [
            auto._reason(
                "no_one_free",
                "No one who may work it is free at any of its times (days off, time off, "
                "holidays or their live schedules).",
            )
        ]
    return found or [auto._reason("no_candidates", "Nobody has the job title it needs.")]


def _final_warnings(problem: auto.Problem, live: Snapshot, plan: auto.Plan) -> bool:
    """Check every placement with the rules engine against the live schedules and all
    the other placements; store its warnings (those of the final plan). False when one
    has a hard violation (the plan is then not to be used)."""
    facts = _facts(problem)
    employees = {e.id: e for e in problem.employees}
    # Per day, the bookings of that day and the days either side: all a rule can see.
    by_day: dict[dt.date, dict[int, list[Booking]]] = defaultdict(lambda: defaultdict(list))
    for employee_id, bookings in live.bookings.items():
        for b in bookings:
            by_day[live.local_date(b.start)][employee_id].append(b)
    days = {}
    for p in plan.placements.values():
        f = facts[p.event_id]
        day = live.local_date(p.start)
        days[p.event_id] = day
        by_day[day][p.employee_id].append(
            Booking(-p.event_id, f.id, f.name, f.event_type, p.start, p.end)
        )
    snapshots: dict[dt.date, Snapshot] = {}
    ok = True
    for p in plan.placements.values():
        day = days[p.event_id]
        snapshot = snapshots.get(day)
        if snapshot is None:
            near: dict[int, list[Booking]] = defaultdict(list)
            for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
                for employee_id, bookings in by_day.get(d, {}).items():
                    near[employee_id].extend(bookings)
            snapshot = snapshots[day] = Snapshot(
                tz=live.tz,
                holiday_dates=live.holiday_dates,
                recurring_holidays=live.recurring_holidays,
                time_off=live.time_off,
                unavailable=live.unavailable,
                primary_leads=live.primary_leads,
                now=live.now,
                bookings=dict(near),
            )
        violations = check(
            event=facts[p.event_id],
            employee=employees[p.employee_id],
            start=p.start,
            context=Context.AUTO,
            snapshot=snapshot,
            ignore_schedules=[-p.event_id],
        )
        ok = ok and not any(v.is_hard for v in violations)
        p.warnings = [v for v in violations if not v.is_hard]
    return ok


def _facts(problem: auto.Problem) -> dict[int, EventFacts]:
    facts = {e.facts.id: e.facts for e in problem.events}
    facts.update({e.supervisor.id: e.supervisor for e in problem.events if e.supervisor})
    return facts
