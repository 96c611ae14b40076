"""Planning-system records → validated, typed values (pure: no ORM).

The same events arrive from the API (`mplans`, see docs/planning-system.md) and from
CSV exports. Both map to `UpstreamEvent`; a record that cannot be stored faithfully is
refused with the reason (`RowError`), never stored with a 0 or a blank in place of a
bad value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import OUT_OF_RANGE_MESSAGE, day_start, validate_day
from events.models import EventCondition
from events.types import default_start_time, detect_event_type, event_number

MAX_REF = 2**63 - 1
US_DATE = "%m/%d/%Y"
US_DATETIME = "%m/%d/%Y %I:%M:%S %p"

_CONDITIONS = {label.lower(): value for value, label in EventCondition.choices}
_CONDITIONS["cancelled"] = EventCondition.CANCELED
_CONDITIONS["inprogress"] = EventCondition.IN_PROGRESS


class RecordError(ValueError):
    """Why one record is refused; the message is shown to the manager."""


@dataclass(frozen=True)
class UpstreamSchedule:
    """Who the planning system has on an event, and when."""

    start: dt.datetime
    rep_id: int | None = None  # API: scheduleRepID
    employee_external_id: str = ""  # CSV: Employee ID (e.g. US101552)
    rep_name: str = ""
    external_id: str = ""  # scheduleEventID


@dataclass(frozen=True)
class UpstreamEvent:
    row: int  # 1-based record number (CSV: the line number in the file)
    ref: int
    project_name: str
    store_number: str
    store_name: str
    location_id: str
    start_datetime: dt.datetime
    due_datetime: dt.datetime
    estimated_minutes: int | None  # None: the source does not say (keep the stored one)
    condition: str | None  # None: the source does not say
    sales_tool_url: str | None  # None: the source does not say
    schedule: UpstreamSchedule | None = None
    schedule_error: str = ""

    # Computed once per record (cached_property writes the instance dict directly,
    # which a frozen dataclass allows); not fields, so not part of equality.
    @functools.cached_property
    def event_type(self) -> str:
        return str(detect_event_type(self.project_name))

    @functools.cached_property
    def event_number(self) -> str:
        return event_number(self.project_name)


@dataclass(frozen=True)
class RowError:
    row: int
    ref: str
    reason: str
    kind: str = "skipped"  # skipped | conflict | schedule

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "ref": self.ref, "kind": self.kind, "reason": self.reason}


# --- field parsers ----------------------------------------------------------------------


def parse_ref(value: Any) -> int:
    """A project reference number: a positive integer (never 0 for "not a number")."""
    if isinstance(value, bool):
        raise RecordError(f"project reference number {value!r} is not a number")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise RecordError("project reference number is missing")
        if not text.isdigit():
            raise RecordError(f"project reference number {text[:40]!r} is not a number")
        number = int(text)
    if not 0 < number <= MAX_REF:
        raise RecordError(f"project reference number {number} is out of range")
    return number


def _text(value: Any, name: str, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise RecordError(f"{name} is missing")
    if len(text) > max_length:
        raise RecordError(f"{name} is longer than {max_length} characters")
    return text


def parse_store_datetime(value: Any, name: str) -> dt.datetime:
    """`MM/DD/YYYY hh:mm:ss AM/PM` (or `MM/DD/YYYY`: midnight) in store time, or ISO 8601
    with an offset."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise RecordError(f"{name} is missing")
    parsed = _parse_moment(text, timezone.get_current_timezone_name())
    if parsed is None:
        raise RecordError(f"{name} {text[:40]!r} is not a date (MM/DD/YYYY)")
    try:
        validate_day(parsed)
    except ValidationError:
        raise RecordError(f"{name} {text[:40]!r}: {OUT_OF_RANGE_MESSAGE}") from None
    return parsed


@functools.lru_cache(maxsize=8192)
def _parse_moment(text: str, zone: str) -> dt.datetime | None:
    """Cached: an export repeats the same few dates thousands of times."""
    for fmt in (US_DATE, US_DATETIME) if len(text) <= 10 else (US_DATETIME,):
        try:
            naive = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 (store-local, made aware)
        except ValueError:
            continue
        return timezone.make_aware(naive)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else timezone.make_aware(parsed)


def parse_store_day(value: Any, name: str) -> dt.datetime:
    """A window bound given as a day (`MM/DD/YYYY`): that day's midnight in store time."""
    moment = parse_store_datetime(value, name)
    return _midnight(moment, timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=8192)
def _midnight(moment: dt.datetime, zone: str) -> dt.datetime:
    local = timezone.localtime(moment)
    return day_start(local.date()) if local.time() == dt.time.min else moment


def parse_minutes(value: Any) -> int | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if not text.isdigit() or int(text) == 0 or int(text) > 24 * 60 * 7:
        raise RecordError(f"estimated time {text[:20]!r} is not a positive number of minutes")
    return int(text)


