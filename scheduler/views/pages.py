"""Read pages: the day, the week, an event with its schedule form, the print sheet.

Views parse input, call a selector, and render; every one of them needs a signed-in
user and runs a constant number of queries, whatever the size of the day.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.dates import format_moment, local_date
from core.page_cache import version_cached
from core.panels import panels
from core.roles import is_manager, manager_required
from events.models import Event
from events.selectors import event_list
from events.types import EventType
from scheduler.forms import ACKNOWLEDGE_CHOICES, ChangeForm, WhenForm, slots_for, store_start
from scheduler.models import Schedule
from scheduler.month_selectors import month_overview
from scheduler.pdf import day_sheet_pdf
from scheduler.rules import Code, Violation
from scheduler.selectors import (
    Candidate,
    DayOverview,
    DayRow,
    candidates_for,
    day_overview,
    day_sheet,
    first_open_day,
    live_schedule_of,
    row_actions,
    schedule_history,
    week_of,
    week_overview,
    window_days,
)
from scheduler.services import schedule_supervisor_preview
from scheduler.views.common import Refusal, safe_next

# --- the day, the week -----------------------------------------------------------------


@login_required
@require_safe
def day_today(request: HttpRequest) -> HttpResponse:
    """`/day/` → today; `/day/?date=YYYY-MM-DD` (the date picker) → that day."""
    raw = request.GET.get("date", "")
    if raw:
        try:
            return redirect("day", day=dt.date.fromisoformat(raw))
        except ValueError:
            messages.error(request, f"“{raw[:20]}” is not a date; showing today.")
    return redirect("day", day=timezone.localdate())


_PK = 987654321  # stands for a primary key in a URL reversed once per page


def _url_format(name: str) -> str:
    """A URL pattern as a format string with one `{}` for the primary key."""
    return reverse(name, args=[_PK]).replace(str(_PK), "{}")


@dataclass(frozen=True)
class RowCells:
    """One row of the day's schedules as the page prints it. The strings are made once
    here: template filters and `{% url %}` per row cost several times more."""

    pk: int
    schedule: Schedule  # for the controls other apps add to a row (attendance)
    css: str
    start_iso: str
    start_hm: str
    end_iso: str
    end_hm: str
    event_url: str
    event_name: str
    store: str
    flag: str
    employee_url: str
    employee_name: str
    job_title: str
    actions_url: str
    fragment_url: str


def _sections(overview: DayOverview, here: str) -> list[dict[str, Any]]:
    """The day's type groups and slots with their rows' cells."""
    tz = timezone.get_current_timezone()
    event_url, actions_url = _url_format("event-detail"), _url_format("schedule-actions")
    fragment_url = _url_format("schedule-actions-fragment")
    back = f"?next={quote(here)}"

    def cells(row: DayRow) -> RowCells:
        s = row.schedule
        start, end = s.start.astimezone(tz), s.end.astimezone(tz)
        count = len(row.violations)
        if not count:
            css, flag = "", ""
        elif row.has_hard:
            css, flag = "has-hard", "Breaks a rule"
        else:
            css, flag = "has-soft", f"{count} warning{'s' if count > 1 else ''}"
        event = s.event
        return RowCells(
            pk=s.pk,
            schedule=s,
            css=css,
            start_iso=start.isoformat(),
            start_hm=f"{start:%H:%M}",
            end_iso=end.isoformat(),
            end_hm=f"{end:%H:%M}",
            event_url=event_url.format(s.event_id),
            event_name=event.project_name,
            store=f"Store {event.store_number}"
            + (f" \N{MIDDLE DOT} {event.store_name}" if event.store_name else ""),
            flag=flag,
            employee_url=f"/employees/{s.employee_id}/",
            employee_name=s.employee.name,
            job_title=s.employee.get_job_title_display(),
            actions_url=actions_url.format(s.pk) + back,
            fragment_url=fragment_url.format(s.pk) + back,
        )

    return [
        {
            "event_type": group.event_type,
            "label": group.label,
            "count": group.count,
            "slots": [
                {
                    "start_iso": slot.start.astimezone(tz).isoformat(),
                    "start_hm": f"{slot.start.astimezone(tz):%H:%M}",
                    "count": len(slot.rows),
                    "rows": [cells(row) for row in slot.rows],
                }
                for slot in group.slots
            ],
        }
        for group in overview.groups
    ]


# Stands for the request's CSRF token in a kept day body (the attendance forms); each
# response puts its own token in its place. Random per process: no data can spell it.
_CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"


@dataclass(frozen=True)
class DayBody:
    """The day page below its header, rendered, with the header's one-line summary."""

    html: str
    summary: str


