"""The auto-scheduler's optimizing core: OR-Tools CP-SAT over the rules engine's options.

No ORM here, like `scheduler.auto`. `optimize(problem)` runs the greedy order's first
pass (`auto.solve` without its repair pass: a fraction of a second) as the solver's first
solution (hint), then a CP-SAT model of the same problem (`scheduler.auto_model`), while
the whole greedy plan (repair pass and variants included) is computed beside it in a
thread; it keeps the better of the solver's plan and the whole greedy plan by the
objective below: a run is never worse than the greedy plan.

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
   busiest person of each job title, in quarter hours), the warnings an option raises
   against live schedules and the days after an event's first possible day, weighed
   together (`scheduler.auto_model`: 4 per tier, 1 per quarter hour, warning and day).
Step 1 is solved first (its bound tells how many events any plan could place at most);
once it is proven, steps 2-3 are optimised in the work that remains, keeping that many
placed. The run reports "proven optimal" when both are proven, else whether the number
placed is proven, else its best bound and the gap.

Time: the greedy plan always runs to completion: its work is bounded by counting (the
repair pass's first-fit checks per event), never cut by the clock, so it is the same
plan on every machine and always there to fall back on. It runs in a thread beside the
solver (CP-SAT releases the interpreter while it searches). The solver stops at the time
limit, counted from the start of the run (less a small reserve for checking the final
plan), or after `WORK_SHARE` x the limit of CP-SAT's deterministic time (a count of its
work, the same on every machine), whichever comes first. So the limit bounds the
optimizer: a run ends by the limit plus the check of its plan (a fraction of a second),
unless the greedy plan beside it takes longer than that (a loaded machine: the run then
ends when the greedy plan does). A run is deterministic for a given seed and worker
count when the solver stops by its work limit or proves its answer (CP-SAT's interleaved
search); a run stopped by the wall clock (a loaded machine) depends on the machine's
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
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from core.dates import format_day
from employees.models import JobTitle
from events.types import EventType
from scheduler import auto
from scheduler.auto_model import LATE_DAY, Model, Seat, Start, build
from scheduler.labels import label_of
from scheduler.roles import ALLOWED_TITLES
from scheduler.rules import LABELS as RULE_LABELS
from scheduler.rules import Booking, Context, EventFacts, Snapshot, check

# What may stop everyone from working an event: the rules' codes, and the greedy pass's
# "not working that day" (inactive, weekly day off, time off, unavailable date, holiday).
_STOPS = frozenset({*(str(code) for code in RULE_LABELS), "unavailable"})

logger = logging.getLogger(__name__)

SEED = 20261205
WORKERS = 2
MEMORY_MB = 1024
# The solver's full-problem strategies, run in turn by the workers (interleaved search:
# the same answer for a seed and worker count): LP-guided search, with the LP on every
# constraint and symmetry. On the benchmark's crowded instances these find and prove
# the most events placed several times faster than the default portfolio.
SUBSOLVERS = ("default_lp", "max_lp_sym")
# The solver's work limit in CP-SAT's deterministic seconds (a count of its work, the
# same on every machine), as a share of the time limit. A deterministic second took 1 to
# 1.6 s of wall time here (quiet to moderately loaded 2-core machine), so half the limit
# leaves the rest to the greedy plan before it and to a busier machine, and a run stops
# by its work (the same plan every time) rather than by the clock in most cases.
WORK_SHARE = 0.5
MIN_SOLVER_SECONDS = 0.2  # less than this left: the solver is not started


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
    greedy_seconds: float = 0.0  # the greedy plan's time (always run to completion)
    solver_seconds: float = 0.0  # the solver's wall time (both steps)
    time_limit: float = 0.0

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
            "greedy_seconds": round(self.greedy_seconds, 3),
            "solver_seconds": round(self.solver_seconds, 3),
            "time_limit": self.time_limit,
        }


def optimize(
    problem: auto.Problem,
    progress: Callable[[int, int], None] | None = None,
    *,
    time_limit: float = 10.0,
    workers: int = WORKERS,
    seed: int = SEED,
    work: float | None = None,
) -> tuple[auto.Plan, Optimality]:
    """The better of the greedy plan and the solver's, by the objective above, and what
    is known about it. The greedy plan always runs to completion (its work is bounded
    by counting, not by time), beside the solver, which stops `time_limit` seconds after
    the start.
    `work`: the solver's deterministic budget (default `WORK_SHARE` x `time_limit`).
    `problem.snapshot` is left with live bookings only."""
    began = time.perf_counter()
    live = auto._copy(problem.snapshot)
    # The documented-order pass alone (no repair, no variants; it reports the progress):
    # the solver's first solution, in a fraction of a second.
    first = auto.solve(replace(problem, snapshot=auto._copy(live), repair=False), progress)
    built = build(problem, live)
    _hint(built, first)
    # The whole greedy plan (repair pass and variants) runs meanwhile in a thread: CP-SAT
    # releases the GIL while it searches, so the solver need not wait for it.
    greedy_run = _GreedyRun(problem, live)
    greedy_run.start()
    count = sum(x.var for x in built.starts)
    optimality = Optimality(
        solver="greedy",
        placed=len(first.placements),
        bound=built.placeable,
        proven=False,
        seconds=0.0,
        time_limit=time_limit,
    )
    best_count = len(first.placements)
    count_proven = best_count >= built.placeable
    chosen: list[int] | None = None
    # Kept for what follows the solver (the plan checked again, its warnings).
    reserve = 0.05 + 0.0005 * len(problem.events)
    if work is None:
        work = WORK_SHARE * time_limit  # the solver's deterministic budget, both steps

    def wall_left() -> float:
        return time_limit - reserve - (time.perf_counter() - began)

    if not built.starts:
        optimality.proven = True
    elif wall_left() < MIN_SOLVER_SECONDS:
        optimality.note = "The time limit was reached before the optimizer could start."
    else:
        if not count_proven:
            built.model.maximize(count)
            # Step 1 first, with all the work it needs: the tie-breaks only count once
            # the number is proven. A count reaching the events with an option is proven
            # even when the solver's own bound stays looser (large instances). Neither a
            # cap constraint (it slows the crowded instances) nor a callback stopping the
            # search there (OR-Tools 9.15 aborted the process on one benchmark instance).
            solver = _solver(wall_left(), work, workers, seed)
            status = _solve(solver, built, optimality)
            work -= solver.deterministic_time
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                value = round(solver.objective_value)
                optimality.bound = min(built.placeable, int(solver.best_objective_bound + 1e-6))
                count_proven = status == cp_model.OPTIMAL or value >= optimality.bound
                if value > best_count:
                    best_count = value
                    chosen = _values(built, solver)
                    _set_hint(built, chosen)
            else:
                optimality.note = "The optimizer found no better plan in time."
        # Steps 2 and 3: keep as many placed; then urgency, preferences, balance, warnings.
        if count_proven and wall_left() >= MIN_SOLVER_SECONDS and work >= MIN_SOLVER_SECONDS:
            built.model.add(count >= best_count)
            built.model.maximize(_objective(built))
            solver = _solver(wall_left(), work, workers, seed)
            status = _solve(solver, built, optimality)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                chosen = _values(built, solver)
                optimality.proven = status == cp_model.OPTIMAL
    greedy = greedy_run.result()  # always to completion: the floor
    optimality.greedy_placed = len(greedy.placements)
    optimality.greedy_seconds = greedy_run.seconds
    plan = greedy
    _final_warnings(problem, live, greedy)
    if chosen is not None:
        candidate = _plan(problem, greedy, built, chosen)
        if not _final_warnings(problem, live, candidate):
            logger.error("The optimizer's plan failed the rules engine; the greedy plan stands.")
            optimality.note = "The optimizer's plan was discarded; the first plan stands."
        elif score(built, candidate) >= score(built, greedy):
            plan = candidate
            optimality.solver = "cp-sat"
    placed = optimality.placed = len(plan.placements)
    if placed != best_count:
        # Not the count the solver judged (the greedy plan placed more than the solver
        # found, or the solver's plan was discarded): only the bound still holds.
        optimality.proven = False
        if placed > optimality.bound:  # beyond the model's bound: no proof holds
            count_proven, optimality.bound = False, max(built.placeable, placed)
        else:
            count_proven = placed >= optimality.bound
    optimality.count_proven = count_proven
    optimality.bound = placed if count_proven else max(optimality.bound, placed)
    _explain(problem, built, plan, dict(greedy.unplaced), optimality)
    optimality.seconds = time.perf_counter() - began
    return plan, optimality


class _GreedyRun(threading.Thread):
    """`auto.solve` on its own copy of the live snapshot, in a thread (no progress: that
    is the documented-order pass's, in the caller's thread)."""

    def __init__(self, problem: auto.Problem, live: Snapshot) -> None:
        super().__init__(name="auto-greedy", daemon=True)
        self._problem = replace(problem, snapshot=auto._copy(live))
        self._plan: auto.Plan | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0

    def run(self) -> None:
        began = time.perf_counter()
        try:
            self._plan = auto.solve(self._problem)
        except BaseException as exc:  # raised again in the caller's thread
            self._error = exc
        self.seconds = time.perf_counter() - began

    def result(self) -> auto.Plan:
        self.join()
        if self._error is not None:
            raise self._error
        assert self._plan is not None  # noqa: S101 (set when no error)
        return self._plan


def _objective(built: Model) -> Any:
    """Steps 2 and 3 as one number: urgency first (weighted above anything step 3 can
    reach), then minus the preference and warning penalties and the busiest loads."""
    weight = built.rest_max + 1
    return (
        sum(weight * built.urgency[x.event.id] * x.var for x in built.starts)
        - sum(seat.penalty * seat.var for seat in built.seats if seat.penalty)
        - sum(LATE_DAY * x.late * x.var for x in built.starts if x.late)
        - sum(built.balance)
    )


def score(built: Model, plan: auto.Plan) -> tuple[int, int, int]:
    """A plan's place in the objective, computed from the plan itself (so the greedy
    plan and the solver's are compared alike): (events placed, urgency, minus the
    penalties and busiest loads of step 3). A placement the model has no seat for (no
    option of the model) counts the largest penalty."""
    penalty = {(s.employee.id, s.group): s.penalty for s in built.seats}
    worst = max(penalty.values(), default=0)
    load = dict(built.live_load)
    urgency = rest = 0
    for p in plan.placements.values():
        urgency += built.urgency.get(p.event_id, 0)
        start = p.start.astimezone(dt.UTC)
        x = built.start_of.get((p.event_id, start))
        rest += worst if x is None else penalty.get((p.employee_id, x.group), worst)
        rest += LATE_DAY * (x.late if x is not None else 0)
        load[p.employee_id] = load.get(p.employee_id, 0) + _quarters(p.end - p.start)
    rest += sum(max(load.get(i, 0) for i in ids) for ids in built.titles)
    return len(plan.placements), urgency, -rest


def _quarters(duration: dt.timedelta) -> int:
    return int(duration.total_seconds() // 900) or 1


def _solve(solver: cp_model.CpSolver, built: Model, optimality: Optimality) -> Any:
    """Solve, counting the wall time on this process's clock (the solver's own once
    reported more than the whole run took)."""
    began = time.perf_counter()
    status = solver.solve(built.model)
    optimality.solver_seconds += time.perf_counter() - began
    return status


def _solver(seconds: float, work: float, workers: int, seed: int) -> cp_model.CpSolver:
    """CP-SAT stopped by whichever comes first: `work` deterministic seconds (the same
    answer on every run) or `seconds` of wall time (a loaded machine)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.max_deterministic_time = max(work, 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.interleave_search = True
    solver.parameters.subsolvers.extend(SUBSOLVERS)
    solver.parameters.max_memory_in_mb = MEMORY_MB
    return solver


# --- from the solver's answer to a plan --------------------------------------------------


def _variables(built: Model) -> list[Any]:
    return [x.var for x in built.starts] + [seat.var for seat in built.seats]


def _values(built: Model, solver: cp_model.CpSolver) -> list[int]:
    return [int(solver.value(var)) for var in _variables(built)]


def _hint(built: Model, plan: auto.Plan) -> None:
    """The greedy plan as the solver's first solution: per class and start, how many of
    its events the plan starts then; per seat, whether the plan has its person then."""
    counts: dict[int, int] = defaultdict(int)  # id(Start) -> events placed
    seats: set[tuple[int, tuple[str, dt.timedelta, dt.datetime]]] = set()
    for p in plan.placements.values():
        x = built.start_of.get((p.event_id, p.start.astimezone(dt.UTC)))
        if x is not None:
            counts[id(x)] += 1
            seats.add((p.employee_id, x.group))
    _set_hint(
        built,
        [counts[id(x)] for x in built.starts]
        + [int((seat.employee.id, seat.group) in seats) for seat in built.seats],
    )


def _set_hint(built: Model, values: list[int]) -> None:
    """A whole solution as the hint, in one go (one `add_hint` per variable is slow)."""
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend([var.index for var in _variables(built)])
    hint.values.extend(values)


def _plan(problem: auto.Problem, greedy: auto.Plan, built: Model, values: list[int]) -> auto.Plan:
    """The solver's answer as a plan: the events of each class are shared out over the
    starts in the counts chosen (the Supervisor events with the first of their Core
    events starting then); then per (type, duration, start), the events starting then
    (most urgent first) are paired with the people taking a seat then (preferred first)."""
    plan = auto.Plan(order=list(greedy.order), repaired=greedy.repaired)
    n = len(built.starts)
    count = {id(x): v for x, v in zip(built.starts, values[:n], strict=True)}
    events_at: dict[tuple[str, dt.timedelta, dt.datetime], list[EventFacts]] = defaultdict(list)
    taken: dict[tuple[int, ...], int] = defaultdict(int)  # per class: events handed out
    supervisor_of = {e.facts.id: e.supervisor for e in problem.events if e.supervisor}
    inline = {s.id for s in supervisor_of.values() if s is not None}
    for x in built.starts:
        if x.events[0].id in inline:
            continue  # Supervisor Starts: handed out with their Core's below
        k = count[id(x)]
        if not k:
            continue
        key = tuple(e.id for e in x.events)
        chosen = x.events[taken[key] : taken[key] + k]
        taken[key] += k
        events_at[x.group].extend(chosen)
        if x.supervisor is not None and count[id(x.supervisor)]:
            with_sup = chosen[: count[id(x.supervisor)]]
            events_at[x.supervisor.group].extend(
                s for e in with_sup if (s := supervisor_of.get(e.id)) is not None
            )
    people_at: dict[tuple[str, dt.timedelta, dt.datetime], list[Seat]] = defaultdict(list)
    for seat, on in zip(built.seats, values[n:], strict=True):
        if on:
            people_at[seat.group].append(seat)
    core_of = {e.supervisor.id: e.facts.id for e in problem.events if e.supervisor is not None}
    position = {event_id: i for i, event_id in enumerate(greedy.order, start=1)}
    for group, facts in events_at.items():
        facts.sort(key=lambda f: (-built.urgency[f.id], f.id))
        seats = sorted(people_at[group], key=lambda s: (s.penalty, s.employee.name, s.employee.id))
        for f, seat in zip(facts, seats, strict=True):
            start = group[2]
            plan.placements[f.id] = auto.Placement(
                event_id=f.id,
                employee_id=seat.employee.id,
                start=start,
                end=start + f.duration,
                with_core=core_of.get(f.id),
                position=position.get(f.id, 0),
            )
    return plan


# Reasons of the greedy plan kept as they are: they say all there is.
_KEPT = frozenset({"no_day_left", "core_not_scheduled"})


def _explain(
    problem: auto.Problem,
    built: Model,
    plan: auto.Plan,
    found: dict[int, list[dict[str, Any]]],
    optimality: Optimality,
) -> None:
    """Why each event the final plan leaves out is left out, in a manager's words
    (`plan.unplaced`, whichever plan was kept): nobody has the job title; nobody who may
    work it is free at any of its times (and what stops them); or who could have worked
    it and what this plan gives them instead. `found`: the greedy plan's reasons."""
    tz = problem.snapshot.tz
    names = {e.id: e.name for e in problem.employees}
    starts_of: dict[int, list[Start]] = defaultdict(list)
    for (event_id, _), x in built.start_of.items():
        starts_of[event_id].append(x)
    seats_at: dict[tuple[str, dt.timedelta, dt.datetime], set[int]] = defaultdict(set)
    for seat in built.seats:
        seats_at[seat.group].add(seat.employee.id)
    facts = _facts(problem)
    busy: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    for p in plan.placements.values():
        busy[(p.employee_id, p.start.astimezone(tz).date())].append(facts[p.event_id].name)
    if optimality.proven:
        tail = "Placing it would have left out another event, or a more urgent one."
    elif optimality.count_proven:
        tail = "Placing it would have left out another event: no plan places more."
    elif optimality.solver_seconds:
        tail = "The optimizer found no plan placing it without leaving out another in its time."
    else:
        tail = "The optimizer had no time left to look for a plan placing it."
    inline = {e.supervisor.id for e in problem.events if e.supervisor is not None}
    unplaced: dict[int, list[dict[str, Any]]] = {}
    for event in problem.events:
        f, sup = event.facts, event.supervisor
        if f.id in inline:
            continue  # decided with its Core event
        if f.id in plan.placements:
            if sup is not None and sup.id not in plan.placements:
                at = (plan.placements[f.id].start + problem.supervisor_offset).astimezone(tz)
                unplaced[sup.id] = [
                    auto._reason(
                        "no_supervisor",
                        f"No Club Supervisor or Primary Lead is free at {at:%H:%M}, its Core "
                        "event's start + offset; approving the Core event tries again.",
                    )
                ]
            continue
        earlier = found.get(f.id) or []
        if earlier and earlier[0]["code"] in _KEPT:
            unplaced[f.id] = earlier
        elif f.id in built.with_options:
            xs = starts_of[f.id]
            days = sorted({x.start.astimezone(tz).date() for x in xs})
            people = sorted({i for x in xs for i in seats_at[x.group]}, key=lambda i: names[i])
            given = sorted({n for i in people for d in days for n in busy[(i, d)]})
            who = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
            text = f"{who} may work it at its times ({_some([names[i] for i in people])})"
            if given:
                text += f"; this plan gives them other events then ({_some(given)})"
            unplaced[f.id] = [auto._reason("gave_way", f"{text}. {tail}")]
        else:
            unplaced[f.id] = [_nobody(problem, event, earlier)]
        if sup is not None:
            unplaced[sup.id] = [
                auto._reason(
                    "core_not_placed", "Its Core event could not be placed, so neither could it."
                )
            ]
    plan.unplaced = unplaced


def _nobody(
    problem: auto.Problem, event: auto.AutoEvent, earlier: list[dict[str, Any]]
) -> dict[str, Any]:
    """An event no one may work at any of its times: who may work its type, and what
    stops them (the rules the greedy pass met)."""
    kind = event.facts.event_type
    titles = set(ALLOWED_TITLES[kind])
    if kind == EventType.CORE:
        titles.discard(JobTitle.CLUB_SUPERVISOR)
    if kind == EventType.SUPERVISOR:
        who = "Club Supervisor or Primary Lead"
        titles = {JobTitle.CLUB_SUPERVISOR, JobTitle.LEAD_EVENT_SPECIALIST}
    else:
        who = " or ".join(sorted(JobTitle(t).label for t in titles))
    if not any(e.job_title in titles for e in problem.employees):
        return auto._reason("no_candidates", f"Nobody is a {who}, the job title it needs.")
    days = event.days
    when = (
        format_day(days[0])
        if len(days) == 1
        else f"{format_day(days[0])} \N{EN DASH} {format_day(days[-1])}"
    )
    why = [label_of(r["code"]).lower() for r in earlier if r["code"] in _STOPS]
    text = f"No {who} is free at any of its times ({when})"
    if why:
        text += ": " + ", ".join(why)
    return auto._reason("no_one_free", text + ".")


def _some(items: list[str], shown: int = 3) -> str:
    """`a, b, c and 2 more`."""
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


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
