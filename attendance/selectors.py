"""Reads of the day itself: the call-out plan, attendance lists and summaries.

`callout_plan` reads everything in a constant number of queries, whatever the number of
schedules in the range or of colleagues, then ranks replacements in memory with the
scheduler's candidates selector (`rank_candidates`, the same rules engine).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from attendance.models import AttendanceRecord, AttendanceStatus, CallOutReason
from employees.models import Employee, JobTitle, RotationKind
from employees.selectors import rotations_between
from events.models import EventCondition
from events.types import EventType
from scheduler.models import Schedule
from scheduler.rules import Booking, Snapshot
from scheduler.selectors import Candidate, rank_candidates, week_of
from scheduler.snapshot import load_snapshot

# A call-out page lists at most this many schedules (an open-ended termination).
MAX_CALLOUT_ROWS = 200


@dataclass
class PlanRow:
    """One live schedule of the person out, and who could take it."""

    schedule: Schedule
    started: bool
    candidates: list[Candidate] = field(default_factory=list)
    pick: Employee | None = None
    supervisor: Schedule | None = None  # a Core row: its Supervisor check-in, if live
    supervisor_is_row: bool = False  # … held by the person out too: re-picked in its row

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.ok]

    @property
    def blocked(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.ok]

    @property
    def pick_candidate(self) -> Candidate | None:
        if self.pick is None:
            return None
        return next((c for c in self.candidates if c.employee.pk == self.pick.pk), None)


@dataclass
class RotationProposal:
    """The person out is on a rotation that day: a one-day exception to put in place."""

    day: dt.date
    kind: str
    label: str
    replacement: Employee | None
    choices: list[Employee]


@dataclass
class CallOutPlan:
    employee: Employee
    reason: str
    first_day: dt.date
    last_day: dt.date | None
    rows: list[PlanRow]
    rotations: list[RotationProposal]
    truncated: bool = False

    @property
    def open_rows(self) -> list[PlanRow]:
        return [r for r in self.rows if not r.started]

    @property
    def reason_label(self) -> str:
        return CallOutReason(self.reason).label


def _affected(employee: Employee, first: dt.date, last: dt.date | None) -> QuerySet[Schedule]:
    found = (
        Schedule.objects.live()
        .filter(employee=employee, work_date__gte=first)
        .select_related("event", "employee", "event__core_event")
        .order_by("start", "pk")
    )
    return found if last is None else found.filter(work_date__lte=last)


def _weekly_hours(first: dt.date, last: dt.date) -> dict[dt.date, dict[int, float]]:
    """Scheduled hours per Monday and employee over the weeks of first..last (one query)."""
    monday, _ = week_of(first)
    _, sunday = week_of(last)
    hours: dict[dt.date, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for employee_id, work_date, start, end in (
        Schedule.objects.live()
        .filter(work_date__gte=monday, work_date__lte=sunday)
        .values_list("employee_id", "work_date", "start", "end")
    ):
        hours[week_of(work_date)[0]][employee_id] += (end - start).total_seconds() / 3600
    return hours


def _free_on(employee: Employee, day: dt.date, snapshot: Snapshot) -> bool:
    """Employed, expected to work that weekday, no time off or unavailability."""
    if not employee.is_employed_on(day) or day.weekday() not in employee.available_weekdays:
        return False
    if day in snapshot.unavailable.get(employee.pk, {}):
        return False
    return not any(a <= day <= b for a, b, _ in snapshot.time_off.get(employee.pk, ()))


def _supervisor_rank(candidates: list[Candidate], primary_lead: int | None) -> list[Candidate]:
    """A Supervisor check-in: the Club Supervisors first, then the day's Primary Lead."""

    def rank(c: Candidate) -> tuple[bool, int, float, str]:
        title = c.employee.job_title
        order = (
            0 if title == JobTitle.CLUB_SUPERVISOR else 1 if c.employee.pk == primary_lead else 2
        )
        return (not c.ok, order, c.hours_this_week, c.employee.name)

    return sorted(candidates, key=rank)


def _preselect(candidates: list[Candidate]) -> Employee | None:
    """The first eligible candidate without warnings, else the first eligible one."""
    eligible = [c for c in candidates if c.ok]
    quiet = [c for c in eligible if not c.violations]
    chosen = quiet or eligible
    return chosen[0].employee if chosen else None


