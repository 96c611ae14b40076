"""Who takes a Supervisor event: the one loop that schedule_create and batch scheduling
share (scheduler/services.py `_first_allowed`), and the reason when nobody does."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

from scheduler.rules import Code, Severity, Violation
from scheduler.services import _first_allowed, _no_supervisor_reason

HARD = Violation(Code.TIME_OFF, Severity.HARD, "On time off.")
SOFT = Violation(Code.WEEKLY_UNAVAILABLE, Severity.SOFT, "Not a usual work day.")


def person(pk: int) -> Any:
    return SimpleNamespace(pk=pk)


def test_the_first_without_a_hard_violation_takes_it_with_their_warnings():
    asked: list[int] = []
    verdicts = {1: [HARD], 2: [SOFT], 3: []}

    def violations_of(p: Any) -> list[Violation]:
        asked.append(p.pk)
        return verdicts[p.pk]

    chosen, violations = _first_allowed([person(1), person(2), person(3)], violations_of)

    assert chosen is not None and chosen.pk == 2
    assert violations == [SOFT]
    assert asked == [1, 2]  # nobody after the one chosen is checked


def test_each_person_is_checked_once_and_nobody_gives_the_last_violations():
    asked: list[int] = []
    last = Violation(Code.UNAVAILABLE_DATE, Severity.HARD, "Unavailable.")

    def violations_of(p: Any) -> list[Violation]:
        asked.append(p.pk)
        return [last] if p.pk == 2 else [HARD]

    chosen, violations = _first_allowed([person(1), person(2), person(1)], violations_of)

    assert chosen is None
    assert violations == [last]
    assert asked == [1, 2]
    assert _first_allowed([], violations_of) == (None, [])


def test_the_reason_says_whether_anyone_could_be_asked():
    start = dt.datetime(2026, 12, 15, 18, 0, tzinfo=dt.UTC)

    assert _no_supervisor_reason(start, anyone=False) == (
        "No Club Supervisor works that day and no Primary Lead is on the rotation."
    )
    assert _no_supervisor_reason(start, anyone=True).startswith(
        "No Club Supervisor or Primary Lead can take the Supervisor event at "
    )
