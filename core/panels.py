"""Panels that an app above a page adds to it, without the page's app importing it.

A page of a lower app (the dashboard, the event page, the week view) names a slot and
renders what is registered there:
`{% for p in panels %}{% include p.template with panel=p.data %}{% endfor %}`.
An app above registers its panel from its `AppConfig.ready()`. Registration is keyed by
(slot, key), so running `ready()` twice replaces, never duplicates. Unknown slots are
refused: a typo fails at start-up, not silently on a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The places a panel may go, and what each page passes to the panel's data function.
SLOTS: dict[str, str] = {
    "dashboard": "the dashboard's side column; data() gets no arguments",
    "event_facts": "the event page's facts list; data(schedule_id=int | None)",
    "week_actions": "the week view, under its header; data(week_start=date, user=User)",
}


@dataclass(frozen=True)
class Panel:
    slot: str
    key: str
    template: str
    # Returns what the template shows as `panel`, or None to show nothing. It should
    # run no query when its feature is off.
    data: Callable[..., Any]


@dataclass(frozen=True)
class ShownPanel:
    template: str
    data: Any


_registry: dict[tuple[str, str], Panel] = {}


def register_panel(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {panel.slot!r}; known: {', '.join(SLOTS)}.")
    _registry[(panel.slot, panel.key)] = panel


def registered_panels(slot: str) -> list[Panel]:
    return [panel for (s, _), panel in _registry.items() if s == slot]


def panels(slot: str, **kwargs: Any) -> list[ShownPanel]:
    """The panels of a slot that have something to show, in registration order."""
    shown = []
    for panel in registered_panels(slot):
        data = panel.data(**kwargs)
        if data is not None:
            shown.append(ShownPanel(template=panel.template, data=data))
    return shown
