from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from core.dates import days_range, format_day, iso_local, local_date, window_last_day
from employees.models import CompanyHoliday, Employee, RotationKind
from events.models import Event
from events.types import EventType, default_start_time
from scheduler.models import Schedule, ScheduleChange
from scheduler.querysets import ScheduleQuerySet
from scheduler.rules import Context, Snapshot, Violation, check, has_hard
from scheduler.snapshot import employee_facts, event_facts, load_snapshot, rotation_on


def schedule_list() -> ScheduleQuerySet:
    """Live schedules with employee, event and paired event in the same query."""
    return Schedule.objects.live().with_related().order_by("start", "id")


# What a list row shows, read as plain values: the list builds no model instances.
SCHEDULE_ROW_FIELDS = (
    "id",
    "event_id",
    "event__project_ref_num",
    "event__project_name",
    "event__event_type",
    "event__store_number",
    "event__store_name",
    "employee_id",
    "employee__external_id",
    "employee__name",
    "start",
    "end",
    "event__core_event_id",
    "event__supervisor_event__id",
    "external_schedule_id",
    "created_at",
)


def schedule_rows() -> ScheduleQuerySet:
    """Live schedules for lists, in `schedule_list()`'s order, narrowed to the shown
    columns (one query with three joins; see `schedule_row_dicts`)."""
    return Schedule.objects.live().order_by("start", "id")


def schedule_row_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """`ScheduleSerializer`'s output for rows of SCHEDULE_ROW_FIELDS, built directly.

    Byte-for-byte what the serializer gives (the tests compare both); about five
    times cheaper, because no model instance or serializer field is involved.
    """
    tz = timezone.get_current_timezone()
    written: dict[dt.datetime, str] = {}  # a day's rows share a few start and end times

    def local(moment: dt.datetime) -> str:
        text = written.get(moment)
        if text is None:
            text = written[moment] = iso_local(moment, tz)
        return text

    return [
        {
            "id": pk,
            "event": event_id,
            "event_ref_num": ref_num,
            "event_name": name,
            "event_type": event_type,
            "store_number": store_number,
            "store_name": store_name,
            "employee": employee_id,
            "employee_external_id": external_id,
            "employee_name": employee_name,
            "start": local(start),
            "end": local(end),
            "paired_event": core_event_id if core_event_id is not None else supervisor_id,
            "external_schedule_id": external_schedule_id,
            "created_at": iso_local(created_at, tz),
        }
        for (
            pk,
            event_id,
            ref_num,
            name,
            event_type,
            store_number,
            store_name,
            employee_id,
            external_id,
            employee_name,
            start,
            end,
            core_event_id,
            supervisor_id,
            external_schedule_id,
            created_at,
        ) in rows
    ]


def schedules_in_days(first: dt.date, last: dt.date) -> ScheduleQuerySet:
    """Live schedules starting on the store-local days first..last."""
    return schedule_list().starting_between(*days_range(first, last))


@dataclass(frozen=True)
class Candidate:
    employee: Employee
    violations: list[Violation]
    hours_this_week: float

    @property
    def ok(self) -> bool:
        return not has_hard(self.violations)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday..Sunday of the week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def hours_by_employee(first: dt.date, last: dt.date) -> dict[int, float]:
    """Scheduled hours per employee on the store-local days first..last (one query)."""
    hours: dict[int, float] = defaultdict(float)
    for employee_id, start, end in (
        Schedule.objects.live()
        .filter(work_date__gte=first, work_date__lte=last)
        .values_list("employee_id", "start", "end")
    ):
        hours[employee_id] += (end - start).total_seconds() / 3600
    return hours


