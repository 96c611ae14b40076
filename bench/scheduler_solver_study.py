"""Benchmark: how fast CP-SAT finds and proves step 1 (the most events placed) of the
auto-scheduler's model, with the run's strategies and with others, in CP-SAT's
deterministic time (a count of its work: the same on every machine, whatever the load).

The instances are those of `bench/scheduler_quality.py`; the model is the run's own
(`scheduler.auto_model.build`), with the greedy order's first pass as hint, as a run does.
Per instance and configuration: the deterministic time at which the best solution was
found and at which the search ended (proven, or the limit), and the count and bound.

    .venv/bin/python bench/scheduler_solver_study.py [--only tight] [--seeds 5] [--work 6]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scheduler_quality as quality  # the benchmark's instances

CONFIGS: dict[str, dict[str, Any]] = {
    "the run's (default_lp, max_lp_sym)": {},
    "CP-SAT's default portfolio": {"portfolio": True},
    "the run's + count <= events with an option": {"cap": True},
}


def solve(size: Any, seed: int, work: float, config: dict[str, Any]) -> dict[str, Any]:
    from ortools.sat.python import cp_model

    from scheduler import auto, auto_optimize
    from scheduler.auto_model import build

    problem, _ = quality.generate(size, seed)
    live = auto._copy(problem.snapshot)
    first = auto.solve(replace(problem, snapshot=auto._copy(live), repair=False))
    built = build(problem, live)
    auto_optimize._hint(built, first)
    count = sum(x.var for x in built.starts)
    if config.get("cap"):
        built.model.add(count <= built.placeable)
    built.model.maximize(count)
    solver = auto_optimize._solver(600, work, auto_optimize.WORKERS, auto_optimize.SEED)
    if config.get("portfolio"):
        solver.parameters.subsolvers.clear()

    class Found(cp_model.CpSolverSolutionCallback):
        at = 0.0

        def on_solution_callback(self) -> None:
            self.at = self.deterministic_time

    found = Found()
    status = solver.solve(built.model, found)
    return {
        "first": len(first.placements),
        "status": solver.status_name(status).lower(),
        "value": round(solver.objective_value),
        "bound": min(built.placeable, int(solver.best_objective_bound + 1e-6)),
        "found": found.at,
        "ended": solver.deterministic_time,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="tight", choices=[s.name for s in quality.SIZES])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--work", type=float, default=6.0, help="deterministic seconds")
    args = parser.parse_args()
    quality.setup()
    size = {s.name: s for s in quality.SIZES}[args.only]
    print("| configuration | seed | first pass | placed | bound | status | found at | ended at |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for name, config in CONFIGS.items():
        for seed in range(args.seed, args.seed + args.seeds):
            r = solve(size, seed, args.work, config)
            print(
                f"| {name} | {seed} | {r['first']} | {r['value']} | {r['bound']} | "
                f"{r['status']} | {r['found']:.2f} | {r['ended']:.2f} |",
                flush=True,
            )
    print(f"\n{args.only}, deterministic limit {args.work:g}; load {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
