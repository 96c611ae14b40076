"""Benchmark: the auto-scheduler's quality against the true optimum (OR-Tools CP-SAT).

For seeded generated instances of six classes (four sizes, scarce Leads, Supervisor
chains) it runs what a run runs after loading its problem, in memory: the greedy plan
(`scheduler.auto.solve`, also timed alone) and the optimizing core
(`scheduler.auto_optimize.optimize`, within the run's time limit), then:
  - checks every proposal with the rules engine, independently of the scheduler, against
    all the other proposals (hard violations must be 0);
  - computes the maximum number of events that can be placed under the same hard rules
    with an independent CP-SAT model (`optimum()`: the optimum, or the best bound and the
    gap at its time limit), on the first seed of each class and wherever the run did not
    prove its count itself (`--reference all`: everywhere);
  - reports events placed, the optimum, the ratio, the run's own optimality line,
    violations, the run's time (greedy + solver) and the load average (1 min) after each
    instance: the machine is shared, and a run stopped by the wall clock depends on it.

No database is needed (OR-Tools is a runtime dependency, pinned in requirements.txt):

    .venv/bin/python bench/scheduler_quality.py [--time-limit 30] [--only tight] [--seed 8]

The reference CP-SAT model encodes the hard rules of the engine (window days and slots, job titles,
weekly availability, time off, holidays, juicer day, one Core a day, no overlap) plus the
two structural rules every placement path shares: a paired Supervisor event starts at its
Core event's start + offset and goes to a Club Supervisor or that day's Primary Lead (the
cascade's choice), and Core events go to Leads, Juicer Baristas and Specialists (a Club
Supervisor on Core is only a warning in the engine, but neither the auto-scheduler nor the
model uses it). Which option is allowed for one event and one person is asked of the
rules engine itself (`check` on an empty diary), so the model cannot drift from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass(frozen=True)
class Size:
    name: str
    employees: int
    days: int
    events: int
    workdays: int  # days a week each employee works
    max_window: int  # longest window in days
    label: str
    # Job titles: (Club Supervisors, Leads, Juicer Baristas), default 10 % / 25 % / 15 %.
    titles: tuple[int, int, int] | None = None
    pair_rate: float = 0.6  # Core events with a paired Supervisor event
    weights: dict[str, int] | None = None  # event types, default TYPE_WEIGHTS


SIZES = [
    Size("small", 15, 14, 140, 5, 7, "15 employees x 2 weeks"),
    Size("medium", 50, 28, 950, 5, 7, "50 employees x 4 weeks"),
    Size("large", 100, 7, 500, 5, 7, "100 employees x 500 events, 1 week"),
    Size("tight", 60, 7, 500, 4, 3, "tight: 60 employees x 500 events, 1 week"),
    # A small store: one Club Supervisor and three Leads for Core, Freeosk, digital and
    # Supervisor events alike.
    Size(
        "scarce",
        8,
        14,
        130,
        5,
        3,
        "scarce Leads: 8 employees (1 Club Supervisor, 3 Leads) x 2 weeks",
        titles=(1, 3, 1),
        weights={**{"core": 30, "freeosk": 12, "digital_setup": 8, "digital_teardown": 8}},
    ),
    # Supervisor chains: nearly every Core event has a Supervisor, two Club Supervisors.
    Size(
        "chain",
        24,
        7,
        150,
        5,
        2,
        "Supervisor chains: 24 employees (2 Club Supervisors), 90 % of Core paired, 1 week",
        titles=(2, 4, 3),
        pair_rate=0.9,
        weights={"core": 60, "juicer_production": 4, "freeosk": 6, "other": 4},
    ),
]

TYPE_WEIGHTS = {
    "core": 40,
    "juicer_production": 6,
    "juicer_survey": 3,
    "freeosk": 9,
    "digital_setup": 6,
    "digital_refresh": 5,
    "digital_teardown": 5,
    "digitals": 4,
    "other": 4,
}


def generate(size: Size, seed: int) -> Any:
    """A seeded instance: employees, rotations, time off, a holiday, events with windows."""
    from django.conf import settings

    from employees.models import JobTitle
    from events.types import default_minutes
    from scheduler import auto
    from scheduler.rules import EmployeeFacts, EventFacts, Snapshot

    rng = random.Random(f"{seed}-{size.name}")
    tz = ZoneInfo(settings.TIME_ZONE)
    first = dt.date(2027, 3, 1)  # a Monday, far from DST changes

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz)

    n = size.employees
    supervisors, leads, baristas = size.titles or (
        max(2, n // 10),
        max(2, n // 4),
        max(2, n * 15 // 100),
    )
    titles = (
        [JobTitle.CLUB_SUPERVISOR] * supervisors
        + [JobTitle.LEAD_EVENT_SPECIALIST] * leads
        + [JobTitle.JUICER_BARISTA] * baristas
        + [JobTitle.EVENT_SPECIALIST] * (n - supervisors - leads - baristas)
    )
    employees = []
    for i, title in enumerate(titles, start=1):
        off = set(rng.sample(range(7), 7 - size.workdays))
        employees.append(
            EmployeeFacts(
                id=i,
                name=f"E{i:03d}",
                job_title=title,
                is_active=True,
                termination_date=None,
                weekdays=frozenset(set(range(7)) - off),
            )
        )
    snapshot = Snapshot(tz=tz)
    for e in employees:
        if rng.random() < 0.1:
            start = first + dt.timedelta(days=rng.randrange(size.days))
            end = start + dt.timedelta(days=rng.randrange(3))
            snapshot.time_off.setdefault(e.id, []).append((start, end, "Vacation"))
    if size.days >= 14:
        snapshot.holiday_dates[first + dt.timedelta(days=10)] = "Holiday"
    by_title: dict[str, list[int]] = defaultdict(list)
    for e in employees:
        by_title[e.job_title].append(e.id)
    rotations = {}
    for d in range(size.days):
        day = first + dt.timedelta(days=d)
        rng_day = random.Random(f"{seed}-{size.name}-{day.weekday()}")
        rotations[day] = {
            "juicer": rng_day.choice(by_title[JobTitle.JUICER_BARISTA]),
            "primary_lead": rng_day.choice(by_title[JobTitle.LEAD_EVENT_SPECIALIST]),
        }
        snapshot.primary_leads[day] = rotations[day]["primary_lead"]
    type_weights = size.weights or TYPE_WEIGHTS
    kinds = list(type_weights)
    weights = [type_weights[k] for k in kinds]
    facts: list[EventFacts] = []
    pairs: dict[int, EventFacts] = {}
    next_id = 1000
    while len(facts) < size.events:
        kind = rng.choices(kinds, weights)[0]
        start_day = rng.randrange(size.days)
        length = rng.randint(1, min(size.max_window, size.days - start_day))
        window = (
            at(first + dt.timedelta(days=start_day)),
            at(first + dt.timedelta(days=start_day + length)),
        )
        next_id += 1
        event = EventFacts(
            id=next_id,
            name=f"{next_id}-{kind}",
            event_type=kind,
            window_start=window[0],
            window_due=window[1],
            duration=dt.timedelta(minutes=default_minutes(kind)),
        )
        facts.append(event)
        if kind == "core" and rng.random() < size.pair_rate and len(facts) < size.events:
            next_id += 1
            supervisor = EventFacts(
                id=next_id,
                name=f"{next_id}-supervisor",
                event_type="supervisor",
                window_start=window[0],
                window_due=window[1],
                duration=dt.timedelta(minutes=default_minutes("supervisor")),
            )
            facts.append(supervisor)
            pairs[event.id] = supervisor
    last = first + dt.timedelta(days=size.days - 1)
    events = [
        auto.AutoEvent(
            facts=f,
            days=auto.event_days(
                window_start=f.window_start,
                window_due=f.window_due,
                earliest=first,
                last=last,
                snapshot=snapshot,
            ),
            supervisor=pairs.get(f.id),
        )
        for f in facts
    ]
    return auto.Problem(
        events=events, employees=employees, snapshot=snapshot, rotations=rotations
    ), pairs


def fresh_snapshot(problem: Any) -> Any:
    from scheduler.rules import Snapshot

    s = problem.snapshot
    return Snapshot(
        tz=s.tz,
        holiday_dates=dict(s.holiday_dates),
        recurring_holidays=dict(s.recurring_holidays),
        time_off={k: list(v) for k, v in s.time_off.items()},
        unavailable={k: dict(v) for k, v in s.unavailable.items()},
        bookings={k: [b for b in v if b.schedule_id > 0] for k, v in s.bookings.items()},
        primary_leads=dict(s.primary_leads),
    )


def count_violations(problem: Any, plan: Any, base: Any) -> int:
    """Hard violations of the plan, asked of the rules engine placement by placement
    against everything else placed (not trusting the scheduler's own checks)."""
    from scheduler.rules import Booking, Context, check

    facts = {e.facts.id: e.facts for e in problem.events}
    employees = {e.id: e for e in problem.employees}
    snapshot = base
    for p in plan.placements.values():
        f = facts[p.event_id]
        snapshot.add_booking(
            p.employee_id, Booking(-p.event_id, f.id, f.name, f.event_type, p.start, p.end)
        )
    hard = 0
    for p in plan.placements.values():
        violations = check(
            event=facts[p.event_id],
            employee=employees[p.employee_id],
            start=p.start,
            context=Context.AUTO,
            snapshot=snapshot,
            ignore_schedules=[-p.event_id],
        )
        hard += sum(1 for v in violations if v.is_hard)
    return hard


def spread_hours(problem: Any, placements: list[tuple[int, dt.timedelta]]) -> tuple[float, float]:
    """Max - min scheduled hours over all employees, and the largest such spread inside
    one job title (people who can do the same work)."""
    hours = {e.id: 0.0 for e in problem.employees}
    for employee_id, duration in placements:
        hours[employee_id] += duration.total_seconds() / 3600
    titles: dict[str, list[float]] = defaultdict(list)
    for e in problem.employees:
        titles[e.job_title].append(hours[e.id])
    inside = max(max(h) - min(h) for h in titles.values())
    return max(hours.values()) - min(hours.values()), inside


def optimum(
    problem: Any, pairs: dict[int, Any], time_limit: float, plan: Any = None
) -> dict[str, Any]:
    """The most events that can be placed under the same hard rules (CP-SAT).

    `plan` (ours) is given to the solver as a hint: a starting solution, not a constraint.
    The bound reported is the solver's, or the number of events that have at least one
    allowed option at all when that is lower (an event without one cannot be placed)."""
    cp_model = importlib.import_module("ortools.sat.python.cp_model")
    from scheduler import auto
    from scheduler.rules import Context, Snapshot, check

    began = time.perf_counter()
    tz = problem.snapshot.tz
    empty = Snapshot(
        tz=tz,
        holiday_dates=problem.snapshot.holiday_dates,
        time_off=problem.snapshot.time_off,
        unavailable=problem.snapshot.unavailable,
        primary_leads=problem.snapshot.primary_leads,
    )
    slots = auto.auto_slots()
    offset = problem.supervisor_offset
    model = cp_model.CpModel()
    supervisor_ids = {s.id for s in pairs.values()}
    # Per employee and day: (start, end, variable, kind) of each option.
    diary: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime, Any, str]]] = defaultdict(
        list
    )
    per_event: dict[int, list[Any]] = defaultdict(list)
    core_at: dict[tuple[int, dt.date, dt.time], list[Any]] = defaultdict(list)
    titles_for_core = {"lead_event_specialist", "juicer_barista", "event_specialist"}
    keyed: dict[tuple[int, int, dt.datetime], Any] = {}
    kinds = {e.facts.id: e.facts.event_type for e in problem.events}

    def allowed(facts: Any, employee: Any, start: dt.datetime) -> bool:
        return not any(
            v.is_hard
            for v in check(
                event=facts, employee=employee, start=start, context=Context.AUTO, snapshot=empty
            )
        )

    for event in problem.events:
        f = event.facts
        if f.id in supervisor_ids:
            continue
        for day in event.days:
            for slot in slots[f.event_type]:
                start = dt.datetime.combine(day, slot).replace(tzinfo=tz)
                end = start + f.duration
                for e in problem.employees:
                    if f.event_type == "core" and e.job_title not in titles_for_core:
                        continue
                    if not allowed(f, e, start):
                        continue
                    x = model.new_bool_var(f"x{f.id}_{e.id}_{day}_{slot}")
                    keyed[(f.id, e.id, start.astimezone(dt.UTC))] = x
                    per_event[f.id].append(x)
                    diary[(e.id, day)].append((start, end, x, f.event_type))
                    if f.event_type == "core":
                        core_at[(f.id, day, slot)].append(x)
    for core_id, supervisor in pairs.items():
        for (cid, day, slot), xs in list(core_at.items()):
            if cid != core_id:
                continue
            start = dt.datetime.combine(day, slot).replace(tzinfo=tz) + offset
            sup_day = start.astimezone(tz).date()
            primary = problem.rotations.get(sup_day, {}).get("primary_lead")
            ys = []
            for e in problem.employees:
                if e.job_title != "club_supervisor" and e.id != primary:
                    continue
                if not allowed(supervisor, e, start):
                    continue
                y = model.new_bool_var(f"y{supervisor.id}_{e.id}_{day}_{slot}")
                keyed[(supervisor.id, e.id, start.astimezone(dt.UTC))] = y
                ys.append(y)
                per_event[supervisor.id].append(y)
                diary[(e.id, sup_day)].append((start, start + supervisor.duration, y, "supervisor"))
            if ys:
                model.add(sum(ys) <= sum(xs))
    for options in per_event.values():
        model.add(sum(options) <= 1)
    for (_employee_id, _day), options in diary.items():
        for t in sorted({s for s, _, _, _ in options}):
            covering = [x for s, e, x, _ in options if s <= t < e]
            if len(covering) > 1:
                model.add(sum(covering) <= 1)
        cores = [x for _, _, x, kind in options if kind == "core"]
        juicers = [x for _, _, x, kind in options if kind in ("juicer_production", "juicer_survey")]
        if len(cores) > 1:
            model.add(sum(cores) <= 1)
        if cores and juicers:
            model.add(sum(cores) + sum(juicers) <= 1)
    all_vars = [x for options in per_event.values() for x in options]
    model.maximize(sum(all_vars))
    if plan is not None:
        chosen = {
            keyed.get((p.event_id, p.employee_id, p.start.astimezone(dt.UTC)))
            for p in plan.placements.values()
        }
        for x in all_vars:
            model.add_hint(x, x in chosen)
    placeable = sum(1 for options in per_event.values() if options)
    built = time.perf_counter() - began
    if plan is not None and len(plan.placements) >= placeable:
        # Every event with an allowed option is placed: nothing to solve.
        return {
            "status": "BOUND_REACHED",
            "by_type": {},
            "value": len(plan.placements),
            "bound": placeable,
            "variables": len([x for options in per_event.values() for x in options]),
            "build_s": built,
            "seconds": built,
        }
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = int(os.environ.get("BENCH_CPSAT_WORKERS", "2"))
    status = solver.solve(model)
    took = time.perf_counter() - began
    name = solver.status_name(status)
    found = name in ("OPTIMAL", "FEASIBLE")
    value = round(solver.objective_value) if found else None
    bound = min(int(solver.best_objective_bound + 1e-6), placeable) if found else placeable
    by_type: dict[str, int] = defaultdict(int)
    if found:
        for (event_id, _, _), x in keyed.items():
            if solver.boolean_value(x):
                by_type[kinds[event_id]] += 1
    return {
        "status": name,
        "by_type": dict(by_type),
        "value": value,
        "bound": bound,
        "variables": len(all_vars),
        "build_s": built,
        "seconds": took,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=30.0, help="reference CP-SAT")
    parser.add_argument("--run-limit", type=float, default=10.0, help="the run's own limit")
    parser.add_argument("--seed", type=int, default=8, help="first seed")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per instance class")
    parser.add_argument("--only", choices=[s.name for s in SIZES], action="append")
    parser.add_argument("--no-optimum", action="store_true", help="skip the reference")
    parser.add_argument(
        "--reference",
        choices=["all", "check"],
        default="check",
        help="all: the reference model on every instance; check (default): on the first "
        "seed of each class and wherever the run did not prove its count itself",
    )
    args = parser.parse_args()
    setup()
    from scheduler import auto, auto_optimize

    rows = []
    for size in SIZES:
        if args.only and size.name not in args.only:
            continue
        for seed in range(args.seed, args.seed + args.seeds):
            problem, pairs = generate(size, seed)
            base = fresh_snapshot(problem)
            began = time.perf_counter()
            greedy = auto.solve(generate(size, seed)[0])
            greedy_s = time.perf_counter() - began
            began = time.perf_counter()
            plan, optimality = auto_optimize.optimize(problem, time_limit=args.run_limit)
            ours_s = time.perf_counter() - began
            durations = {e.facts.id: e.facts.duration for e in problem.events}
            durations.update({s.id: s.duration for s in pairs.values()})
            row: dict[str, Any] = {
                "size": size,
                "seed": seed,
                "events": len(problem.events),
                "greedy": len(greedy.placements),
                "greedy_s": greedy_s,
                "placed": len(plan.placements),
                "own": optimality,
                "violations": count_violations(problem, plan, base),
                "spread": spread_hours(
                    problem,
                    [(p.employee_id, durations[p.event_id]) for p in plan.placements.values()],
                ),
                "ours_s": ours_s,
                "load": os.getloadavg()[0],
            }
            wanted = args.reference == "all" or seed == args.seed or not optimality.count_proven
            if not args.no_optimum and wanted:
                row["opt"] = optimum(problem, pairs, args.time_limit, plan)
            rows.append(row)
            print_row(row)
    print()
    print(table(rows, args))


