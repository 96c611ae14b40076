"""The auto-scheduler's optimizing core (CP-SAT) on hand-made instances the greedy order
gets wrong: it places the proven optimum, never an orphan Supervisor, keeps the more
urgent event on a tie, is deterministic for a seed and worker count, and stops at its
time limit."""

from __future__ import annotations

import random
from dataclasses import replace

from events.types import EventType
from scheduler import auto, auto_optimize
from tests.scheduler.auto_cases import day, event, local, person, problem
from tests.scheduler.test_auto_algorithm import assert_no_hard_violations

CORE = EventType.CORE


def _scarce_leads() -> tuple[auto.Problem, list, list]:
    """One day, one Club Supervisor, one Lead, two Specialists; three Core events and
    five Lead-only events (Freeosk, two Others, two Teardowns). Core goes to the Lead
    first in the greedy order, and a two-deep repair cannot undo it."""
    sup, lead = person("Sup", "super"), person("Lead", "lead")
    s0, s1 = person("S0", "specialist"), person("S1", "specialist")
    people = [sup, lead, s0, s1]
    events = [
        event(EventType.DIGITAL_TEARDOWN),
        event(EventType.OTHER),
        event(EventType.FREEOSK),
        event(CORE),
        event(EventType.DIGITAL_TEARDOWN),
        event(CORE),
        event(CORE),
        event(EventType.OTHER),
    ]
    rotations = {0: {"primary_lead": s0.id, "juicer": s0.id}}
    return problem(events, people, last=0, rotations=rotations), events, people


def _supervisor_chain() -> tuple[auto.Problem, list, list, dict]:
    """Four Core events with a Supervisor each, one Club Supervisor to check them all
    at Core start + 2 h, three Other events for the Leads and the Club Supervisor."""
    sup = person("Sup", "super")
    leads = [person("L0", "lead"), person("L1", "lead")]
    specialists = [person(f"S{i}", "specialist") for i in range(3)]
    people = [sup, *leads, *specialists]
    others = [event(EventType.OTHER) for _ in range(3)]
    cores = [event(CORE) for _ in range(4)]
    pairs = {c.id: event(EventType.SUPERVISOR) for c in cores}
    rotations = {0: {"primary_lead": specialists[1].id, "juicer": specialists[2].id}}
    built = problem([*others, *cores], people, last=0, rotations=rotations, pairs=pairs)
    return built, [*others, *cores, *pairs.values()], people, pairs


def test_scarce_leads_are_placed_optimally_where_the_greedy_order_is_not() -> None:
    built, events, people = _scarce_leads()
    greedy = auto.solve(_scarce_leads()[0])
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert len(greedy.placements) == 7
    assert len(plan.placements) == 8
    assert (optimality.solver, optimality.placed, optimality.bound) == ("cp-sat", 8, 8)
    assert optimality.count_proven and optimality.proven
    assert optimality.greedy_placed == 7
    assert_no_hard_violations(plan, events, people, base=built.snapshot)


def test_a_supervisor_chain_is_placed_optimally_with_every_supervisor() -> None:
    built, events, people, pairs = _supervisor_chain()
    greedy = auto.solve(_supervisor_chain()[0])
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert len(greedy.placements) == 10
    assert len(plan.placements) == 11 == len(events)
    assert optimality.proven
    assert_no_hard_violations(plan, events, people, base=built.snapshot)
    for core_id, supervisor in pairs.items():
        core, theirs = plan.placements[core_id], plan.placements[supervisor.id]
        assert theirs.start == core.start + built.supervisor_offset
        assert theirs.with_core == core_id
    # Four Supervisor check-ins at four different times: one per Core slot.
    assert len({plan.placements[s.id].start for s in pairs.values()}) == 4


def test_an_urgent_juicer_is_kept_against_a_core_event_when_only_one_fits() -> None:
    barista = person("Bea", "barista")
    juicer = event(EventType.JUICER_PRODUCTION, 0, 0)
    core = event(CORE, 0, 3)  # due later: less urgent
    built = problem([core, juicer], [barista], last=0)
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert set(plan.placements) == {juicer.id}
    assert optimality.proven
    assert [r["code"] for r in plan.unplaced[core.id]] == ["gave_way"]


def test_an_urgent_juicer_gives_way_to_two_core_events_only_when_that_places_more() -> None:
    barista, sup = person("Bea", "barista"), person("Sup", "super")
    juicer = event(EventType.JUICER_PRODUCTION, 0, 0)
    core = event(CORE, 0, 0)
    supervisor = event(EventType.SUPERVISOR, 0, 0)
    built = problem([juicer, core], [barista, sup], last=0, pairs={core.id: supervisor})
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    # Two events (the Core event and its Supervisor) beat one, however urgent.
    assert set(plan.placements) == {core.id, supervisor.id}
    assert optimality.proven and optimality.placed == 2
    assert juicer.id in plan.unplaced
    # With a Specialist to take the Core event, all three are placed.
    specialist = person("Sam", "specialist")
    built = problem([juicer, core], [barista, sup, specialist], last=0, pairs={core.id: supervisor})
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert set(plan.placements) == {juicer.id, core.id, supervisor.id}
    assert plan.placements[juicer.id].employee_id == barista.id
    assert plan.placements[core.id].employee_id == specialist.id


