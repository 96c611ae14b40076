"""Pages of the day itself: the call-out routine, attendance, unreported events.

Views parse input, call a selector or service, and render; writes are POST-only, for
managers, and redirect with a message (post/redirect/get).
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from attendance.forms import (
    AttendanceForm,
    CallOutForm,
    DateRangeForm,
    ReissueForm,
    parse_month,
)
from attendance.models import AttendanceStatus, CallOut, CallOutReason, Reissue
from attendance.reissue import reissue_request
from attendance.selectors import (
    attendance_list,
    attendance_month,
    callout_plan,
    unreported_rows,
    unreported_schedules,
)
from attendance.services import (
    Outcome,
    RotationChoice,
    RowChoice,
    attendance_set,
    callout_apply,
)
from core.exceptions import ApplicationError
from core.features import get_feature
from core.roles import is_manager, manager_required
from employees.models import Employee
from scheduler.models import Schedule
from scheduler.views.common import safe_next

# --- the call-out routine ---------------------------------------------------------------


def _callout_form(request: HttpRequest, data: Any) -> CallOutForm:
    defaults = {"reason": CallOutReason.SICK, "first_day": timezone.localdate().isoformat()}
    return CallOutForm({**defaults, **{k: v for k, v in data.dict().items() if v}})


@manager_required
@require_safe
def callout_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark out: the range and reason, then every schedule in it with its replacements."""
    employee = get_object_or_404(Employee, pk=pk)
    form = _callout_form(request, request.GET)
    plan = None
    if form.is_valid():
        data = form.cleaned_data
        plan = callout_plan(
            employee=employee,
            reason=data["reason"],
            first_day=data["first_day"],
            last_day=data["last_day"],
        )
    return render(
        request,
        "attendance/callout.html",
        {"employee": employee, "form": form, "plan": plan, "today": timezone.localdate()},
        status=200 if plan is not None else 400,
    )


def _parse_seen(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _posted_choices(request: HttpRequest) -> list[RowChoice]:
    choices = []
    for raw in request.POST.getlist("schedule"):
        if not raw.isdigit():
            continue
        pk = int(raw)
        pick = request.POST.get(f"replace-{pk}", "")
        choices.append(
            RowChoice(
                schedule_id=pk,
                employee_id=int(pick) if pick.isdigit() else None,
                seen_updated_at=_parse_seen(request.POST.get(f"seen-{pk}", "")),
            )
        )
    return choices


def _posted_rotations(request: HttpRequest) -> list[RotationChoice]:
    rotations = []
    for raw in request.POST.getlist("rotation"):
        day_text, _, kind = raw.partition("/")
        pick = request.POST.get(f"rotation-{raw}", "")
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            continue
        if pick.isdigit():
            rotations.append(RotationChoice(day=day, kind=kind, employee_id=int(pick)))
    return rotations


@manager_required
@require_POST
def callout_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_object_or_404(Employee, pk=pk)
    form = CallOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: check the dates and the reason.")
        return render(
            request,
            "attendance/callout.html",
            {"employee": employee, "form": form, "plan": None, "today": timezone.localdate()},
            status=400,
        )
    data = form.cleaned_data
    result = callout_apply(
        employee=employee,
        reason=data["reason"],
        first_day=data["first_day"],
        last_day=data["last_day"],
        choices=_posted_choices(request),
        rotations=_posted_rotations(request),
        # Each replacement on the page lists its warnings beside the name: choosing it
        # accepts them.
        acknowledge=("proximity", "supervisor_on_core", "weekly_unavailable"),
        note=data["note"],
        by=request.user,
    )
    done = sum(1 for o in result.outcomes if o["outcome"] != Outcome.REFUSED)
    if result.refused:
        messages.warning(
            request,
            f"{employee.name} is marked out. {done} change{'s' if done != 1 else ''} made; "
            f"{len(result.refused)} refused (see below).",
        )
    else:
        messages.success(
            request, f"{employee.name} is marked out. {done} change{'s' if done != 1 else ''} made."
        )
    return redirect("callout-detail", pk=result.call_out.pk)


@manager_required
@require_safe
def callout_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    call_out = get_object_or_404(CallOut.objects.select_related("employee", "created_by"), pk=pk)
    return render(request, "attendance/callout_detail.html", {"call_out": call_out})


# --- attendance --------------------------------------------------------------------------


@manager_required
@require_POST
def attendance_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule.objects.select_related("employee"), pk=pk)
    form = AttendanceForm(request.POST)
    back = safe_next(request, request.POST.get("next")) or reverse("day", args=[schedule.work_date])
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Attendance not recorded: {problems}")
        return redirect(back)
    data = form.cleaned_data
    try:
        record = attendance_set(
            schedule=schedule,
            status=data["status"],
            minutes_late=data["minutes_late"],
            note=data["note"],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, f"Attendance not recorded: {exc.detail}")
        return redirect(back)
    text = record.get_status_display()
    if record.minutes_late:
        text += f" ({record.minutes_late} min)"
    messages.success(request, f"{schedule.employee.name}: {text}.")
    return redirect(f"{back}#s{schedule.pk}")


