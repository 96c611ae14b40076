"""Pieces of this app shown on lower apps' pages (the day, an employee, the dashboard),
included by template so that those apps never import this one. Each loads its data
once per page, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from attendance.models import AttendanceStatus
from attendance.selectors import attendance_summary, day_attendance, unreported_count

register = template.Library()

QUICK_STATUSES = [
    (AttendanceStatus.ON_TIME.value, AttendanceStatus.ON_TIME.label),
    (AttendanceStatus.CALLED_IN.value, AttendanceStatus.CALLED_IN.label),
    (AttendanceStatus.NO_CALL_NO_SHOW.value, "No show"),
    (AttendanceStatus.EXCUSED.value, AttendanceStatus.EXCUSED.label),
]


@register.inclusion_tag("attendance/_control.html", takes_context=True)
def attendance_control(context: template.Context, schedule: Any, here: str = "") -> dict[str, Any]:
    """One schedule's attendance: what is recorded, and one button per status (from the
    schedule's day on). The day's records load once, on the first row."""
    today = timezone.localdate()
    # Kept on the request: an `{% include %}` starts a fresh render context per row.
    holder = context.get("request") or context.template
    cache: dict[Any, Any] = holder.__dict__.setdefault("_attendance_by_day", {})
    day = schedule.work_date
    if day <= today and day not in cache:
        cache[day] = day_attendance(day)
    return {
        "s": schedule,
        "record": cache.get(day, {}).get(schedule.pk),
        "open": day <= today,
        "statuses": QUICK_STATUSES,
        "here": here,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("attendance/_employee_panel.html", takes_context=True)
def employee_attendance(context: template.Context, employee: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "employee": employee,
        "summary": attendance_summary(employee_id=employee.pk, today=today),
        "today": today,
        "can_manage": context.get("can_manage"),
    }


@register.simple_tag
def unreported_events_count() -> int:
    return unreported_count(today=timezone.localdate())
