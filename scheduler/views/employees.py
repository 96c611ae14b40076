"""The employee pages: the list, one employee, time off add/remove (they show schedules
and hours, so they live in the scheduler app, above employees)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.dates import day_start
from core.roles import is_manager, manager_required
from employees.forms import EmployeePageFilter, TimeOffForm
from employees.models import WEEKDAY_FIELDS, Employee, Weekday
from employees.selectors import (
    employee_detail,
    employee_list,
)
from employees.services import timeoff_add, timeoff_remove
from scheduler.employee_selectors import employee_schedules_on_days, employee_upcoming_schedules
from scheduler.selectors import hours_by_employee, week_of


@dataclass(frozen=True)
class EmployeeRow:
    employee: Employee
    hours_this_week: float
    weekdays: list[tuple[str, bool]]  # (weekday name, available)


def _weekdays(employee: Employee) -> list[tuple[str, bool]]:
    return [
        (Weekday(i).label, bool(getattr(employee, name))) for i, name in enumerate(WEEKDAY_FIELDS)
    ]


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _date_range_text(first: dt.date, last: dt.date) -> str:
    return _day(first) if first == last else f"{_day(first)} to {_day(last)}"


@login_required
@require_safe
def employee_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    week = week_of(today)
    filterset = EmployeePageFilter(request.GET, queryset=employee_list())
    valid = filterset.is_valid()
    hours = hours_by_employee(*week)
    rows = [
        EmployeeRow(e, round(hours.get(e.pk, 0.0), 2), _weekdays(e))
        for e in (filterset.qs if valid else [])
    ]
    return render(
        request,
        "employees/employee_list.html",
        {
            "form": filterset.form,
            "rows": rows,
            "week": week,
            "filtered": any(request.GET.values()),
            "can_manage": is_manager(request.user),
        },
        status=200 if valid else 400,
    )


def _render_detail(
    request: HttpRequest, pk: int, *, form: TimeOffForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    employee = employee_detail(pk=pk, today=today)
    week = week_of(today)
    return render(
        request,
        "employees/employee_detail.html",
        {
            "employee": employee,
            "today": today,
            "week": week,
            "hours_this_week": round(hours_by_employee(*week).get(employee.pk, 0.0), 2),
            "weekdays": _weekdays(employee),
            "schedules": employee_upcoming_schedules(
                employee_id=employee.pk, since=day_start(today)
            ),
            "form": form or TimeOffForm(),
            "can_manage": is_manager(request.user),
        },
        status=status,
    )


@login_required
@require_safe
def employee_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@manager_required
@require_POST
def employee_timeoff_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = TimeOffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            time_off = timeoff_add(
                employee_id=pk,
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Time off added: {_date_range_text(time_off.start_date, time_off.end_date)}.",
            )
            clashes = employee_schedules_on_days(
                employee_id=pk, first=time_off.start_date, last=time_off.end_date
            )
            if clashes:
                messages.warning(
                    request,
                    f"{time_off.employee.name} is still scheduled on {len(clashes)} "
                    f"event{'s' if len(clashes) != 1 else ''} in that time: "
                    + "; ".join(f"{_when(s.start)} {s.event.project_name}" for s in clashes)
                    + ". Reschedule or unschedule them.",
                )
            return redirect("employee-detail", pk=pk)
    messages.error(
        request, "Time off was not added: correct the fields marked under “Add time off”."
    )
    return _render_detail(request, pk, form=form, status=400)


@manager_required
@require_POST
def employee_timeoff_remove(request: HttpRequest, pk: int, timeoff_pk: int) -> HttpResponse:
    removed = timeoff_remove(employee_id=pk, timeoff_id=timeoff_pk)
    messages.success(
        request, f"Time off removed: {_date_range_text(removed.start_date, removed.end_date)}."
    )
    return redirect("employee-detail", pk=pk)
