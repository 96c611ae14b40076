"""The live schedules of events, as the scheduler app provides them.

events/ sits below scheduler/ and never imports it. The few reads here that show or
filter events by whether someone works them (the unscheduled list and the dashboard,
the API's `scheduled` filter and its `schedule` field, the refusal to retype a
scheduled event) need the scheduler's live schedules: the scheduler provides its
selector here at start-up (`SchedulerConfig.ready`), the way any app above hands a
lower one what it needs. Keyed by nothing: there is one scheduler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

LiveSchedules = Callable[[], QuerySet[Any]]

_provider: LiveSchedules | None = None


def provide(selector: LiveSchedules) -> None:
    """Set the selector of live schedules (the scheduler's `ready()`; running twice is
    harmless)."""
    global _provider
    _provider = selector


def live_schedules() -> QuerySet[Any]:
    """A queryset of the live (not unscheduled) schedules, with an `event` relation."""
    if _provider is None:
        raise ImproperlyConfigured(
            "No app provides live schedules to the events app; is 'scheduler' installed?"
        )
    return _provider()
