from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.dates import days_range, iso_local, local_date, window_last_day
from events.live_schedules import live_schedules
from events.models import Event, EventCondition
from events.querysets import EventQuerySet
from events.types import EventType, core_slots, default_minutes


def event_list() -> EventQuerySet:
    """Events with their paired event and live schedule loaded, most urgent first."""
    return Event.objects.with_related().order_by("due_datetime", "id")


def event_rows() -> EventQuerySet:
    """Events for the API list, in `event_list()`'s order, read as EVENT_ROW_FIELDS
    values (see `event_row_dicts`): no joins but the paired Supervisor's id."""
    return Event.objects.order_by("due_datetime", "id")


EVENT_ROW_FIELDS = (
    "id",
    "project_ref_num",
    "project_name",
    "event_number",
    "event_type",
    "store_number",
    "store_name",
    "location_id",
    "start_datetime",
    "due_datetime",
    "estimated_minutes",
    "condition",
    "sales_tool_url",
    "core_event_id",
    "supervisor_event__id",
    "last_synced_at",
)


def event_row_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """`EventSerializer`'s output for rows of EVENT_ROW_FIELDS, built directly, with
    the live schedules of all the rows read in one more query.

    Byte-for-byte what the serializer gives (the tests compare both).
    """

    tz = timezone.get_current_timezone()
    schedules = (
        {
            event_id: {
                "id": pk,
                "employee": employee_id,
                "employee_name": employee_name,
                "start": iso_local(start, tz),
                "end": iso_local(end, tz),
            }
            for event_id, pk, employee_id, employee_name, start, end in live_schedules()
            .filter(event_id__in=[row[0] for row in rows])
            .order_by("start", "id")
            .values_list("event_id", "id", "employee_id", "employee__name", "start", "end")
        }
        if rows
        else {}
    )
    labels = dict(EventType.choices)
    return [
        {
            "id": pk,
            "project_ref_num": ref_num,
            "project_name": name,
            "event_number": number,
            "event_type": event_type,
            "event_type_display": labels[event_type],
            "store_number": store_number,
            "store_name": store_name,
            "location_id": location_id,
            "start_datetime": iso_local(start, tz),
            "due_datetime": iso_local(due, tz),
            "estimated_minutes": estimated,
            "duration_minutes": estimated or default_minutes(event_type),
            "condition": condition,
            "sales_tool_url": sales_tool_url or None,
            "paired_event": core_event_id if core_event_id is not None else supervisor_id,
            "schedule": schedules.get(pk),
            "last_synced_at": None if last_synced is None else iso_local(last_synced, tz),
        }
        for (
            pk,
            ref_num,
            name,
            number,
            event_type,
            store_number,
            store_name,
            location_id,
            start,
            due,
            estimated,
            condition,
            sales_tool_url,
            core_event_id,
            supervisor_id,
            last_synced,
        ) in rows
    ]


def events_in_days(
    first: dt.date,
    last: dt.date,
    *,
    scheduled: bool | None = None,
    event_types: list[str] | None = None,
    store_number: str | None = None,
) -> EventQuerySet:
    """Events whose window meets the store-local days first..last, optionally narrowed."""
    events = event_list().overlapping(*days_range(first, last))
    if scheduled is True:
        events = events.scheduled()
    elif scheduled is False:
        events = events.unscheduled()
    if event_types:
        events = events.of_type(*event_types)
    if store_number:
        events = events.filter(store_number=store_number)
    return events


# --- Manager pages: the unscheduled work queue and the dashboard ----------------------

# Nothing is left to do for these: they are never "to schedule".
CLOSED_CONDITIONS = (EventCondition.CANCELED, EventCondition.EXPIRED, EventCondition.SUBMITTED)
DUE_SOON_DAYS = 3


def unscheduled_open(*, now: dt.datetime) -> EventQuerySet:
    """Events still to schedule: no live schedule, not closed, due after `now`.

    Most urgent (due soonest) first, the paired event joined: one query.
    """
    return (
        Event.objects.unscheduled()
        .exclude(condition__in=CLOSED_CONDITIONS)
        .filter(due_datetime__gt=now)
        .select_related("core_event", "supervisor_event")
        .order_by("due_datetime", "id")
    )


@dataclass(frozen=True)
class UrgentEvent:
    """An event with how soon it is due, counted in store-local calendar days."""

    event: Event
    due_day: dt.date
    due_in_days: int

    @property
    def due_soon(self) -> bool:
        return self.due_in_days <= DUE_SOON_DAYS

    @property
    def due_text(self) -> str:
        """Counted to the last day a start is allowed on (the due time is exclusive)."""
        if self.due_in_days < 0:
            return "Past due"
        if self.due_in_days == 0:
            return "Last day today"
        if self.due_in_days == 1:
            return "Last day tomorrow"
        return f"Last day in {self.due_in_days} days"


