"""Event types, their detection from a project name, and Supervisor/Core pairing keys.

Plain functions over strings: no ORM, table-driven tests in tests/events/test_types.py.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    CORE = "core", "Core"
    SUPERVISOR = "supervisor", "Supervisor"
    JUICER_PRODUCTION = "juicer_production", "Juicer (Production)"
    JUICER_SURVEY = "juicer_survey", "Juicer (Survey)"
    FREEOSK = "freeosk", "Freeosk"
    DIGITAL_SETUP = "digital_setup", "Digital Setup"
    DIGITAL_REFRESH = "digital_refresh", "Digital Refresh"
    DIGITAL_TEARDOWN = "digital_teardown", "Digital Teardown"
    DIGITALS = "digitals", "Digitals"
    OTHER = "other", "Other"


def _has(text: str, *words: str) -> bool:
    return all(re.search(rf"(?<![A-Z0-9]){re.escape(w)}(?![A-Z0-9])", text) for w in words)


def _detect_in(text: str, qualifiers: str) -> EventType | None:
    """The type named by `text`; a Juicer or Digital kind is refined by `qualifiers`."""
    if _has(text, "JUICER"):
        return (
            EventType.JUICER_SURVEY if _has(qualifiers, "SURVEY") else EventType.JUICER_PRODUCTION
        )
    if _has(text, "SUPERVISOR") or _has(text, "V2-SUPER"):
        return EventType.SUPERVISOR
    if _has(text, "FREEOSK"):
        return EventType.FREEOSK
    if _has(text, "DIGITAL") or _has(text, "DIGITALS"):
        for word, kind in (
            ("SETUP", EventType.DIGITAL_SETUP),
            ("REFRESH", EventType.DIGITAL_REFRESH),
            ("TEARDOWN", EventType.DIGITAL_TEARDOWN),
        ):
            if _has(qualifiers, word):
                return kind
        return EventType.DIGITALS
    if _has(text, "CORE"):
        return EventType.CORE
    return None


_NAME_PARTS = re.compile(r"^\s*(\d{6})\s*-\s*([^-]*(?:-SUPER)?)\s*-")


def detect_event_type(project_name: str) -> EventType:
    """Type of an event from its planning-system project name (docs/rules.md).

    Names look like ``606034-CORE-Super Pretzel``: the segment after the event number
    names the type, so it is read first; only when it says nothing is the whole name
    searched. That keeps a product called "Super Pretzel" or "Core Crunch" from
    deciding the type.
    """
    upper = project_name.upper()
    match = _NAME_PARTS.match(upper)
    if match:
        found = _detect_in(match.group(2), upper)
        if found is not None:
            return found
    return _detect_in(upper, upper) or EventType.OTHER


_EVENT_NUMBER = re.compile(r"^\s*(\d{6})(?!\d)")


def event_number(project_name: str) -> str:
    """The 6-digit event number that pairs a Supervisor with its Core event, or ''."""
    match = _EVENT_NUMBER.match(project_name)
    return match.group(1) if match else ""


def default_minutes(event_type: str) -> int:
    minutes: int = settings.SCHEDULING["DEFAULT_MINUTES"][event_type]
    return minutes


def default_start_time(event_type: str) -> dt.time:
    return dt.time.fromisoformat(settings.SCHEDULING["DEFAULT_START"][event_type])


def core_slots() -> list[dt.time]:
    return [dt.time.fromisoformat(s) for s in settings.SCHEDULING["CORE_SLOTS"]]


def supervisor_offset() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SCHEDULING["SUPERVISOR_OFFSET_MINUTES"])