def callout_plan(
    *,
    employee: Employee,
    reason: str,
    first_day: dt.date,
    last_day: dt.date | None,
    now: dt.datetime | None = None,
) -> CallOutPlan:
    """Every live schedule of `employee` on first_day..last_day (open-ended: None), the
    ranked replacements for each, and a preselected plan in which no two replacements
    clash: each pick is booked in memory before the next schedule is ranked.

    Eleven queries, whatever the number of schedules or employees.
    """
    now = now or timezone.now()
    schedules = list(_affected(employee, first_day, last_day)[: MAX_CALLOUT_ROWS + 1])
    truncated = len(schedules) > MAX_CALLOUT_ROWS
    schedules = schedules[:MAX_CALLOUT_ROWS]
    last = last_day or max((s.work_date for s in schedules), default=first_day)
    core_ids = [s.event_id for s in schedules if s.event.event_type == EventType.CORE]
    supervisors = {
        s.event.core_event_id: s
        for s in Schedule.objects.live()
        .filter(event__core_event_id__in=core_ids)
        .select_related("event", "employee")
    }
    colleagues = [
        e for e in Employee.objects.active().order_by("name", "pk") if e.pk != employee.pk
    ]
    snapshot = load_snapshot(
        employee_ids=[e.pk for e in colleagues],
        first=first_day - dt.timedelta(days=1),
        last=last + dt.timedelta(days=1),
    )
    hours = _weekly_hours(first_day, last)
    rotations = rotations_between(first_day, last)

    # The person out on a rotation: propose a one-day exception (decided before ranking,
    # so the Supervisor check-ins rank the proposed Primary Lead).
    proposals: dict[tuple[dt.date, str], RotationProposal] = {}
    for day, on_duty in rotations.items():
        for kind in RotationKind:
            if on_duty.get(kind.value) != employee.pk:
                continue
            title = (
                JobTitle.JUICER_BARISTA
                if kind == RotationKind.JUICER
                else JobTitle.LEAD_EVENT_SPECIALIST
            )
            busy = hours.get(week_of(day)[0], {})
            choices = sorted(
                (e for e in colleagues if e.job_title == title and _free_on(e, day, snapshot)),
                key=lambda e: (busy.get(e.pk, 0.0), e.name, e.pk),
            )
            proposals[(day, kind.value)] = RotationProposal(
                day=day,
                kind=kind.value,
                label=kind.label,
                replacement=choices[0] if choices else None,
                choices=choices,
            )
            replacement = proposals[(day, kind.value)].replacement
            if kind == RotationKind.PRIMARY_LEAD and replacement is not None:
                # The rules let only the day's Primary Lead (besides Club Supervisors)
                # take a Supervisor check-in: rank as if the exception were in place.
                snapshot.primary_leads[day] = replacement.pk

    rows: list[PlanRow] = []
    out_ids = {s.pk for s in schedules}
    for schedule in schedules:
        row = PlanRow(schedule=schedule, started=schedule.start <= now)
        if schedule.event.event_type == EventType.CORE:
            row.supervisor = supervisors.get(schedule.event_id)
            row.supervisor_is_row = row.supervisor is not None and row.supervisor.pk in out_ids
        rows.append(row)
        if row.started:
            continue
        day = schedule.work_date
        week = week_of(day)[0]
        ranked = rank_candidates(
            event=schedule.event,
            start=schedule.start,
            employees=colleagues,
            snapshot=snapshot,
            hours=hours[week],
        )
        if schedule.event.event_type == EventType.SUPERVISOR:
            lead = proposals.get((day, RotationKind.PRIMARY_LEAD.value))
            primary = (
                lead.replacement.pk
                if lead is not None and lead.replacement is not None
                else rotations.get(day, {}).get(RotationKind.PRIMARY_LEAD.value)
            )
            ranked = _supervisor_rank(ranked, primary)
        row.candidates = ranked
        row.pick = _preselect(ranked)
        if row.pick is not None:
            event = schedule.event
            snapshot.add_booking(
                row.pick.pk,
                Booking(
                    -event.pk,
                    event.pk,
                    event.project_name,
                    event.event_type,
                    schedule.start,
                    schedule.end,
                ),
            )
            hours.setdefault(week, defaultdict(float))[row.pick.pk] = (
                hours.get(week, {}).get(row.pick.pk, 0.0)
                + (schedule.end - schedule.start).total_seconds() / 3600
            )
            juicer = proposals.get((day, RotationKind.JUICER.value))
            if (
                juicer is not None
                and event.event_type == EventType.JUICER_PRODUCTION
                and row.pick in juicer.choices
            ):
                juicer.replacement = row.pick  # the day's Juicer is who juices
    return CallOutPlan(
        employee=employee,
        reason=reason,
        first_day=first_day,
        last_day=last_day,
        rows=rows,
        rotations=sorted(proposals.values(), key=lambda p: (p.day, p.kind)),
        truncated=truncated,
    )


# --- attendance ------------------------------------------------------------------------


