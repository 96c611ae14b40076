"""Reads of the self-service pages and API: each in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When

from core.dates import days_range, local_date
from core.exceptions import NotFoundError
from core.roles import is_manager
from employees.hooks import CoverLink, time_off_cover_links
from employees.models import Employee, TimeOff
from events.models import Event
from scheduler.models import Schedule
from scheduler.selectors import week_of
from selfservice.feeds import feed_window, token_hash
from selfservice.models import (
    CalendarFeed,
    EmployeePreferences,
    RequestStatus,
    TimeOffRequest,
    WeekPublication,
)
from selfservice.notices import digest_message, feed_line_of, why_not_told
from selfservice.weeks import Changes, Entry, diff, entries_from_json, fingerprint

DAYS_BACK = 7
DAYS_AHEAD = 14


def employee_of_user(user: object) -> Employee:
    """The employee a signed-in user account belongs to; 404 when it belongs to nobody."""
    employee = getattr(user, "employee", None) if getattr(user, "is_authenticated", False) else None
    if employee is None:
        raise NotFoundError("This account does not belong to an employee.")
    return employee


# --- My schedule ---------------------------------------------------------------------


@dataclass
class MySchedule:
    schedule: Schedule
    partner_name: str | None = None
    changed: bool = False

    @property
    def event(self) -> Event:
        return self.schedule.event


@dataclass
class MyDay:
    day: dt.date
    items: list[MySchedule] = field(default_factory=list)


@dataclass
class MyOverview:
    first: dt.date
    last: dt.date
    days: list[MyDay]
    removed: list[Schedule]
    seen_at: dt.datetime | None

    @property
    def count(self) -> int:
        return sum(len(d.items) for d in self.days)

    @property
    def changed_count(self) -> int:
        return sum(1 for d in self.days for i in d.items if i.changed)


def my_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 7 days and the next 14, store-local."""
    return today - dt.timedelta(days=DAYS_BACK), today + dt.timedelta(days=DAYS_AHEAD)


def my_schedules(*, employee_id: int, first: dt.date, last: dt.date) -> list[MySchedule]:
    """The employee's live schedules on the store-local days first..last, each with who
    works its paired Core/Supervisor event (two queries)."""
    start, end = days_range(first, last)
    schedules = list(
        Schedule.objects.live()
        .filter(employee_id=employee_id, start__gte=start, start__lt=end)
        .select_related("event", "event__core_event", "event__supervisor_event")
        .order_by("start", "id")
    )
    paired_ids = [s.event.paired_event_id for s in schedules if s.event.paired_event_id]
    partners: dict[int, str] = {}
    if paired_ids:
        partners = dict(
            Schedule.objects.live()
            .filter(event_id__in=paired_ids)
            .values_list("event_id", "employee__name")
        )
    return [
        MySchedule(
            schedule=s,
            partner_name=partners.get(s.event.paired_event_id or 0),
        )
        for s in schedules
    ]


def my_overview(
    *, employee: Employee, today: dt.date, prefs: EmployeePreferences | None
) -> MyOverview:
    """/me/: the days around today, what changed since the employee last looked
    (`prefs.schedule_seen_at`), and what was taken off their schedule since then (at
    most three queries)."""
    first, last = my_window(today)
    seen_at = prefs.schedule_seen_at if prefs else None
    items = my_schedules(employee_id=employee.pk, first=first, last=last)
    days: dict[dt.date, MyDay] = {}
    for item in items:
        item.changed = seen_at is not None and item.schedule.updated_at > seen_at
        day = local_date(item.schedule.start)
        days.setdefault(day, MyDay(day=day)).items.append(item)
    removed: list[Schedule] = []
    if seen_at is not None:
        start, end = days_range(first, last)
        removed = list(
            Schedule.objects.filter(
                employee_id=employee.pk,
                unscheduled_at__gt=seen_at,
                start__gte=start,
                start__lt=end,
            )
            .select_related("event")
            .order_by("start", "id")
        )
    return MyOverview(
        first=first,
        last=last,
        days=sorted(days.values(), key=lambda d: d.day),
        removed=removed,
        seen_at=seen_at,
    )


def preferences_of(employee_id: int) -> EmployeePreferences | None:
    return EmployeePreferences.objects.filter(employee_id=employee_id).first()


# --- Calendar feeds ------------------------------------------------------------------


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a link token opens, with its employee (one query); None when unknown."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("employee", "user")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _feed_rows(*, feed: CalendarFeed, now: dt.datetime) -> QuerySet[Schedule]:
    start, end = feed_window(now)
    rows = Schedule.objects.live().filter(start__gte=start, start__lt=end)
    if feed.employee_id is not None:
        rows = rows.filter(employee_id=feed.employee_id)
    return rows