def candidates_for(
    *, event: Event, start: dt.datetime, moving: Schedule | None = None
) -> list[Candidate]:
    """Every active employee for `event` at `start`: eligible first, then the least
    busy that week. Seven queries, whatever the number of employees.

    `moving`: the event's live schedule when it is being moved; it is left out of every
    check, so its employee is not in their own way.
    """
    day = local_date(start)
    employees = list(Employee.objects.active().order_by("name", "pk"))
    snapshot = load_snapshot(
        employee_ids=[e.pk for e in employees],
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    return rank_candidates(
        event=event,
        start=start,
        employees=employees,
        snapshot=snapshot,
        hours=hours_by_employee(*week_of(day)),
        ignore_schedules=[moving.pk] if moving else [],
    )


def rank_candidates(
    *,
    event: Event,
    start: dt.datetime,
    employees: list[Employee],
    snapshot: Snapshot,
    hours: dict[int, float],
    ignore_schedules: Collection[int] = (),
) -> list[Candidate]:
    """`candidates_for` over facts already loaded (no queries): callers that rank many
    events at once (a call-out) load the employees, snapshot and hours once."""
    facts = event_facts(event)
    candidates = [
        Candidate(
            employee=employee,
            violations=check(
                event=facts,
                employee=employee_facts(employee),
                start=start,
                context=Context.MANUAL,
                snapshot=snapshot,
                ignore_schedules=ignore_schedules,
            ),
            hours_this_week=round(hours.get(employee.pk, 0.0), 2),
        )
        for employee in employees
    ]
    return sorted(candidates, key=lambda c: (not c.ok, c.hours_this_week, c.employee.name))


# --- reads of the manager pages (scheduler.views) -------------------------------------


def type_order(event_type: str) -> tuple[dt.time, int]:
    """Event types in the order a day unfolds: by default start, then as declared."""
    return default_start_time(event_type), EventType.values.index(event_type)


@dataclass(frozen=True)
class OnDuty:
    kind: str
    label: str
    employee: Employee | None


def on_duty(day: dt.date) -> list[OnDuty]:
    """Who is the Juicer and the Primary Lead on `day` (three queries at most)."""
    ids = rotation_on(day)
    people = Employee.objects.in_bulk(list(ids.values()))
    return [
        OnDuty(kind=kind.value, label=kind.label, employee=people.get(ids.get(kind.value, 0)))
        for kind in RotationKind
    ]


def holidays_between(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Company holidays on the days first..last, fixed or recurring (one query)."""
    fixed: dict[dt.date, str] = {}
    recurring: dict[tuple[int, int], str] = {}
    for holiday in CompanyHoliday.objects.all():
        if holiday.date is not None:
            fixed[holiday.date] = holiday.name
        elif holiday.month and holiday.day:
            recurring[(holiday.month, holiday.day)] = holiday.name
    found: dict[dt.date, str] = {}
    day = first
    while day <= last:
        name = fixed.get(day) or recurring.get((day.month, day.day))
        if name:
            found[day] = name
        day += dt.timedelta(days=1)
    return found


@dataclass(frozen=True)
class DayRow:
    """One schedule of the day and the rules it breaks now.

    Its actions' choices (employees, schedules to trade with) are not here: the page
    loads them per row when opened (`row_actions`), so the day stays linear in rows.
    """

    schedule: Schedule
    violations: list[Violation]

    @property
    def has_hard(self) -> bool:
        return has_hard(self.violations)


@dataclass(frozen=True)
class SlotGroup:
    start: dt.datetime
    rows: list[DayRow]


@dataclass(frozen=True)
class TypeGroup:
    event_type: str
    label: str
    slots: list[SlotGroup]

    @property
    def count(self) -> int:
        return sum(len(slot.rows) for slot in self.slots)


@dataclass(frozen=True)
class Worker:
    employee: Employee
    schedules: list[Schedule]

    @property
    def hours(self) -> float:
        seconds = sum((s.end - s.start).total_seconds() for s in self.schedules)
        return round(seconds / 3600, 2)

    @property
    def first_start(self) -> dt.datetime:
        return min(s.start for s in self.schedules)

    @property
    def last_end(self) -> dt.datetime:
        return max(s.end for s in self.schedules)


@dataclass(frozen=True)
class Absence:
    employee: Employee
    reasons: list[tuple[str, str]]  # (what, detail)


@dataclass(frozen=True)
class DayOverview:
    day: dt.date
    holiday: str | None
    rows: list[DayRow]
    groups: list[TypeGroup]
    on_duty: list[OnDuty]
    working: list[Worker]
    off: list[Absence]

    @property
    def warnings(self) -> list[DayRow]:
        return [row for row in self.rows if row.violations]

    @property
    def hard_count(self) -> int:
        return sum(1 for row in self.rows for v in row.violations if v.is_hard)

    @property
    def soft_count(self) -> int:
        return sum(1 for row in self.rows for v in row.violations if not v.is_hard)


def _absences(employees: list[Employee], day: dt.date, snapshot: Snapshot) -> list[Absence]:
    off = []
    for employee in employees:
        if not employee.is_employed_on(day):
            continue
        reasons: list[tuple[str, str]] = []
        for first, last, reason in snapshot.time_off.get(employee.pk, ()):
            if first <= day <= last:
                span = (
                    format_day(first)
                    if first == last
                    else f"{format_day(first)} \N{EN DASH} {format_day(last)}"
                )
                reasons.append(("Time off", f"{reason} ({span})" if reason else span))
                break
        unavailable = snapshot.unavailable.get(employee.pk, {}).get(day)
        if unavailable is not None:
            reasons.append(("Unavailable", unavailable))
        if day.weekday() not in employee.available_weekdays:
            reasons.append(("Not a working day", f"does not work {day:%A}s"))
        if reasons:
            off.append(Absence(employee=employee, reasons=reasons))
    return off


# Timestamps the day page never reads: not parsed for every row (a fifth of its ORM time).
DAY_UNUSED = (
    "created_at",
    "updated_at",
    "event__created_at",
    "event__updated_at",
    "event__last_synced_at",
    "event__upstream_missing_since",
    "event__sales_tool_url",
)


def day_overview(day: dt.date) -> DayOverview:
    """Everything the day page shows: nine queries, whatever the size of the day.

    The rules engine runs over every schedule of the day with one snapshot, each
    schedule checked as if it were being made now (ignoring itself).
    """
    # Only what the page shows: no join to the events' paired events.
    schedules = list(
        Schedule.objects.live()
        .select_related("employee", "event")
        .defer(*DAY_UNUSED)
        .starting_between(*days_range(day, day))
        .order_by("start", "id")
    )
    duty = on_duty(day)
    employees = list(Employee.objects.active().order_by("name", "pk"))
    people = {e.pk for e in employees} | {s.employee_id for s in schedules}
    snapshot = load_snapshot(
        employee_ids=sorted(people),
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
    )
    snapshot.now = None  # these starts are made: one already past is no warning
    rows = [
        DayRow(
            schedule=s,
            violations=check(
                event=event_facts(s.event),
                employee=employee_facts(s.employee),
                start=s.start,
                context=Context.MANUAL,
                snapshot=snapshot,
                ignore_schedules=[s.pk],
            ),
        )
        for s in schedules
    ]
    by_type: dict[str, dict[dt.datetime, list[DayRow]]] = defaultdict(dict)
    for row in rows:  # in start order
        by_type[row.schedule.event.event_type].setdefault(row.schedule.start, []).append(row)
    groups = [
        TypeGroup(
            event_type=event_type,
            label=EventType(event_type).label,
            slots=[
                SlotGroup(start=start, rows=rows) for start, rows in by_type[event_type].items()
            ],
        )
        for event_type in sorted(by_type, key=type_order)
    ]
    worked: dict[int, list[Schedule]] = defaultdict(list)
    for s in schedules:
        worked[s.employee_id].append(s)
    working = sorted(
        (Worker(employee=ss[0].employee, schedules=ss) for ss in worked.values()),
        key=lambda w: (w.employee.name, w.employee.pk),
    )
    return DayOverview(
        day=day,
        holiday=snapshot.holiday(day),
        rows=rows,
        groups=groups,
        on_duty=duty,
        working=working,
        off=_absences(employees, day, snapshot),
    )


@dataclass(frozen=True)
class RowActions:
    """The choices of one day-page row's actions, loaded when the row is opened: who
    may take it over (the event page's candidates, with the same reasons) and the
    other schedules of its day to trade with."""

    schedule: Schedule
    candidates: list[Candidate]
    trade_with: list[Schedule]

    @property
    def eligible_count(self) -> int:
        return sum(1 for c in self.candidates if c.ok)


def row_actions(schedule_id: int) -> RowActions | None:
    """One live schedule's action choices: nine queries, whatever the size of its day.

    None when there is no such live schedule.
    """
    schedule = schedule_list().filter(pk=schedule_id).first()
    if schedule is None:
        return None
    day = local_date(schedule.start)
    return RowActions(
        schedule=schedule,
        candidates=candidates_for(event=schedule.event, start=schedule.start, moving=schedule),
        trade_with=[
            o for o in schedules_in_days(day, day) if o.employee_id != schedule.employee_id
        ],
    )


@dataclass(frozen=True)
class WeekDay:
    day: dt.date
    schedules: list[Schedule]
    unscheduled_due: int
    holiday: str | None

    @property
    def count(self) -> int:
        return len(self.schedules)


def week_overview(day: dt.date) -> list[WeekDay]:
    """Monday..Sunday of the week of `day`: each day's schedules, the unscheduled events
    due that day (their last possible day) and holidays. Three queries."""
    monday, sunday = week_of(day)
    by_day: dict[dt.date, list[Schedule]] = defaultdict(list)
    for s in schedules_in_days(monday, sunday):
        by_day[local_date(s.start)].append(s)
    due: dict[dt.date, int] = defaultdict(int)
    first, after = days_range(monday, sunday)
    for due_at in (
        Event.objects.unscheduled()
        .filter(due_datetime__gt=first, due_datetime__lte=after)
        .values_list("due_datetime", flat=True)
    ):
        due[last_day(due_at)] += 1
    holidays = holidays_between(monday, sunday)
    return [
        WeekDay(day=d, schedules=by_day[d], unscheduled_due=due[d], holiday=holidays.get(d))
        for d in (monday + dt.timedelta(days=i) for i in range(7))
    ]


def last_day(due: dt.datetime) -> dt.date:
    """The last store-local day an event due at `due` (exclusive) can start on."""
    return window_last_day(due)


def window_days(event: Event) -> tuple[dt.date, dt.date]:
    """The first and last store-local days the event may start on."""
    return local_date(event.start_datetime), last_day(event.due_datetime)


def first_open_day(event: Event, today: dt.date) -> dt.date:
    """The first day of the window, today or later, that is not a company holiday (one
    query); the first day of the window when none is left."""
    first, last = window_days(event)
    start = max(first, today)
    if start > last:
        return first
    holidays = holidays_between(start, last)
    day = start
    while day <= last:
        if day not in holidays:
            return day
        day += dt.timedelta(days=1)
    return start


def live_schedule_of(event_id: int | None) -> Schedule | None:
    """The live schedule of an event, with its employee (one query; none without an id)."""
    if event_id is None:
        return None
    return Schedule.objects.live().select_related("employee").filter(event_id=event_id).first()


def schedule_history(event: Event, *, limit: int = 50) -> list[ScheduleChange]:
    """The latest changes of the event's schedules, newest first (one query)."""
    return list(
        ScheduleChange.objects.filter(event=event)
        .select_related("by")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class SheetSlot:
    start: dt.datetime
    schedules: list[Schedule]


@dataclass(frozen=True)
class DaySheet:
    day: dt.date
    on_duty: list[OnDuty]
    slots: list[SheetSlot]

    @property
    def count(self) -> int:
        return sum(len(slot.schedules) for slot in self.slots)


def day_sheet(day: dt.date) -> DaySheet:
    """The printable day: schedules by start time, and the rotation (four queries)."""
    slots: dict[dt.datetime, list[Schedule]] = defaultdict(list)
    for s in schedules_in_days(day, day):
        slots[s.start].append(s)
    return DaySheet(
        day=day,
        on_duty=on_duty(day),
        slots=[SheetSlot(start=start, schedules=rows) for start, rows in slots.items()],
    )