def print_row(row: dict[str, Any]) -> None:
    opt = row.get("opt")
    own = row["own"]
    text = (
        f"{row['size'].name} seed {row['seed']}: {row['placed']}/{row['events']} placed "
        f"(greedy {row['greedy']} in {row['greedy_s']:.2f} s), own bound {own.bound} "
        f"({'proven' if own.count_proven else 'not proven'}), {row['violations']} hard "
        f"violations, spread {row['spread'][0]:.1f} h, {row['ours_s']:.2f} s (greedy "
        f"{own.greedy_seconds:.2f} s, solver {own.solver_seconds:.2f} s), load {row['load']:.1f}"
    )
    if opt:
        text += (
            f"; reference {opt['status']} {opt['value']} (bound {opt['bound']}, "
            f"{opt['variables']} vars) in {opt['seconds']:.1f} s"
        )
    print(text, flush=True)


def _reference(r: dict[str, Any]) -> tuple[str, float, float, bool]:
    """(text, ratio to the best known, ratio to the best bound, proven)."""
    own = r["own"]
    opt = r.get("opt")
    known = max(r["placed"], r["greedy"])  # both are feasible plans
    bound = own.bound
    if opt:
        known = max(opt["value"] or 0, known)  # ours is a feasible solution too
        bound = min(bound, opt["bound"])
    if known >= bound:
        return f"{bound} (proven)", r["placed"] / bound if bound else 1.0, 1.0, True
    return (
        f"{known}..{bound} (best found..bound)",
        r["placed"] / known,
        r["placed"] / bound,
        False,
    )