def _day_body(day: dt.date, *, can_manage: bool) -> DayBody:
    """Build the day's schedules, warnings and people: the day's overview (nine queries
    and the rules pass) rendered for managers or readers."""
    overview = day_overview(day)
    here = reverse("day", args=[day])
    html = render_to_string(
        "scheduler/_day_body.html",
        {
            "overview": overview,
            "sections": _sections(overview, here),
            "here": here,
            "can_manage": can_manage,
            "csrf_token": _CSRF_PLACEHOLDER,
        },
    )
    rows, working, off = len(overview.rows), len(overview.working), len(overview.off)
    return DayBody(html=html, summary=f"{rows} scheduled · {working} working · {off} off")


def day_body(request: HttpRequest, day: dt.date) -> tuple[DayBody, bool]:
    """The day's body for this user, kept per data version (core/page_cache.py): a
    repeat, until anything it shows is written, costs one indexed query.

    What it depends on is all in the key: the data (the version), the day, whether the
    user manages (row actions and attendance controls) and whether the day has begun
    (attendance buttons show from a schedule's day on). The attendance forms' CSRF token
    is put in per response.
    """
    can_manage = is_manager(request.user)
    open_ = day <= timezone.localdate()
    body = version_cached(
        "day-body",
        (day.isoformat(), can_manage, open_),
        lambda: _day_body(day, can_manage=can_manage),
        seconds=int(settings.DAY_PAGE_CACHE_SECONDS),
    )
    if _CSRF_PLACEHOLDER in body.html:
        body = DayBody(
            html=body.html.replace(_CSRF_PLACEHOLDER, get_token(request)), summary=body.summary
        )
    return body, can_manage


