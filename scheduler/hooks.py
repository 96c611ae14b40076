"""The scheduler's "schedule changed" hook: how apps above it follow schedule changes.

The scheduler does not know who listens. Every schedule write (scheduler/services.py)
records its audit row and then calls `schedule_changed(...)` inside the same
transaction; each registered handler is called in registration order with a typed
`ScheduleChanged`. The contract for handlers:

- they run inside the change's transaction: what they write commits or rolls back with
  the change itself (an exception refuses the whole change);
- they write only their own rows (e.g. the planning app's push outbox);
- anything that leaves the process (HTTP, e-mail, task queues) goes to
  `transaction.on_commit`, never straight from the handler.

Apps register from their `AppConfig.ready()` with a key: registering a key again
replaces the handler, so `ready()` running twice never calls a handler twice. A handler
may name the feature (core/features.py) it serves; the system check `scheduler.E001`
reports a feature that is on and lists this hook in `needs_hooks` but has no handler
(its app is not installed). Not Django signals: the list of handlers is explicit, typed
and ordered, and a failing handler is never swallowed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.db import transaction

from core.features import FEATURES, get_feature
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange

HOOK_NAME = "schedule_changed"


@dataclass(frozen=True)
class ScheduleChanged:
    """One schedule change, as written: the schedule after it, what was done and from
    where, and the audit row recorded with it."""

    schedule: Schedule
    action: ScheduleAction
    source: ChangeSource
    change: ScheduleChange


ScheduleChangedHandler = Callable[[ScheduleChanged], None]


@dataclass(frozen=True)
class Registration:
    key: str
    handler: ScheduleChangedHandler
    feature: str | None = None


_registry: dict[str, Registration] = {}


def on_schedule_changed(
    *, key: str, handler: ScheduleChangedHandler, feature: str | None = None
) -> None:
    """Register (or replace) the handler under `key`; call from `AppConfig.ready()`."""
    if feature is not None:
        get_feature(feature)  # an unknown feature name fails at start-up
    _registry[key] = Registration(key=key, handler=handler, feature=feature)


def unregister(key: str) -> Registration | None:
    """Remove a handler (tests that prove what happens without one)."""
    return _registry.pop(key, None)


def registrations() -> list[Registration]:
    return list(_registry.values())


def schedule_changed(change: ScheduleChanged) -> None:
    """Call every handler, in registration order, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("schedule_changed() must run inside the change's transaction.")
    for registration in list(_registry.values()):
        registration.handler(change)


@register()
def check_handlers(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    served = {r.feature for r in _registry.values() if r.feature is not None}
    return [
        Error(
            f"{feature.label} is enabled ({feature.flag}) but nothing handles its "
            "schedule changes.",
            hint=(
                f"Install the app that registers a schedule-changed handler for the "
                f"'{feature.name}' feature (INSTALLED_APPS), or set {feature.flag}=false."
            ),
            id="scheduler.E001",
        )
        for feature in FEATURES.values()
        if feature.enabled and HOOK_NAME in feature.needs_hooks and feature.name not in served
    ]
