"""Load what the rules engine reads, in a constant number of queries.

One snapshot serves one employee (validate) or hundreds (candidate lists, the
auto-scheduler): the queries are the same whatever the number of employees or of
their schedules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from core.dates import days_range
from employees.models import (
    CompanyHoliday,
    Employee,
    RotationKind,
    TimeOff,
    UnavailableDate,
)
from employees.selectors import rotations_between, rotations_on
from events.models import Event
from scheduler.models import Schedule
from scheduler.rules import Booking, EmployeeFacts, EventFacts, Snapshot

# Bookings are loaded this far around the days asked for, so that overlap and the
# 2-hour proximity rule see events that start the evening before or run past midnight.
MARGIN = dt.timedelta(days=1)


def event_facts(event: Event) -> EventFacts:
    return EventFacts(
        id=event.pk,
        name=event.project_name,
        event_type=event.event_type,
        window_start=event.start_datetime,
        window_due=event.due_datetime,
        duration=event.duration,
        store_number=event.store_number,
    )


def employee_facts(employee: Employee) -> EmployeeFacts:
    return EmployeeFacts(
        id=employee.pk,
        name=employee.name,
        job_title=employee.job_title,
        is_active=employee.is_active,
        termination_date=employee.termination_date,
        weekdays=employee.available_weekdays,
    )


def load_snapshot(*, employee_ids: Collection[int], first: dt.date, last: dt.date) -> Snapshot:
    """Facts for `employee_ids` on the store-local days first..last: six queries."""
    snapshot = Snapshot(
        tz=ZoneInfo(settings.TIME_ZONE),
        primary_leads=primary_leads_between(first, last),
        now=timezone.now(),
    )
    for holiday in CompanyHoliday.objects.all():
        if holiday.date is not None:
            snapshot.holiday_dates[holiday.date] = holiday.name
        elif holiday.month and holiday.day:
            snapshot.recurring_holidays[(holiday.month, holiday.day)] = holiday.name
    ids = list(employee_ids)
    if not ids:
        return snapshot
    for employee_id, start_date, end_date, reason in TimeOff.objects.filter(
        employee_id__in=ids, start_date__lte=last, end_date__gte=first
    ).values_list("employee_id", "start_date", "end_date", "reason"):
        snapshot.time_off.setdefault(employee_id, []).append((start_date, end_date, reason))
    for employee_id, day, reason in UnavailableDate.objects.filter(
        employee_id__in=ids, date__gte=first, date__lte=last
    ).values_list("employee_id", "date", "reason"):
        snapshot.unavailable.setdefault(employee_id, {})[day] = reason
    range_start, range_end = days_range(first, last)
    for row in (
        Schedule.objects.live()
        .filter(employee_id__in=ids, start__lt=range_end + MARGIN, end__gt=range_start - MARGIN)
        .values_list(
            "pk",
            "employee_id",
            "event_id",
            "event__project_name",
            "event__event_type",
            "start",
            "end",
            "event__store_number",
        )
    ):
        pk, employee_id, event_id, name, event_type, start, end, store = row
        snapshot.add_booking(
            employee_id, Booking(pk, event_id, name, event_type, start, end, store)
        )
    return snapshot


def primary_leads_between(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """The Primary Lead on each day first..last that has one (two queries)."""
    return {
        day: on[RotationKind.PRIMARY_LEAD]
        for day, on in rotations_between(first, last).items()
        if RotationKind.PRIMARY_LEAD in on
    }


def rotation_on(day: dt.date) -> dict[str, int]:
    """Who is on each rotation (`juicer`, `primary_lead`) that day: employee ids.

    A one-day exception replaces the weekday's rotation. Two queries.
    """
    return rotations_on([day])[day]