def render_day(request: HttpRequest, day: dt.date, *, status: int = 200) -> HttpResponse:
    body, can_manage = day_body(request, day)
    return render(
        request,
        "scheduler/day.html",
        {
            "day": day,
            "body": mark_safe(body.html),  # noqa: S308 - rendered by our own template
            "summary": body.summary,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "week_start": week_of(day)[0],
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@require_safe
def day_view(request: HttpRequest, day: dt.date) -> HttpResponse:
    return render_day(request, day)


@login_required
@require_safe
def week_today(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("date", "")
    if raw:
        try:
            return redirect("week", day=dt.date.fromisoformat(raw))
        except ValueError:
            messages.error(request, f"“{raw[:20]}” is not a date; showing this week.")
    return redirect("week", day=timezone.localdate())


@login_required
@require_safe
def month_today(request: HttpRequest) -> HttpResponse:
    return redirect("month", month=timezone.localdate())


@login_required
@require_safe
def month_view(request: HttpRequest, month: dt.date) -> HttpResponse:
    overview = month_overview(month)
    days = overview.days()
    return render(
        request,
        "scheduler/month.html",
        {
            "month": overview,
            "today": timezone.localdate(),
            "total": sum(d.scheduled for d in days),
            "due_total": sum(d.due for d in days),
        },
    )


@login_required
@require_safe
def week_view(request: HttpRequest, day: dt.date) -> HttpResponse:
    days = week_overview(day)
    monday, sunday = days[0].day, days[-1].day
    return render(
        request,
        "scheduler/week.html",
        {
            "days": days,
            "day": day,
            "monday": monday,
            "sunday": sunday,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "today": timezone.localdate(),
            "total": sum(d.count for d in days),
            # What apps above add to the week (e.g. "Publish week"), without our knowing.
            "panels": panels("week_actions", week_start=monday, user=request.user),
        },
    )


# --- a day row's actions, loaded when opened -----------------------------------------


def _row_actions_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    actions = row_actions(pk)
    if actions is None:
        raise Http404("No such schedule.")
    next_url = safe_next(request, request.GET.get("next"))
    return {
        "actions": actions,
        "next_url": next_url,
        "back_url": next_url or reverse("day", args=[local_date(actions.schedule.start)]),
    }


@manager_required
@require_safe
def schedule_actions_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The choices of a day row's actions (move, change employee, trade), as the HTML
    fragment the day page inserts when the row is opened."""
    return render(request, "scheduler/_row_action_forms.html", _row_actions_context(request, pk))


@manager_required
@require_safe
def schedule_actions_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same actions on a page of their own: the day's row link without JavaScript."""
    return render(request, "scheduler/row_actions.html", _row_actions_context(request, pk))


# --- the event page and its schedule form ----------------------------------------------


def event_or_404(pk: int) -> Event:
    event = event_list().filter(pk=pk).first()
    if event is None:
        raise Http404("No such event.")
    return event


def _side(side: dict[str, Any] | None) -> str:
    """One side (before or after) of an audit row, for people."""
    if not side:
        return ""
    try:
        start = timezone.localtime(dt.datetime.fromisoformat(side["start"]))
        end = timezone.localtime(dt.datetime.fromisoformat(side["end"]))
    except (KeyError, TypeError, ValueError):
        return str(side.get("employee_name", ""))
    return f"{side.get('employee_name', '?')}, {format_moment(start)}\N{EN DASH}{end:%H:%M}"


def _history(event: Event) -> list[dict[str, Any]]:
    return [
        {
            "change": change,
            "before": _side(change.before),
            "after": _side(change.after),
        }
        for change in schedule_history(event)
    ]


def _posted_acknowledged(request: HttpRequest) -> list[str]:
    valid = dict(ACKNOWLEDGE_CHOICES)
    return [code for code in request.POST.getlist("acknowledge") if code in valid]


# Rules about the time itself: every employee gets the same answer.
_ABOUT_THE_TIME = (Code.OUTSIDE_WINDOW, Code.COMPANY_HOLIDAY, Code.PAST_START)


def _about_the_time(candidates: list[Candidate]) -> dict[Code, Violation]:
    """The violations about the chosen time rather than the person, once each."""
    found: dict[Code, Violation] = {}
    for c in candidates:
        for v in c.violations:
            if v.code in _ABOUT_THE_TIME:
                found.setdefault(v.code, v)
    return found


def render_event(
    request: HttpRequest,
    event: Event,
    *,
    form: ChangeForm | None = None,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    live: Schedule | None = event.live_schedules[0] if event.live_schedules else None  # type: ignore[attr-defined]
    slots = slots_for(event)
    if live is not None:
        start = live.start
    else:
        start = store_start(first_open_day(event, timezone.localdate()), slots[0])
    selected = live.employee_id if live is not None else None
    bound_when: WhenForm | None = None
    if form is not None:
        posted_start, posted_employee = form.chosen()
        start = posted_start or start
        selected = posted_employee or selected
        next_url = safe_next(request, request.POST.get("next"))
    else:
        next_url = safe_next(request, request.GET.get("next"))
        if any(key in request.GET for key in ("date", "slot", "time")):
            bound_when = WhenForm(request.GET, event=event)
            if bound_when.is_valid():
                start = bound_when.start()
                bound_when = None
    local = timezone.localtime(start)
    wall = local.time().replace(tzinfo=None)
    is_core = event.event_type == EventType.CORE
    when = bound_when or WhenForm(
        event=event,
        extra_time=wall if is_core else None,
        initial={
            "date": local.date(),
            "slot": f"{wall:%H:%M}" if (is_core or wall in slots) else f"{slots[0]:%H:%M}",
            "time": None if (is_core or wall in slots) else wall,
        },
    )
    candidates = candidates_for(event=event, start=start, moving=live)
    paired = event.paired_event
    first_day, last_day = window_days(event)
    # What is true of the time whoever works it (outside the window, a holiday, already
    # past) is said once above the list, not on every employee's card.
    about_time = _about_the_time(candidates)
    supervisor_preview = (
        schedule_supervisor_preview(
            core_event=event,
            core_start=start,
            moving=live if live is not None and live.start != start else None,
        )
        if is_core and paired is not None
        else None
    )
    return render(
        request,
        "scheduler/event_detail.html",
        {
            "event": event,
            "live": live,
            "paired": paired,
            "paired_schedule": live_schedule_of(paired.pk if paired is not None else None),
            # What the apps above add (e.g. whether the planning system has it).
            "panels": panels("event_facts", schedule_id=live.pk if live is not None else None),
            "first_day": first_day,
            "last_day": last_day,
            "duration_minutes": int(event.duration.total_seconds() // 60),
            "history": _history(event),
            "can_manage": is_manager(request.user),
            "when": when,
            "is_core": is_core,
            "start": start,
            "start_day": local.date(),
            "candidates": [
                {
                    "candidate": c,
                    "hard": [v for v in c.violations if v.is_hard and v.code not in about_time],
                    "soft": [v for v in c.violations if not v.is_hard and v.code not in about_time],
                    "selected": c.employee.pk == selected,
                    "current": live is not None and c.employee.pk == live.employee_id,
                }
                for c in candidates
            ],
            "eligible_count": sum(1 for c in candidates if c.ok),
            "about_time": list(about_time.values()),
            "supervisor_preview": supervisor_preview,
            "post_url": (
                reverse("schedule-reschedule", args=[live.pk])
                if live is not None
                else reverse("event-schedule", args=[event.pk])
            ),
            "refusal": refusal,
            "acknowledged": _posted_acknowledged(request) if form is not None else [],
            "next_url": next_url,
            "here": request.path,
        },
        status=status,
    )


@login_required
@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_event(request, event_or_404(pk))


# --- print -------------------------------------------------------------------------------


@login_required
@require_safe
def day_print(request: HttpRequest, day: dt.date) -> HttpResponse:
    return render(
        request,
        "scheduler/day_print.html",
        {"sheet": day_sheet(day), "printed_at": timezone.localtime()},
    )


@login_required
@require_safe
def day_pdf(request: HttpRequest, day: dt.date) -> HttpResponse:
    pdf = day_sheet_pdf(day_sheet(day), printed_at=timezone.localtime())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="schedule-{day:%Y-%m-%d}.pdf"'
    return response