def test_a_supervisor_without_its_core_is_never_proposed_alone() -> None:
    sup, lead = person("Sup", "super"), person("Lead", "lead")
    orphan = event(EventType.SUPERVISOR, 0, 2)
    built = problem([orphan], [sup, lead], last=2)
    built.events[0] = auto.AutoEvent(facts=orphan, days=built.events[0].days, core_missing=True)
    greedy = auto.solve(problem([orphan], [sup, lead], last=2))
    assert orphan.id in greedy.placements  # an unpaired event the greedy alone would place
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert plan.placements == {}
    assert [r["code"] for r in plan.unplaced[orphan.id]] == ["core_not_scheduled"]
    assert optimality.proven and optimality.bound == 0
    # A Core event that cannot be placed takes its Supervisor out with it.
    core = event(CORE, 0, 0)
    supervisor = event(EventType.SUPERVISOR, 0, 0)
    built = problem([core], [sup], last=0, pairs={core.id: supervisor})
    plan, _ = auto_optimize.optimize(built, time_limit=5)
    assert plan.placements == {}
    assert [r["code"] for r in plan.unplaced[supervisor.id]] == ["core_not_placed"]


def test_warnings_are_those_of_the_final_plan() -> None:
    lead = person("Lead", "lead")
    freeosk = event(EventType.FREEOSK, 0, 0)
    setup = event(EventType.DIGITAL_SETUP, 0, 0)
    built = problem([freeosk, setup], [lead], last=0, rotations={0: {"primary_lead": lead.id}})
    plan, _ = auto_optimize.optimize(built, time_limit=5)
    assert set(plan.placements) == {freeosk.id, setup.id}
    # Each is within 2 hours of the other: both say so, whichever was placed first.
    for placed, other in ((freeosk, setup), (setup, freeosk)):
        warnings = plan.placements[placed.id].warnings
        assert [(w.code, w.details["schedule"]) for w in warnings] == [("proximity", -other.id)]


def _random_instance(
    seed: int, *, people: int = 8, events: int = 24
) -> tuple[auto.Problem, list, list]:
    rng = random.Random(seed)
    titles = ["super", "lead", "lead", "barista", "specialist", "specialist"]
    staff = [person(f"P{i}", rng.choice(titles)) for i in range(people)]
    found, pairs = [], {}
    kinds = [CORE, CORE, CORE, EventType.FREEOSK, EventType.JUICER_PRODUCTION, EventType.OTHER]
    for _ in range(events):
        first = rng.randrange(4)
        facts = event(rng.choice(kinds), first, min(3, first + rng.randrange(3)))
        found.append(facts)
        if facts.event_type == CORE and rng.random() < 0.5:
            pairs[facts.id] = event(EventType.SUPERVISOR, first, first + 2)
    rotations = {
        d: {"primary_lead": rng.choice(staff).id, "juicer": rng.choice(staff).id} for d in range(4)
    }
    built = problem(found, staff, last=3, rotations=rotations, pairs=pairs)
    return built, [*found, *pairs.values()], staff


def test_deterministic_for_a_seed_and_worker_count() -> None:
    first, events, people = _random_instance(7)
    plan, optimality = auto_optimize.optimize(first, time_limit=20, workers=2, seed=3)
    assert optimality.proven  # finished before the limit: the same answer every time
    for _ in range(2):
        again, _ = auto_optimize.optimize(first, time_limit=20, workers=2, seed=3)
        assert {k: (p.employee_id, p.start) for k, p in again.placements.items()} == {
            k: (p.employee_id, p.start) for k, p in plan.placements.items()
        }
    assert_no_hard_violations(plan, events, people, base=first.snapshot)


def _assignments(plan: auto.Plan) -> dict[int, tuple[int, object]]:
    return {k: (p.employee_id, p.start) for k, p in plan.placements.items()}


def test_deterministic_when_stopped_by_its_work_limit() -> None:
    """Not proven in the work given (CP-SAT's deterministic time, a count of its work):
    the same plan every time, whatever the machine's load, as long as the wall clock
    (here far away) does not stop it first."""
    built, events, people = _random_instance(2, people=14, events=60)
    plan, optimality = auto_optimize.optimize(built, time_limit=120, work=0.5, seed=3)
    assert optimality.count_proven and not optimality.proven  # stopped, not finished
    assert optimality.solver == "cp-sat"
    again, _ = auto_optimize.optimize(built, time_limit=120, work=0.5, seed=3)
    assert _assignments(again) == _assignments(plan)
    assert_no_hard_violations(plan, events, people, base=built.snapshot)