def parse_condition(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    found = _CONDITIONS.get(text.lower()) or _CONDITIONS.get(text.lower().replace(" ", ""))
    if found is None:
        raise RecordError(f"unknown condition {text[:30]!r}")
    return str(found)


def parse_url(value: Any) -> str:
    """An http(s) URL. A quick check here; the model's URL validator runs on every row
    that is written (Event.full_clean in the sync), not on unchanged ones."""
    text = _text(value, "sales-tool URL", max_length=500)
    if text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            raise RecordError("sales-tool URL is not an http(s) URL")
    return text


def _check_window(start: dt.datetime, due: dt.datetime) -> None:
    if due <= start:
        raise RecordError("the window ends before it starts (due is not after start)")


def _schedule_start(value: Any, project_name: str) -> dt.datetime:
    moment = parse_store_datetime(value, "schedule date")
    local = timezone.localtime(moment)
    text = str(value).strip()
    if len(text) <= 10:  # a day without a time: the type's default start (docs/rules.md)
        start_time = default_start_time(detect_event_type(project_name))
        return timezone.make_aware(dt.datetime.combine(local.date(), start_time))
    return moment


# --- API records -------------------------------------------------------------------------


def map_mplan(raw: Any, row: int) -> UpstreamEvent:
    """One `mplans` entry of getPlanningMplans."""
    if not isinstance(raw, Mapping):
        raise RecordError("record is not an object")
    ref = parse_ref(raw.get("mPlanID"))
    name = _text(raw.get("name"), "name", max_length=255, required=True)
    start = parse_store_day(raw.get("startDate"), "start date")
    due = parse_store_day(raw.get("endDate"), "end date")
    _check_window(start, due)
    tools = raw.get("salesTools") or []
    url = ""
    if isinstance(tools, list):
        for tool in tools:
            if isinstance(tool, Mapping) and tool.get("salesToolURL"):
                url = parse_url(tool.get("salesToolURL"))
                break
    schedule, schedule_error = None, ""
    rep = raw.get("scheduleRepID")
    if rep not in (None, "", 0, "0"):
        try:
            rep_id = parse_ref(rep)
            schedule = UpstreamSchedule(
                start=_schedule_start(raw.get("scheduleDate"), name),
                rep_id=rep_id,
                external_id=_text(raw.get("scheduleEventID"), "schedule id", max_length=64),
            )
        except RecordError as exc:
            schedule_error = (
                f"schedule not imported: {str(exc).replace('project reference number', 'rep id')}"
            )
    return UpstreamEvent(
        row=row,
        ref=ref,
        project_name=name,
        store_number=_text(raw.get("storeID"), "store number", max_length=16, required=True),
        store_name=_text(raw.get("storeName"), "store name", max_length=150),
        location_id=_text(raw.get("locationID", raw.get("LocationID")), "location", max_length=32),
        start_datetime=start,
        due_datetime=due,
        estimated_minutes=parse_minutes(raw.get("estimatedTime")),
        condition=parse_condition(raw.get("condition")),
        sales_tool_url=url,
        schedule=schedule,
        schedule_error=schedule_error,
    )


# --- CSV rows ----------------------------------------------------------------------------

CSV_COLUMNS = (
    "Project Name",
    "Project Reference Number",
    "Location MVID",
    "Store Number",
    "Store Name",
    "Start Date/Time",
    "Due Date/Time",
    "Estimated Time",
    "Rep Name",
    "Employee ID",
    "Schedule Date/Time",
)


def map_csv_row(raw: Mapping[str, Any], row: int) -> UpstreamEvent:
    """One row of the planning system's CSV export (docs/planning-system.md columns)."""
    ref = parse_ref(raw.get("Project Reference Number"))
    name = _text(raw.get("Project Name"), "project name", max_length=255, required=True)
    start = parse_store_datetime(raw.get("Start Date/Time"), "start date/time")
    due = parse_store_datetime(raw.get("Due Date/Time"), "due date/time")
    _check_window(start, due)
    schedule, schedule_error = None, ""
    employee_id = _text(raw.get("Employee ID"), "employee id", max_length=32)
    when = str(raw.get("Schedule Date/Time") or "").strip()
    if employee_id or when:
        try:
            if not employee_id:
                raise RecordError("employee id is missing")
            schedule = UpstreamSchedule(
                start=_schedule_start(when, name),
                employee_external_id=employee_id,
                rep_name=_text(raw.get("Rep Name"), "rep name", max_length=150),
            )
        except RecordError as exc:
            schedule_error = f"schedule not imported: {exc}"
    return UpstreamEvent(
        row=row,
        ref=ref,
        project_name=name,
        store_number=_text(raw.get("Store Number"), "store number", max_length=16, required=True),
        store_name=_text(raw.get("Store Name"), "store name", max_length=150),
        location_id=_text(raw.get("Location MVID"), "location MVID", max_length=32),
        start_datetime=start,
        due_datetime=due,
        estimated_minutes=parse_minutes(raw.get("Estimated Time")),
        condition=None,
        sales_tool_url=None,
        schedule=schedule,
        schedule_error=schedule_error,
    )


def ref_of(raw: Any, key: str) -> str:
    """The record's reference number as given (for error reports), or ''."""
    if isinstance(raw, Mapping):
        value = raw.get(key)
        return "" if value is None else str(value).strip()[:40]
    return ""
