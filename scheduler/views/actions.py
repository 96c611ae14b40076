"""Write actions of the pages: schedule, reschedule (move or change employee), unschedule
and trade.

Each is POST-only, CSRF-protected and for managers (`manager_required`: read-only users
get 403 and nothing changes). Each calls the same service as the API with source
"page", so the rules engine, the Supervisor cascade and the audit trail are the same.
A change made redirects with a message (post/redirect/get) that says what happened to
the Supervisor event; a refused one re-renders its form with the reasons (400, or 409
for a conflict) and saves nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.dates import format_day
from core.exceptions import ConflictError, InvalidInputError, NotFoundError
from core.roles import manager_required
from scheduler.forms import RescheduleForm, ScheduleForm, TradeForm
from scheduler.labels import label_of
from scheduler.models import ChangeSource, Schedule
from scheduler.services import (
    SupervisorOutcome,
    schedule_create,
    schedule_reschedule,
    schedule_trade,
    schedule_unschedule,
)
from scheduler.views.common import refusal_of, refusal_of_form, safe_next
from scheduler.views.pages import event_or_404, render_day, render_event


def _at(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{format_day(local.date())} at {local:%H:%M}"


def _confirming(request: HttpRequest) -> bool:
    return request.POST.get("confirming") == "1"


def _supervisor_note(outcome: SupervisorOutcome | None, *, moved: bool = False) -> str:
    """The Supervisor cascade's outcome, for the flash message."""
    if outcome is None:
        return ""
    person = outcome.schedule.employee.name if outcome.schedule is not None else ""
    if outcome.unscheduled:
        if outcome.reason:
            return f" Its Supervisor event was unscheduled: {outcome.reason}"
        return f" Its Supervisor event ({person}) was unscheduled too."
    if outcome.schedule is not None:
        at = f"{timezone.localtime(outcome.schedule.start):%H:%M}"
        if outcome.reason:
            return f" Supervisor event left as it was ({person} at {at}): {outcome.reason}"
        if moved:
            return f" Supervisor event moved with it: {person} at {at}."
        return f" Supervisor event scheduled for {person} at {at}."
    return f" Supervisor event not scheduled: {outcome.reason}"


def _warnings_note(codes: list[str]) -> str:
    """The acknowledged warnings, by their labels (codes stay in the API)."""
    labels = [label_of(code) for code in codes]
    return f" Went ahead despite: {', '.join(labels)}." if labels else ""


def _needs_attention(outcome: SupervisorOutcome | None) -> bool:
    """A Supervisor event left unscheduled by the change: a warning, not a success."""
    return outcome is not None and outcome.schedule is None and bool(outcome.reason)


@manager_required
@require_POST
def event_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return render_event(request, event, form=form, refusal=refusal_of_form(form), status=400)
    try:
        result = schedule_create(
            event=event,
            employee=form.cleaned_data["employee"],
            start=form.start(),
            by=request.user,
            acknowledge=form.acknowledged(),
            source=ChangeSource.PAGE,
        )
    except (InvalidInputError, ConflictError) as exc:
        refusal = refusal_of(exc, confirming=_confirming(request))
        return render_event(
            request, event_or_404(pk), form=form, refusal=refusal, status=refusal.status
        )
    schedule = result.schedule
    notify = messages.warning if _needs_attention(result.supervisor) else messages.success
    notify(
        request,
        f"Scheduled {schedule.employee.name} on {event.project_name} {_at(schedule.start)}."
        + _warnings_note([str(w.code) for w in result.warnings])
        + _supervisor_note(result.supervisor),
    )
    return redirect(
        safe_next(request, form.cleaned_data["next"]) or reverse("event-detail", args=[pk])
    )


# --- schedule actions (from the day and event pages) -----------------------------------


def _schedule_or_404(pk: int) -> Schedule:
    return get_object_or_404(Schedule.objects.select_related("event", "employee"), pk=pk)


@manager_required
@require_POST
def schedule_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule_or_404(pk)
    form = RescheduleForm(request.POST, schedule=schedule)
    if not form.is_valid():
        refusal = refusal_of_form(form)
    else:
        try:
            result = schedule_reschedule(
                schedule=schedule,
                start=form.new_start(),
                employee=form.new_employee(),
                by=request.user,
                acknowledge=form.acknowledged(),
                source=ChangeSource.PAGE,
                allow_supervisor_drop=form.cleaned_data["drop_supervisor"],
            )
        except (InvalidInputError, ConflictError) as exc:
            refusal = refusal_of(exc, confirming=_confirming(request))
        else:
            moved = result.schedule
            notify = messages.warning if _needs_attention(result.supervisor) else messages.success
            notify(
                request,
                f"{moved.event.project_name}: now {moved.employee.name} {_at(moved.start)}."
                + _warnings_note([str(w.code) for w in result.warnings])
                + _supervisor_note(result.supervisor, moved=True),
            )
            # Back where the change started: the page it came from, else the event.
            return redirect(
                safe_next(request, form.cleaned_data["next"])
                or reverse("event-detail", args=[moved.event_id])
            )
    return render_event(
        request,
        event_or_404(schedule.event_id),
        form=form,
        refusal=refusal,
        status=refusal.status,
    )


@manager_required
@require_POST
def schedule_unschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule_or_404(pk)
    try:
        result = schedule_unschedule(schedule=schedule, by=request.user, source=ChangeSource.PAGE)
    except ConflictError as exc:
        messages.error(request, f"Not changed: {exc.detail}")
        return render_day(request, schedule.work_date, status=exc.status)
    messages.success(
        request,
        f"Unscheduled {schedule.employee.name} from {schedule.event.project_name}."
        + _supervisor_note(result.supervisor),
    )
    return redirect(
        safe_next(request, request.POST.get("next")) or reverse("day", args=[schedule.work_date])
    )


@manager_required
@require_POST
def schedule_trade_view(request: HttpRequest) -> HttpResponse:
    form = TradeForm(request.POST)
    if not form.is_valid():
        raise InvalidInputError("Pick two schedules to trade.")
    ids = [form.cleaned_data["first"], form.cleaned_data["second"]]
    found = Schedule.objects.select_related("event", "employee").in_bulk(ids)
    if any(pk not in found for pk in ids):
        raise NotFoundError("No such schedule.")
    first, second = found[ids[0]], found[ids[1]]
    try:
        traded_first, traded_second, warnings = schedule_trade(
            first=first,
            second=second,
            by=request.user,
            acknowledge=form.acknowledged(),
            source=ChangeSource.PAGE,
        )
    except (InvalidInputError, ConflictError) as exc:
        refusal = refusal_of(exc, confirming=_confirming(request))
        return render(
            request,
            "scheduler/trade.html",
            {
                "first": first,
                "second": second,
                "refusal": refusal,
                "acknowledged": form.acknowledged(),
                "next_url": safe_next(request, form.cleaned_data["next"]),
                "back_url": safe_next(request, form.cleaned_data["next"])
                or reverse("day", args=[first.work_date]),
            },
            status=refusal.status,
        )
    messages.success(
        request,
        f"Traded: {traded_first.employee.name} now works {traded_first.event.project_name} "
        f"at {timezone.localtime(traded_first.start):%H:%M}; {traded_second.employee.name} "
        f"works {traded_second.event.project_name} "
        f"at {timezone.localtime(traded_second.start):%H:%M}."
        + _warnings_note(sorted({str(w.code) for w in warnings})),
    )
    return redirect(
        safe_next(request, form.cleaned_data["next"])
        or reverse("day", args=[traded_first.work_date])
    )