def table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "| instance | seed | events | greedy | placed (run) | optimum | run / optimum | "
        "run's own line | hard violations | run (greedy beside / solver) | load | reference |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    ratios = []
    for r in rows:
        best, ratio, to_bound, proven = _reference(r)
        ratios.append((ratio, proven))
        own = r["own"]
        own_text = (
            "proven optimal"
            if own.proven
            else "count proven"
            if own.count_proven
            else f"bound {own.bound}, gap {100 * own.gap:.1f} %"
        )
        shown = f"{100 * ratio:.1f} %" + ("" if proven else f" (≥ {100 * to_bound:.1f} % of bound)")
        opt = r.get("opt")
        ref = f"{opt['seconds']:.1f} s ({opt['status'].lower()})" if opt else "-"
        lines.append(
            f"| {r['size'].label} | {r['seed']} | {r['events']} | {r['greedy']} | "
            f"{r['placed']} | {best} | {shown} | {own_text} | {r['violations']} | "
            f"{r['ours_s']:.1f} s ({own.greedy_seconds:.1f} / {own.solver_seconds:.1f}) | "
            f"{r['load']:.1f} | {ref} |"
        )
    full = sum(1 for ratio, _ in ratios if ratio >= 1.0)
    n_proven = sum(1 for _, p in ratios if p)
    lines.append(
        f"\nSeeds {args.seed}..{args.seed + args.seeds - 1}; the run's limit "
        f"{args.run_limit:g} s; reference CP-SAT limit {args.time_limit:g} s, "
        f"{os.environ.get('BENCH_CPSAT_WORKERS', '2')} workers. "
        f"{full} of {len(ratios)} instances at 100 % of the best known ({n_proven} of them "
        f"proven optimal); lowest {100 * min((r for r, _ in ratios), default=1.0):.1f} %. "
        f"Load average (1 min) {os.getloadavg()[0]:.1f} at the end."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