def attendance_list(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    employee_id: int | None = None,
) -> QuerySet[AttendanceRecord]:
    found = AttendanceRecord.objects.select_related(
        "employee", "schedule__event", "recorded_by"
    ).order_by("work_date", "schedule__start", "pk")
    if date_from is not None:
        found = found.filter(work_date__gte=date_from)
    if date_to is not None:
        found = found.filter(work_date__lte=date_to)
    if employee_id is not None:
        found = found.filter(employee_id=employee_id)
    return found


@dataclass(frozen=True)
class MonthDay:
    day: dt.date
    counts: dict[str, int]
    scheduled: int

    @property
    def recorded(self) -> int:
        return sum(self.counts.values())

    @property
    def values(self) -> list[int]:
        """The counts in the order of AttendanceStatus."""
        return [self.counts[s] for s in AttendanceStatus.values]


def attendance_month(first: dt.date) -> list[MonthDay]:
    """Each day of the month of `first`: records per status, and live schedules (two
    queries)."""
    start = first.replace(day=1)
    after = (start + dt.timedelta(days=32)).replace(day=1)
    counts: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for day, status in AttendanceRecord.objects.filter(
        work_date__gte=start, work_date__lt=after
    ).values_list("work_date", "status"):
        counts[day][status] += 1
    scheduled: Counter[dt.date] = Counter(
        Schedule.objects.live()
        .filter(work_date__gte=start, work_date__lt=after)
        .values_list("work_date", flat=True)
    )
    days = []
    day = start
    while day < after:
        days.append(
            MonthDay(
                day=day,
                counts={s: counts[day][s] for s in AttendanceStatus.values},
                scheduled=scheduled[day],
            )
        )
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class AttendanceSummary:
    first: dt.date
    last: dt.date
    total: int
    on_time: int
    late: int
    no_show: int
    records: list[AttendanceRecord]

    def share(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def on_time_share(self) -> int:
        return self.share(self.on_time)

    @property
    def late_share(self) -> int:
        return self.share(self.late)

    @property
    def no_show_share(self) -> int:
        return self.share(self.no_show)


def attendance_summary(*, employee_id: int, today: dt.date, days: int = 90) -> AttendanceSummary:
    """The employee's last `days` days of attendance (one query)."""
    first = today - dt.timedelta(days=days - 1)
    records = list(attendance_list(date_from=first, date_to=today, employee_id=employee_id))
    by_status = Counter(r.status for r in records)
    return AttendanceSummary(
        first=first,
        last=today,
        total=len(records),
        on_time=by_status[AttendanceStatus.ON_TIME],
        late=by_status[AttendanceStatus.LATE],
        no_show=by_status[AttendanceStatus.NO_CALL_NO_SHOW],
        records=records[-20:][::-1],
    )


def day_attendance(day: dt.date) -> dict[int, AttendanceRecord]:
    """The day's records by schedule id (one query)."""
    return {
        r.schedule_id: r
        for r in AttendanceRecord.objects.filter(work_date=day).select_related("recorded_by")
    }


# --- unreported events -----------------------------------------------------------------

# A worked event is paid once it is reported (Submitted); a Canceled one never will be.
DONE_CONDITIONS = (EventCondition.SUBMITTED, EventCondition.CANCELED)
# A day's grace: an event worked on day D is "unreported" from D + 2 on.
GRACE_DAYS = 1


@dataclass(frozen=True)
class UnreportedRow:
    schedule: Schedule
    days_overdue: int


def unreported_schedules(
    *,
    today: dt.date,
    store: str = "",
    employee_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Schedule]:
    """Live schedules worked more than a day ago whose event is still not Submitted (or
    Canceled) as of the last sync, most overdue first (one query)."""
    found = (
        Schedule.objects.live()
        .filter(work_date__lt=today - dt.timedelta(days=GRACE_DAYS))
        .exclude(event__condition__in=DONE_CONDITIONS)
        .select_related("event", "employee")
        .order_by("work_date", "event__store_number", "start", "pk")
    )
    if store:
        found = found.filter(event__store_number=store)
    if employee_id is not None:
        found = found.filter(employee_id=employee_id)
    if date_from is not None:
        found = found.filter(work_date__gte=date_from)
    if date_to is not None:
        found = found.filter(work_date__lte=date_to)
    return found


def unreported_rows(schedules: Iterable[Schedule], *, today: dt.date) -> list[UnreportedRow]:
    return [
        UnreportedRow(schedule=s, days_overdue=(today - s.work_date).days - GRACE_DAYS)
        for s in schedules
    ]


def unreported_count(*, today: dt.date) -> int:
    return unreported_schedules(today=today).count()
