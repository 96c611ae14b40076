"""Pieces of this app shown on lower apps' pages (the day, an employee, the dashboard),
included by template so that those apps never import this one. Each loads its data
once per page, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from attendance.models import AttendanceStatus
from attendance.selectors import attendance_summary, day_attendance, unreported_count

register = template.Library()

QUICK_STATUSES = [
    (AttendanceStatus.ON_TIME.value, AttendanceStatus.ON_TIME.label),
    (AttendanceStatus.CALLED_IN.value, AttendanceStatus.CALLED_IN.label),
    (AttendanceStatus.NO_CALL_NO_SHOW.value, "No show"),
    (AttendanceStatus.EXCUSED.value, AttendanceStatus.EXCUSED.label),
]


def _per_page(context: template.Context) -> dict[str, Any]:
    """What this app keeps for one render of a page, shared by its rows: an `{% include %}`
    per row starts a fresh scope of the render context, but not a new render context.
    (Never the template: a loaded template outlives the render, and the request need not
    be there: the day page's body is rendered without one and kept.)"""
    return vars(context.render_context).setdefault("attendance", {})


@register.inclusion_tag("attendance/_control.html", takes_context=True)
def attendance_control(context: template.Context, schedule: Any, here: str = "") -> dict[str, Any]:
    """One schedule's attendance: what is recorded, and one button per status (from the
    schedule's day on). The day's records load once, on the first row."""
    today = timezone.localdate()
    cache: dict[Any, Any] = _per_page(context).setdefault("attendance_by_day", {})
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


_PK = 987654321  # stands for an employee id in the call-out URL, reversed once a page


@register.simple_tag(takes_context=True)
def day_row_attendance(context: template.Context, schedule: Any) -> SafeString | str:
    """A day-page row's controls, built here rather than by a template per row (the day
    page prints up to a few hundred rows): the attendance buttons from the schedule's
    day on, and the "Mark out" link. Nothing for a reader."""
    if not context.get("can_manage"):
        return ""
    page = _per_page(context)
    callout = page.get("callout_url")
    if callout is None:
        callout = page["callout_url"] = reverse("callout", args=[_PK]).replace(str(_PK), "{}")
    control = ""
    if schedule.work_date <= timezone.localdate():
        control = render_to_string(
            "attendance/_control.html",
            attendance_control(context, schedule, context.get("here") or ""),
        )
    return format_html(
        '<div class="day-attendance">{}<a class="small-link mark-out" href="{}?first_day={}">'
        'Mark out<span class="visually-hidden"> {}</span></a></div>',
        SafeString(control),
        callout.format(schedule.employee_id),
        schedule.work_date.isoformat(),
        schedule.employee.name,
    )


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
