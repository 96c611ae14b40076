"""Write the demo club to the database: create what is missing, never change what is there.

Every row has a natural key (employee id, project ref #, weekday or date and kind,
employee and dates …); a second run finds every key and creates nothing. Rows that
exist are left as they are, so a demo edited in the admin survives a re-run, and the
schedules added are planned against what the database really holds; the only updates
are the condition of the events scheduled now, the pairing of new Supervisor events
and the admin's password when `--password` is given.

One transaction; the same reads whatever the size, and one bulk insert per model
(split into batches only where the database limits query parameters).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from core.dates import local_date
from demo.data import DemoData, EventSpec, build_demo_data
from demo.planner import Job, Placement, Snapshot, Staff, plan
from employees.models import (
    WEEKDAY_FIELDS,
    CompanyHoliday,
    Employee,
    Rotation,
    RotationException,
    TimeOff,
    UnavailableDate,
)
from events.models import Event, EventCondition
from events.services import event_pair_supervisors
from events.types import EventType, default_minutes
from scheduler.models import Schedule

ADMIN_USERNAME = "admin"


@dataclass
class Tally:
    created: int = 0
    existing: int = 0


@dataclass
class SeedReport:
    today: dt.date
    seed: int
    tallies: dict[str, Tally] = field(default_factory=dict)
    events_unscheduled: int = 0
    admin_created: bool = False
    password_set: bool = False
    generated_password: str = ""


def seed_demo(
    *,
    seed: int,
    today: dt.date,
    employees: int,
    weeks: int,
    password: str | None = None,
    default_password: str | None = None,
) -> SeedReport:
    """Create the demo club for `today`; `password` (re)sets the admin's password.

    `default_password` is used only when the admin user is new; without either a
    password is generated and returned in the report.
    """
    report = SeedReport(today=today, seed=seed)
    with transaction.atomic():
        admin = _ensure_admin(report, password=password, default_password=default_password)
        data = build_demo_data(seed=seed, today=today, employees=employees, weeks=weeks)
        staff_ids = _create_employees(report, data)
        _create_holidays(report, data)
        _create_absences(report, data, staff_ids, today=today)
        _create_rotations(report, data, staff_ids, today=today)
        _create_events(report, data)
        snapshot, jobs, scheduled = _load_snapshot(data, staff_ids, today=today)
        placements = plan(snapshot=snapshot, jobs=jobs, today=today, seed=seed)
        _create_schedules(report, placements, existing=len(scheduled), created_by=admin)
        report.events_unscheduled = len(data.events) - len(scheduled) - len(placements)
    return report


def _ensure_admin(
    report: SeedReport, *, password: str | None, default_password: str | None
) -> AbstractBaseUser:
    """The staff login `admin`; an existing one keeps its password unless `password` is given."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is None:
        chosen = password or default_password
        if not chosen:
            chosen = report.generated_password = secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(
            username=ADMIN_USERNAME, email="admin@example.com", password=chosen
        )
        report.admin_created = report.password_set = True
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
        report.password_set = True
    created = int(report.admin_created)
    report.tallies["Staff users"] = Tally(created=created, existing=1 - created)
    return user


def _create_employees(report: SeedReport, data: DemoData) -> dict[str, int]:
    """Create the missing employees; return every demo employee's id by employee id."""
    ids = [e.external_id for e in data.employees]
    existing = set(
        Employee.objects.filter(external_id__in=ids).values_list("external_id", flat=True)
    )
    Employee.objects.bulk_create(
        Employee(
            external_id=e.external_id,
            rep_id=e.rep_id,
            name=e.name,
            email=e.email,
            phone=e.phone,
            job_title=e.job_title,
            is_active=e.is_active,
            termination_date=e.termination_date,
            **{f: i in e.weekdays for i, f in enumerate(WEEKDAY_FIELDS)},
        )
        for e in data.employees
        if e.external_id not in existing
    )
    report.tallies["Employees"] = Tally(len(ids) - len(existing), len(existing))
    return dict(Employee.objects.filter(external_id__in=ids).values_list("external_id", "pk"))


def _create_holidays(report: SeedReport, data: DemoData) -> None:
    keys = {(h.date, h.month, h.day) for h in CompanyHoliday.objects.all()}
    missing = [h for h in data.holidays if (h.date, h.month, h.day) not in keys]
    CompanyHoliday.objects.bulk_create(
        CompanyHoliday(name=h.name, date=h.date, month=h.month, day=h.day) for h in missing
    )
    report.tallies["Company holidays"] = Tally(len(missing), len(data.holidays) - len(missing))


