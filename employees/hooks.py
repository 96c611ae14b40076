"""Hooks higher apps register at start-up so that this app can react without importing
them (layers: a lower app never imports a higher one).

`deactivation_notes`: when the admin deactivates employees, each registered provider
is asked what the office should know about them (future schedules to cover, …) and
answers with notes, each a message and a link to act on it.
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