@login_required
@require_safe
def attendance_month_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"), today)
    if month is None:
        messages.error(request, "The month is YYYY-MM; showing this month.")
        month = today.replace(day=1)
    days = attendance_month(month)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    totals = {s: sum(d.counts[s] for d in days) for s in AttendanceStatus.values}
    return render(
        request,
        "attendance/month.html",
        {
            "month": month,
            "days": days,
            "statuses": AttendanceStatus.choices,
            "totals": [totals[s] for s in AttendanceStatus.values],
            "scheduled": sum(d.scheduled for d in days),
            "previous": previous,
            "following": following,
            "export": DateRangeForm(
                initial={"date_from": month, "date_to": following - dt.timedelta(days=1)}
            ),
            "today": today,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(name: str, header: list[str], rows: Any) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Any:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _text(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
@require_safe
def attendance_export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(f"Bad range: {problems}\n", status=400, content_type="text/plain")
    first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    records = attendance_list(date_from=first, date_to=last).iterator(chunk_size=500)
    return _csv_response(
        f"attendance-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv",
        [
            "Date",
            "Employee ID",
            "Employee",
            "Event",
            "Store",
            "Start",
            "Status",
            "Minutes late",
            "Note",
            "Recorded by",
            "Recorded at",
        ],
        (
            [
                r.work_date.isoformat(),
                r.employee.external_id,
                _text(r.employee.name),
                _text(r.schedule.event.project_name),
                r.schedule.event.store_number,
                timezone.localtime(r.schedule.start).strftime("%H:%M"),
                r.get_status_display(),
                r.minutes_late or "",
                _text(r.note),
                r.recorded_by.get_username() if r.recorded_by else "",
                timezone.localtime(r.recorded_at).isoformat(timespec="seconds"),
            ]
            for r in records
        ),
    )


# --- unreported events -------------------------------------------------------------------

REISSUE_DAYS = 7  # the expiration date offered by default


def _unreported_filters(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    filters: dict[str, Any] = {}
    problems: list[str] = []
    store = request.GET.get("store", "").strip()[:20]
    if store:
        filters["store"] = store
    raw = request.GET.get("employee", "")
    if raw:
        if raw.isdigit() and len(raw) < 12:
            filters["employee_id"] = int(raw)
        else:
            problems.append("Employee: pick one from the list.")
    for name in ("date_from", "date_to"):
        raw = request.GET.get(name, "")
        if raw:
            try:
                filters[name] = dt.date.fromisoformat(raw)
            except ValueError:
                problems.append(f"“{raw[:20]}” is not a date.")
    return filters, problems


@login_required
@require_safe
def unreported_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters, problems = _unreported_filters(request)
    schedules = (
        unreported_schedules(today=today, **filters) if not problems else Schedule.objects.none()
    ).prefetch_related(
        Prefetch(
            "reissues",
            queryset=Reissue.objects.select_related("employee").order_by("-created_at", "-pk"),
        )
    )
    rows = unreported_rows(schedules[:500], today=today)
    return render(
        request,
        "attendance/unreported.html",
        {
            "rows": rows,
            "today": today,
            "filters": filters,
            "problems": problems,
            "employees": list(Employee.objects.order_by("name", "pk").only("pk", "name", "rep_id")),
            "sync_on": get_feature("sync").enabled,
            "expires": today + dt.timedelta(days=REISSUE_DAYS),
            "query": request.GET.urlencode(),
            "can_manage": is_manager(request.user),
        },
        status=400 if problems else 200,
    )


@login_required
@require_safe
def unreported_export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    today = timezone.localdate()
    filters, problems = _unreported_filters(request)
    if problems:
        return HttpResponse("; ".join(problems) + "\n", status=400, content_type="text/plain")
    rows = unreported_rows(unreported_schedules(today=today, **filters).iterator(), today=today)
    return _csv_response(
        f"unreported-{today:%Y-%m-%d}.csv",
        [
            "Worked on",
            "Days overdue",
            "Store",
            "Store name",
            "Event",
            "Reference",
            "Condition",
            "Employee ID",
            "Employee",
            "Last synced",
        ],
        (
            [
                r.schedule.work_date.isoformat(),
                r.days_overdue,
                r.schedule.event.store_number,
                _text(r.schedule.event.store_name),
                _text(r.schedule.event.project_name),
                r.schedule.event.project_ref_num,
                r.schedule.event.get_condition_display(),
                r.schedule.employee.external_id,
                _text(r.schedule.employee.name),
                timezone.localtime(r.schedule.event.last_synced_at).isoformat(timespec="minutes")
                if r.schedule.event.last_synced_at
                else "",
            ]
            for r in rows
        ),
    )


@manager_required
@require_POST
def reissue_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule.objects.select_related("event"), pk=pk)
    form = ReissueForm(request.POST)
    back = safe_next(request, request.POST.get("next")) or reverse("unreported")
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Not reissued: {problems}")
        return redirect(back)
    try:
        reissue = reissue_request(
            schedule=schedule,
            employee=form.cleaned_data["employee"],
            expiration_date=form.cleaned_data["expiration_date"],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, f"Not reissued: {exc.detail}")
        return redirect(back)
    reissue.refresh_from_db()
    text = f"{schedule.event.project_name}: reissue to {reissue.employee.name}"
    if reissue.state == "sent":
        messages.success(request, f"{text} done; it is scheduled again.")
    elif reissue.state == "refused":
        messages.error(request, f"{text} refused by the planning system: {reissue.message}")
    else:
        messages.warning(request, f"{text} is waiting to be sent ({reissue.message or 'queued'}).")
    return redirect(back)