def _create_absences(
    report: SeedReport, data: DemoData, staff_ids: dict[str, int], *, today: dt.date
) -> None:
    """Time off and unavailable dates, except on a day the person is already scheduled.

    On a fresh database nothing is dropped; on a re-run for another day this keeps new
    absences from contradicting schedules an earlier run (or a manager) made.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    busy = {
        (employee_id, start.astimezone(tz).date())
        for employee_id, start in Schedule.objects.live()
        .filter(employee_id__in=staff_ids.values(), start__gte=_midnight(today, tz))
        .values_list("employee_id", "start")
    }
    time_off = [
        t for t in data.time_off if not any((staff_ids[t.external_id], d) in busy for d in t.days())
    ]
    have_off = set(
        TimeOff.objects.filter(employee_id__in=staff_ids.values()).values_list(
            "employee_id", "start_date", "end_date"
        )
    )
    new_off = [
        t for t in time_off if (staff_ids[t.external_id], t.start_date, t.end_date) not in have_off
    ]
    TimeOff.objects.bulk_create(
        TimeOff(
            employee_id=staff_ids[t.external_id],
            start_date=t.start_date,
            end_date=t.end_date,
            reason=t.reason,
        )
        for t in new_off
    )
    report.tallies["Time off"] = Tally(len(new_off), len(time_off) - len(new_off))

    unavailable = [u for u in data.unavailable if (staff_ids[u.external_id], u.date) not in busy]
    have_dates = set(
        UnavailableDate.objects.filter(employee_id__in=staff_ids.values()).values_list(
            "employee_id", "date"
        )
    )
    new_dates = [u for u in unavailable if (staff_ids[u.external_id], u.date) not in have_dates]
    UnavailableDate.objects.bulk_create(
        UnavailableDate(employee_id=staff_ids[u.external_id], date=u.date, reason=u.reason)
        for u in new_dates
    )
    report.tallies["Unavailable dates"] = Tally(len(new_dates), len(unavailable) - len(new_dates))


def _create_rotations(
    report: SeedReport, data: DemoData, staff_ids: dict[str, int], *, today: dt.date
) -> None:
    have = set(Rotation.objects.values_list("weekday", "kind"))
    new = [r for r in data.rotations if (r.weekday, r.kind) not in have]
    Rotation.objects.bulk_create(
        Rotation(weekday=r.weekday, kind=r.kind, employee_id=staff_ids[r.external_id]) for r in new
    )
    report.tallies["Rotations"] = Tally(len(new), len(data.rotations) - len(new))

    have_exc = set(RotationException.objects.filter(date__gte=today).values_list("date", "kind"))
    # A later run never changes who was on duty on a day already planned: its Supervisor
    # events went to that day's Primary Lead.
    planned = set(
        Schedule.objects.live()
        .filter(work_date__gte=today)
        .values_list("work_date", flat=True)
        .distinct()
    )
    new_exc = [
        x
        for x in data.rotation_exceptions
        if (x.date, x.kind) not in have_exc and x.date not in planned
    ]
    RotationException.objects.bulk_create(
        RotationException(
            date=x.date, kind=x.kind, employee_id=staff_ids[x.external_id], reason=x.reason
        )
        for x in new_exc
    )
    report.tallies["Rotation exceptions"] = Tally(
        len(new_exc), len(data.rotation_exceptions) - len(new_exc)
    )


def _ref_range(events: list[EventSpec]) -> tuple[int, int]:
    refs = [e.project_ref_num for e in events]
    return (min(refs), max(refs)) if refs else (0, -1)


def _create_events(report: SeedReport, data: DemoData) -> None:
    have = set(
        Event.objects.filter(project_ref_num__range=_ref_range(data.events)).values_list(
            "project_ref_num", flat=True
        )
    )
    new = [e for e in data.events if e.project_ref_num not in have]
    Event.objects.bulk_create(
        Event(
            project_ref_num=e.project_ref_num,
            project_name=e.project_name,
            event_number=e.event_number,
            event_type=e.event_type,
            store_number=e.store.number,
            store_name=e.store.name,
            location_id=e.store.location_id,
            start_datetime=e.start_datetime,
            due_datetime=e.due_datetime,
            estimated_minutes=e.estimated_minutes,
            condition=EventCondition.UNSTAFFED,
            sales_tool_url=e.sales_tool_url,
        )
        for e in new
    )
    event_pair_supervisors(event_numbers={e.event_number for e in new})
    report.tallies["Events"] = Tally(len(new), len(data.events) - len(new))


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def _load_snapshot(
    data: DemoData, staff_ids: dict[str, int], *, today: dt.date
) -> tuple[Snapshot, list[Job], set[int]]:
    """What the rules need, in eight queries: the planner's view of the database.

    Returns the snapshot, the demo events nobody is scheduled on yet, and the ids of
    the demo events that already have a live schedule.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    refs = {e.project_ref_num for e in data.events}
    last_day = max((e.due_datetime.astimezone(tz).date() for e in data.events), default=today)
    ids = list(staff_ids.values())

    staff = [
        Staff(e.pk, e.job_title, e.available_weekdays, e.is_active, e.termination_date)
        for e in Employee.objects.filter(pk__in=ids).order_by("external_id")
    ]
    holidays = list(CompanyHoliday.objects.all())
    absent: set[tuple[int, dt.date]] = set()
    for employee_id, start, end in TimeOff.objects.filter(
        employee_id__in=ids, end_date__gte=today, start_date__lte=last_day
    ).values_list("employee_id", "start_date", "end_date"):
        day = max(start, today)
        while day <= min(end, last_day):
            absent.add((employee_id, day))
            day += dt.timedelta(days=1)
    absent |= set(
        UnavailableDate.objects.filter(
            employee_id__in=ids, date__range=(today, last_day)
        ).values_list("employee_id", "date")
    )
    snapshot = Snapshot(
        tz=tz,
        staff=staff,
        is_holiday=lambda day: any(h.falls_on(day) for h in holidays),
        absent=absent,
        rotation={(r.weekday, r.kind): r.employee_id for r in Rotation.objects.all()},
        rotation_exceptions={
            (x.date, x.kind): x.employee_id
            for x in RotationException.objects.filter(date__range=(today, last_day))
        },
    )

    scheduled: set[int] = set()
    demo_staff = set(ids)
    one_day = dt.timedelta(days=1)
    window = (_midnight(today - one_day, tz), _midnight(last_day + one_day, tz))
    for event_id, ref, employee_id, start, end, event_type, store in (
        Schedule.objects.live()
        .filter(
            Q(employee_id__in=ids, start__range=window)
            | Q(event__project_ref_num__range=_ref_range(data.events))
        )
        .values_list(
            "event_id",
            "event__project_ref_num",
            "employee_id",
            "start",
            "end",
            "event__event_type",
            "event__store_number",
        )
    ):
        if ref in refs:
            scheduled.add(event_id)
        if employee_id in demo_staff:
            snapshot.book(employee_id, start, end, event_type, store)

    rows = [
        e
        for e in Event.objects.filter(project_ref_num__range=_ref_range(data.events))
        if e.project_ref_num in refs
    ]
    supervisors = {
        e.core_event_id: e
        for e in rows
        if e.event_type == EventType.SUPERVISOR and e.core_event_id and e.pk not in scheduled
    }
    paired_cores = {e.core_event_id for e in rows if e.core_event_id}
    jobs = []
    for e in rows:
        if e.pk in scheduled or e.event_type == EventType.SUPERVISOR:
            continue
        supervisor = supervisors.get(e.pk)
        if supervisor is None and e.pk in paired_cores:
            continue  # its Supervisor event is scheduled already: leave the pair alone
        jobs.append(_job(e, _job(supervisor) if supervisor else None))
    return snapshot, jobs, scheduled


def _job(event: Event, supervisor: Job | None = None) -> Job:
    minutes = event.estimated_minutes or default_minutes(event.event_type)
    return Job(
        id=event.pk,
        ref=event.project_ref_num,
        event_type=event.event_type,
        start=event.start_datetime,
        due=event.due_datetime,
        duration=dt.timedelta(minutes=minutes),
        supervisor=supervisor,
        store=event.store_number,
    )


def _create_schedules(
    report: SeedReport, placements: list[Placement], *, existing: int, created_by: AbstractBaseUser
) -> None:
    Schedule.objects.bulk_create(
        Schedule(
            event_id=p.event_id,
            employee_id=p.employee_id,
            start=p.start,
            end=p.end,
            work_date=local_date(p.start),
            is_core=p.is_core,
            created_by_id=created_by.pk,
        )
        for p in placements
    )
    Event.objects.filter(pk__in=[p.event_id for p in placements]).update(
        condition=EventCondition.SCHEDULED
    )
    report.tallies["Schedules"] = Tally(len(placements), existing)
