"""What this app registers with the lower apps at start-up (they never import it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from attendance.models import CallOutReason
from employees.hooks import (
    CoverLink,
    DeactivationNote,
    register_deactivation_notes,
    register_time_off_cover,
)
from employees.models import Employee
from scheduler.models import Schedule


def future_schedules_notes(employee_ids: Sequence[int], today: dt.date) -> list[DeactivationNote]:
    """Deactivated employees who still have live schedules from today on: a link to the
    call-out page (reason: terminated, open-ended from today) to cover them. Two
    queries."""
    counts = dict(
        Schedule.objects.live()
        .filter(employee_id__in=list(employee_ids), work_date__gte=today)
        .values_list("employee_id")
        .annotate(n=Count("pk"))
        .values_list("employee_id", "n")
    )
    names = dict(Employee.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    return [
        DeactivationNote(
            employee_id=pk,
            message=f"{names[pk]} still has {n} schedule{'s' if n != 1 else ''} from today on.",
            link_text="Cover them (call-out)",
            url=reverse("callout", args=[pk])
            + "?"
            + urlencode({"reason": "terminated", "first_day": today.isoformat()}),
        )
        for pk, n in sorted(counts.items(), key=lambda item: names.get(item[0], ""))
    ]


def time_off_cover(employee_id: int, first_day: dt.date, last_day: dt.date) -> CoverLink:
    """Approved time off over live schedules: the call-out page for those days, reason
    "Time off" (the time off is already recorded; the call-out replaces or unschedules
    each schedule). No query."""
    query = {
        "reason": CallOutReason.TIME_OFF,
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
    }
    return CoverLink(
        text="Cover them (call-out)",
        url=reverse("callout", args=[employee_id]) + "?" + urlencode(query),
    )


def register() -> None:
    register_deactivation_notes("attendance.future_schedules", future_schedules_notes)
    register_time_off_cover("attendance.callout", time_off_cover)
