"""Hooks higher apps register at start-up so that this app can react without importing
them (layers: a lower app never imports a higher one).

`deactivation_notes`: when the admin deactivates employees, each registered provider
is asked what the office should know about them (future schedules to cover, …) and
answers with notes, each a message and a link to act on it.

`time_off_cover`: when time off is recorded over days an employee has live schedules on
(an approved time-off request), each registered provider may offer a way to cover them,
as a link (the call-out page). Providers build links only: they run no query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DeactivationNote:
    employee_id: int
    message: str
    link_text: str
    url: str


DeactivationProvider = Callable[[Sequence[int], dt.date], list[DeactivationNote]]

_deactivation_providers: dict[str, DeactivationProvider] = {}


def register_deactivation_notes(key: str, provider: DeactivationProvider) -> None:
    """Register (or replace: `ready()` may run twice) the provider under `key`."""
    _deactivation_providers[key] = provider


def deactivation_notes(employee_ids: Sequence[int], today: dt.date) -> list[DeactivationNote]:
    notes: list[DeactivationNote] = []
    for key in sorted(_deactivation_providers):
        notes.extend(_deactivation_providers[key](employee_ids, today))
    return notes


@dataclass(frozen=True)
class CoverLink:
    text: str
    url: str


TimeOffCoverProvider = Callable[[int, dt.date, dt.date], CoverLink | None]

_time_off_cover: dict[str, TimeOffCoverProvider] = {}


def register_time_off_cover(key: str, provider: TimeOffCoverProvider) -> None:
    """Register (or replace: `ready()` may run twice) the provider under `key`."""
    _time_off_cover[key] = provider


def time_off_cover_links(
    employee_id: int, first_day: dt.date, last_day: dt.date
) -> list[CoverLink]:
    """The ways to cover the employee's schedules on first_day..last_day while they are
    off, from every registered provider (none when no app above offers one)."""
    links = []
    for key in sorted(_time_off_cover):
        link = _time_off_cover[key](employee_id, first_day, last_day)
        if link is not None:
            links.append(link)
    return links