def test_with_almost_no_time_the_run_is_the_whole_greedy_plan() -> None:
    """The greedy plan is never cut by the clock (its repair pass and variants always
    finish): with no time left for the solver, the run is exactly that plan."""
    built, events, people = _random_instance(3)
    greedy = auto.solve(replace(built, snapshot=auto._copy(built.snapshot)))
    unrepaired = auto.solve(replace(built, snapshot=auto._copy(built.snapshot), repair=False))
    assert len(greedy.placements) > len(unrepaired.placements)  # the repair pass counts here
    for limit in (0.0, 0.001):
        plan, optimality = auto_optimize.optimize(built, time_limit=limit)
        assert (optimality.solver, optimality.solver_seconds) == ("greedy", 0.0)
        assert optimality.note == "The time limit was reached before the optimizer could start."
        assert optimality.placed == optimality.greedy_placed == len(greedy.placements)
        assert _assignments(plan) == _assignments(greedy)
        assert plan.repaired == greedy.repaired
        assert_no_hard_violations(plan, events, people, base=built.snapshot)


def test_the_time_limit_bounds_the_optimizer_and_the_plan_is_never_worse() -> None:
    """The solver stops by the limit (counted from the start of the run, the greedy plan
    included), so a run whose greedy plan is quick ends by the limit plus the check of
    its plan; the plan kept is never worse than the greedy one by the objective."""
    built, events, people = _random_instance(1, people=14, events=60)
    plan, optimality = auto_optimize.optimize(built, time_limit=1.0)
    assert optimality.greedy_seconds < 1.0  # the greedy plan left time for the solver
    assert optimality.solver_seconds > 0
    assert not optimality.proven  # the limit stopped the search
    # The limit, plus a tolerance for a loaded machine (the solver's own clock checks
    # and the final check of the plan), not the several seconds a proof takes.
    assert optimality.seconds < 1.0 + 0.5
    for seed in (1, 2, 3):
        built, events, people = _random_instance(seed)
        greedy = auto.solve(_random_instance(seed)[0])
        plan, optimality = auto_optimize.optimize(built, time_limit=0.5)
        assert len(plan.placements) >= len(greedy.placements)
        assert optimality.bound >= optimality.placed
        assert_no_hard_violations(plan, events, people, base=built.snapshot)
        assert set(plan.placements) | set(plan.unplaced) == {e.id for e in events}
        assert not set(plan.placements) & set(plan.unplaced)
    assert local(plan.placements[next(iter(plan.placements))].start)[0] >= day(0)


def test_each_event_left_out_is_explained_in_a_manager_s_words() -> None:
    bea, sam = person("Bea Barista", "barista", frozenset({1, 2})), person("Sam", "specialist")
    juicer = event(EventType.JUICER_PRODUCTION, 0, 0, name="606090-JUICER-Orange")
    core = event(CORE, 0, 3, name="606034-CORE-Pretzel")
    # Bea works Tuesdays and Wednesdays only; nobody is a Lead.
    freeosk = event(EventType.FREEOSK, 1, 1, name="606077-Freeosk-Water")
    off = event(EventType.JUICER_SURVEY, 0, 0, name="606091-JUICER-Survey")
    late = event(CORE, 1, 1, name="606035-CORE-Bagels")
    built = problem([core, juicer, freeosk, off, late], [bea, sam], last=3)
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert optimality.proven
    reasons = {event_id: found[0] for event_id, found in plan.unplaced.items()}
    assert reasons[freeosk.id]["code"] == "no_candidates"
    assert reasons[freeosk.id]["message"] == (
        "Nobody is a Club Supervisor or Lead Event Specialist, the job title it needs."
    )
    assert reasons[juicer.id]["code"] == "no_one_free"
    assert reasons[juicer.id]["message"] == (
        "No Juicer Barista is free at any of its times (Mon 14 Dec): not working that day."
    )
    assert all("_" not in r["message"] for r in reasons.values())
    assert len([r for r in reasons.values() if r["code"] == "gave_way"]) == 0
    # Sam may take one Core event a day: the two Core events are placed, on two days.
    assert {core.id, late.id} <= set(plan.placements)
    # One Specialist, two Core events due the same day: one gives way, and says to what.
    early = event(CORE, 1, 1, name="606036-CORE-Cheese")
    built = problem([late, early], [sam], last=3)
    plan, optimality = auto_optimize.optimize(built, time_limit=5)
    assert optimality.proven and len(plan.placements) == 1
    ((left_out, found),) = plan.unplaced.items()
    placed = next(iter(plan.placements.values()))
    name = {late.id: late.name, early.id: early.name}[placed.event_id]
    assert found[0]["code"] == "gave_way"
    assert found[0]["message"] == (
        f"1 person may work it at its times (Sam); this plan gives them other events then "
        f"({name}). Placing it would have left out another event, or a more urgent one."
    )
    assert left_out != placed.event_id
