"""`{% load dates %}`: one way to write event windows and days on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from core import dates

register = template.Library()


@register.filter
def window(event: Any) -> str:
    """`{{ event|window }}` → `Fri 4 Dec to Mon 7 Dec` (en dash): the days a start is allowed on."""
    return dates.format_window(event.start_datetime, event.due_datetime)


@register.filter
def window_last_day(event: Any) -> dt.date:
    """`{{ event|window_last_day|date:"D j M" }}`: the last day a start is allowed on."""
    return dates.window_last_day(event.due_datetime)


@register.filter
def week_monday(day: dt.date | dt.datetime) -> dt.date:
    """`{{ day|week_monday|date:"D j M" }}`: weeks are named by their Monday everywhere."""
    if isinstance(day, dt.datetime):
        day = dates.local_date(day)
    return day - dt.timedelta(days=day.weekday())
