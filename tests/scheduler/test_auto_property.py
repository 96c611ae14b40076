"""Property: over generated instances, no proposal ever breaks a hard rule.

Each placement is re-checked by the rules engine on its own, against the live bookings
and every other placement of the plan, with the instance's time off and holidays.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.types import EventType
from scheduler import auto
from tests.scheduler.auto_cases import TZ, at, day, event, live, person, problem
from tests.scheduler.test_auto_algorithm import assert_no_hard_violations

TITLES = ["lead", "super", "barista", "specialist"]
TYPES = [t for t in EventType.values if t != EventType.SUPERVISOR]


@st.composite
def instances(draw: st.DrawFn) -> tuple[auto.Problem, list, list]:
    people = [
        person(
            f"P{i}",
            draw(st.sampled_from(TITLES)),
            frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        )
        for i in range(draw(st.integers(1, 6)))
    ]
    events = []
    pairs = {}
    for _ in range(draw(st.integers(1, 12))):
        first = draw(st.integers(0, 5))
        kind = draw(st.sampled_from(TYPES))
        facts = event(kind, first, first + draw(st.integers(0, 3)))
        events.append(facts)
        if kind == EventType.CORE and draw(st.booleans()):
            pairs[facts.id] = event(EventType.SUPERVISOR, first, first + 3)
    bookings = []
    for _ in range(draw(st.integers(0, 4))):
        who = draw(st.sampled_from(people))
        busy = event(draw(st.sampled_from(TYPES)), 0, 6)
        bookings.append(live(who, busy, at(draw(st.integers(0, 6)), draw(st.integers(8, 18)))))
    rotations = {
        d: {
            "juicer": draw(st.sampled_from(people)).id,
            "primary_lead": draw(st.sampled_from(people)).id,
        }
        for d in range(7)
        if draw(st.booleans())
    }
    built = problem(
        events,
        people,
        earliest=draw(st.integers(0, 2)),
        rotations=rotations,
        pairs=pairs,
        bookings=bookings,
    )
    if draw(st.booleans()):
        built.snapshot.holiday_dates[day(draw(st.integers(0, 6)))] = "Holiday"
    for who in people:
        if draw(st.booleans()):
            off = day(draw(st.integers(0, 6)))
            built.snapshot.time_off.setdefault(who.id, []).append((off, off, "Off"))
    return built, [*events, *pairs.values()], people


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_no_proposal_ever_has_a_hard_violation(instance: tuple) -> None:
    built, events, people = instance
    spec_order = auto._Solver(built, None, snapshot=auto._copy(built.snapshot)).solve()
    plan = auto.solve(built)
    # The variants of the greedy order only ever replace the documented-order plan by one that
    # places more events.
    assert len(plan.placements) >= len(spec_order.placements)
    if len(plan.placements) == len(spec_order.placements):
        assert plan.placements == spec_order.placements
    assert_no_hard_violations(plan, events, people, base=built.snapshot)
    # Every event is either placed or reported with reasons, never both.
    assert not set(plan.placements) & set(plan.unplaced)
    assert set(plan.placements) | set(plan.unplaced) == {e.id for e in events}
    for reasons in plan.unplaced.values():
        assert reasons and all(r["code"] and r["message"] for r in reasons)
    assert TZ is not None