def feed_schedules(*, feed: CalendarFeed, now: dt.datetime) -> QuerySet[Schedule]:
    """The live schedules a feed carries (one query, whatever their number)."""
    rows = _feed_rows(feed=feed, now=now)
    if feed.employee_id is not None:
        rows = rows.select_related("event")
    else:
        rows = rows.select_related("event", "employee")
    return rows.order_by("start", "id")


def feed_fingerprint(*, feed: CalendarFeed, now: dt.datetime) -> str:
    """What the feed's document depends on, in one aggregate query: its window's first
    day, how many schedules and which (sum of ids), and the latest change of any of
    them, of their events and of their employees (names in a team feed). Any write
    through the services or the admin moves `updated_at`, so a changed document always
    has a new fingerprint, and an unchanged one is served from the cache."""
    totals = _feed_rows(feed=feed, now=now).aggregate(
        count=Count("id"),
        ids=Sum("id"),
        schedule=Max("updated_at"),
        event=Max("event__updated_at"),
        employee=Max("employee__updated_at"),
    )
    parts = [
        str(feed.pk),
        feed.nonce,
        feed_window(now)[0].isoformat(),
        str(feed.employee.updated_at) if feed.employee is not None else "team",
        *(str(totals[k]) for k in ("count", "ids", "schedule", "event", "employee")),
    ]
    return "|".join(parts)


def feed_of_employee(employee_id: int) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(employee_id=employee_id).first()


def team_feed_of_user(user_id: int) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=user_id).first()


# --- Time-off requests ---------------------------------------------------------------