def with_urgency(events: Iterable[Event], *, today: dt.date) -> list[UrgentEvent]:
    """Each event with its last day and how many days away that is (no queries)."""
    rows = []
    for event in events:
        due_day = window_last_day(event.due_datetime)
        rows.append(UrgentEvent(event, due_day, (due_day - today).days))
    return rows


@dataclass(frozen=True)
class UnscheduledCounts:
    by_type: list[tuple[str, str, int]]  # (type, label, count), in the type table's order
    by_due_day: list[tuple[dt.date, int]]  # (store-local due day, count), soonest first

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.by_type)


def unscheduled_counts(*, now: dt.datetime) -> UnscheduledCounts:
    """Open unscheduled events counted by type and by store-local due day: two queries."""
    events = unscheduled_open(now=now).order_by()
    per_type = dict(
        events.values("event_type").annotate(n=Count("id")).values_list("event_type", "n")
    )
    by_type = [
        (value, label, per_type[value]) for value, label in EventType.choices if value in per_type
    ]
    by_day = (
        events.annotate(due_day=TruncDate("due_datetime"))  # in the current (store) zone
        .values("due_day")
        .annotate(n=Count("id"))
        .order_by("due_day")
        .values_list("due_day", "n")
    )
    return UnscheduledCounts(by_type=by_type, by_due_day=list(by_day))


@dataclass
class DayFlags:
    """What needs attention on one store-local day."""

    day: dt.date
    holiday: str = ""
    uncovered_slots: list[dt.time] = field(default_factory=list)
    # Scheduled Core events whose paired Supervisor event is not scheduled.
    unpaired_cores: list[Event] = field(default_factory=list)
    # Supervisor events with no Core event (on their schedule's day, else their due day).
    orphan_supervisors: list[Event] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.uncovered_slots or self.unpaired_cores or self.orphan_supervisors)


def day_flags(*, first: dt.date, last: dt.date) -> list[DayFlags]:
    """Days first..last with their uncovered Core slots and Supervisor pairing problems.

    Three queries: holidays, the days' live Core schedules (with whether their paired
    Supervisor event is scheduled), the Supervisor events with no Core event.
    """
    from employees.models import CompanyHoliday

    flags = {
        first + dt.timedelta(days=i): DayFlags(first + dt.timedelta(days=i))
        for i in range((last - first).days + 1)
    }
    for holiday in CompanyHoliday.objects.all():
        for day, flag in flags.items():
            if holiday.falls_on(day):
                flag.holiday = holiday.name

    live = live_schedules()
    cores = (
        live.filter(is_core=True, work_date__gte=first, work_date__lte=last)
        .select_related("event", "event__supervisor_event")
        .annotate(
            supervisor_scheduled=Exists(
                live.filter(event_id=OuterRef("event__supervisor_event__id"))
            )
        )
        .order_by("start", "id")
    )
    covered: dict[dt.date, set[dt.time]] = {day: set() for day in flags}
    for schedule in cores:
        covered[schedule.work_date].add(timezone.localtime(schedule.start).time())
        paired = getattr(schedule.event, "supervisor_event", None)
        if paired is not None and not schedule.supervisor_scheduled:
            flags[schedule.work_date].unpaired_cores.append(schedule.event)
    for day, flag in flags.items():
        if not flag.holiday:
            flag.uncovered_slots = [slot for slot in core_slots() if slot not in covered[day]]

    first_start, after_last = days_range(first, last)
    orphans = (
        Event.objects.filter(event_type=EventType.SUPERVISOR, core_event__isnull=True)
        .exclude(condition__in=CLOSED_CONDITIONS)
        .annotate(live_day=Subquery(live.filter(event=OuterRef("pk")).values("work_date")[:1]))
        .filter(
            Q(live_day__gte=first, live_day__lte=last)
            | Q(
                live_day__isnull=True,
                due_datetime__gte=first_start,
                due_datetime__lt=after_last,
            )
        )
        .order_by("due_datetime", "id")
    )
    for event in orphans:
        day = event.live_day or local_date(event.due_datetime)
        flags[day].orphan_supervisors.append(event)
    return list(flags.values())


# --- the search box in the navigation -------------------------------------------------

SEARCH_LIMIT = 25


def search_events(query: str, *, limit: int = SEARCH_LIMIT) -> list[Event]:
    """Events by reference number (exact), by 6-digit event number, or by name (one
    query); most recently due first."""
    query = query.strip()
    match = Q(project_name__icontains=query)
    if query.isdigit() and len(query) <= 10:
        match |= Q(project_ref_num=int(query)) | Q(event_number=query)
    return list(
        Event.objects.filter(match)
        .select_related("core_event")
        .order_by("-due_datetime", "-pk")[:limit]
    )