def requests_of_employee(employee_id: int) -> QuerySet[TimeOffRequest]:
    """One employee's requests: pending first, then the newest (one query)."""
    return (
        TimeOffRequest.objects.filter(employee_id=employee_id)
        .select_related("decided_by")
        .annotate(
            pending_first=Case(
                When(status=RequestStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-start_date", "-id")
    )


def request_list(*, status: str | None = None) -> QuerySet[TimeOffRequest]:
    """Every request with its employee: pending first (soonest first), then decided
    ones, newest decision first (one query)."""
    rows = TimeOffRequest.objects.select_related("employee", "decided_by")
    if status:
        rows = rows.filter(status=status)
    return rows.annotate(
        pending_first=Case(
            When(status=RequestStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("pending_first", "start_date", "-decided_at", "id")


@dataclass
class InboxRow:
    request: TimeOffRequest
    clashes: list[Schedule] = field(default_factory=list)
    others_off: list[str] = field(default_factory=list)


def request_inbox(requests: list[TimeOffRequest]) -> list[InboxRow]:
    """For each pending request: the live schedules it clashes with and who else is off
    (approved time off or pending requests) on those days. Two queries for any number."""
    rows = [InboxRow(request=r) for r in requests]
    pending = [r for r in rows if r.request.is_pending]
    if not pending:
        return rows
    first = min(r.request.start_date for r in pending)
    last = max(r.request.end_date for r in pending)
    start, end = days_range(first, last)
    employee_ids = {r.request.employee_id for r in pending}
    schedules = list(
        Schedule.objects.live()
        .filter(employee_id__in=employee_ids, start__gte=start, start__lt=end)
        .select_related("event")
        .order_by("start", "id")
    )
    time_off = list(
        TimeOff.objects.filter(start_date__lte=last, end_date__gte=first)
        .select_related("employee")
        .order_by("start_date", "id")
    )
    for row in pending:
        req = row.request
        row.clashes = [
            s
            for s in schedules
            if s.employee_id == req.employee_id
            and req.start_date <= local_date(s.start) <= req.end_date
        ]
        names = {
            t.employee.name
            for t in time_off
            if t.employee_id != req.employee_id
            and t.start_date <= req.end_date
            and t.end_date >= req.start_date
        }
        names |= {
            other.request.employee.name
            for other in pending
            if other.request.employee_id != req.employee_id
            and other.request.start_date <= req.end_date
            and other.request.end_date >= req.start_date
        }
        row.others_off = sorted(names)
    return rows


@dataclass
class ApprovalFollowUp:
    """After approving a request: the employee's live schedules on those days, and the
    ways the apps above offer to cover them (the call-out page)."""

    request: TimeOffRequest
    clashes: list[Schedule]
    cover: list[CoverLink]


def approval_follow_up(request_id: int, *, today: dt.date) -> ApprovalFollowUp | None:
    """For an approved request (else None): what still needs covering (two queries)."""
    req = (
        TimeOffRequest.objects.select_related("employee")
        .filter(pk=request_id, status=RequestStatus.APPROVED)
        .first()
    )
    if req is None:
        return None
    start, end = days_range(req.start_date, req.end_date)
    clashes = list(
        Schedule.objects.live()
        .filter(employee_id=req.employee_id, start__gte=start, start__lt=end)
        .select_related("event")
        .order_by("start", "id")
    )
    first = max(req.start_date, today)
    cover = (
        time_off_cover_links(req.employee_id, first, req.end_date)
        if clashes and first <= req.end_date
        else []
    )
    return ApprovalFollowUp(request=req, clashes=clashes, cover=cover)


def overlapping_requests(
    *, employee_id: int, start_date: dt.date, end_date: dt.date
) -> QuerySet[TimeOffRequest]:
    return TimeOffRequest.objects.filter(
        Q(status=RequestStatus.PENDING) | Q(status=RequestStatus.APPROVED),
        employee_id=employee_id,
        start_date__lte=end_date,
        end_date__gte=start_date,
    )


# --- Publishing a week ---------------------------------------------------------------


@dataclass
class PreviewRow:
    """One employee whose week changed since its last publication."""

    employee: Employee
    changes: Changes
    not_told: str = ""  # why no digest goes to them (a label), or ""
    subject: str = ""
    digest: str = ""

    @property
    def told(self) -> bool:
        return not self.not_told


@dataclass
class WeekPreview:
    monday: dt.date
    sunday: dt.date
    last: WeekPublication | None
    entries: list[Entry]
    rows: list[PreviewRow]

    @property
    def changed(self) -> bool:
        return bool(self.rows)

    @property
    def scheduled(self) -> int:
        return len(self.entries)

    @property
    def basis(self) -> str:
        """What the page showed: the live week and the publication it was compared with.
        Publishing from a page whose basis no longer holds is refused."""
        return f"{self.last.pk if self.last else 0}-{fingerprint(self.entries)}"

    @property
    def digests(self) -> int:
        return sum(1 for row in self.rows if row.told)

    def total(self, kind: str) -> int:
        return sum(len(getattr(row.changes, kind)) for row in self.rows)

    @property
    def total_added(self) -> int:
        return self.total("added")

    @property
    def total_moved(self) -> int:
        return self.total("moved")

    @property
    def total_removed(self) -> int:
        return self.total("removed")


def latest_publication(monday: dt.date) -> WeekPublication | None:
    return (
        WeekPublication.objects.filter(week_start=monday)
        .select_related("published_by")
        .order_by("-number")
        .first()
    )


def week_entries(monday: dt.date, *, lock: bool = False) -> list[Entry]:
    """The week's live schedules as entries (one query; `lock`: their rows locked until
    the transaction ends, so none moves while the week is being published)."""
    start, end = days_range(monday, monday + dt.timedelta(days=6))
    rows = Schedule.objects.live().filter(start__gte=start, start__lt=end)
    if lock:
        rows = rows.select_for_update(of=("self",))
    return [Entry.of(s) for s in rows.select_related("event", "employee").order_by("start", "id")]


def week_preview(day: dt.date, *, lock: bool = False) -> WeekPreview:
    """What publishing the week of `day` would tell, per employee: what was added, moved
    and removed since its last publication (everything, the first time), and the digest
    each would get (its calendar link masked). Three queries, whatever the size."""
    monday = week_of(day)[0]
    entries = week_entries(monday, lock=lock)  # first: a publisher waiting here then
    last = latest_publication(monday)  # reads the publication that made it wait
    before = entries_from_json(last.snapshot) if last is not None else []
    changed = {pk: c for pk, c in diff(before, entries).items() if c.changed}
    employees = (
        Employee.objects.filter(pk__in=list(changed))
        .select_related("selfservice_preferences", "calendar_feed")
        .in_bulk()
    )
    rows = []
    for pk, changes in changed.items():
        employee = employees.get(pk)
        if employee is None:
            continue  # deleted since: nobody to tell
        subject, body = digest_message(
            employee,
            changes,
            monday=monday,
            first=last is None,
            feed_line=feed_line_of(feed_of(employee), masked=True),
        )
        rows.append(
            PreviewRow(
                employee=employee,
                changes=changes,
                not_told=why_not_told(employee, opted_out=opted_out(employee)),
                subject=subject,
                digest=body,
            )
        )
    rows.sort(key=lambda r: (r.employee.name, r.employee.pk))
    return WeekPreview(
        monday=monday,
        sunday=monday + dt.timedelta(days=6),
        last=last,
        entries=entries,
        rows=rows,
    )


def feed_of(employee: Employee) -> CalendarFeed | None:
    """Their calendar feed (loaded with them), if they made one."""
    try:
        return employee.calendar_feed
    except ObjectDoesNotExist:
        return None


def opted_out(employee: Employee) -> bool:
    """Whether they switched notices off (their preferences loaded with them)."""
    try:
        return not employee.selfservice_preferences.notices_enabled
    except ObjectDoesNotExist:
        return False


@dataclass
class PublishPanel:
    monday: dt.date
    last: WeekPublication | None


def publish_panel(*, week_start: dt.date, user: object) -> PublishPanel | None:
    """The week view's "Publish week" panel: for managers, with the week's last
    publication (one query); nothing for anyone else."""
    if not is_manager(user):
        return None
    return PublishPanel(monday=week_start, last=latest_publication(week_start))
