"""Manager pages of the events app: the dashboard and the unscheduled list."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.panels import panels
from core.roles import is_manager
from employees.selectors import search_employees
from events.forms import UnscheduledEventFilter
from events.selectors import (
    DUE_SOON_DAYS,
    day_flags,
    search_events,
    unscheduled_counts,
    unscheduled_open,
    with_urgency,
)

DASHBOARD_ROWS = 50
FLAG_DAYS = 7
DUE_DAYS_SHOWN = 14
PAGE_SIZE = 50


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    today, now = timezone.localdate(), timezone.now()
    counts = unscheduled_counts(now=now)
    urgent = with_urgency(unscheduled_open(now=now)[:DASHBOARD_ROWS], today=today)
    soon_until = today + dt.timedelta(days=DUE_SOON_DAYS)
    days = day_flags(first=today, last=today + dt.timedelta(days=FLAG_DAYS - 1))
    due_days, later = counts.by_due_day[:DUE_DAYS_SHOWN], counts.by_due_day[DUE_DAYS_SHOWN:]
    return render(
        request,
        "events/dashboard.html",
        {
            "today": today,
            "counts": counts,
            "urgent": urgent,
            "due_soon_count": sum(n for day, n in counts.by_due_day if day <= soon_until),
            "due_soon_days": DUE_SOON_DAYS,
            "due_days": due_days,
            # (first due day not shown, how many events are due from then on)
            "due_later": (later[0][0], sum(n for _, n in later)) if later else None,
            "days": days,
            "days_flagged": sum(1 for d in days if d.needs_attention),
            "can_manage": is_manager(request.user),
            # What the apps above add (e.g. the planning system's sync panel).
            "panels": panels("dashboard"),
        },
    )


@login_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    today, now = timezone.localdate(), timezone.now()
    filterset = UnscheduledEventFilter(request.GET, queryset=unscheduled_open(now=now))
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else unscheduled_open(now=now).none(), PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/event_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page_obj,
            "rows": with_urgency(page_obj.object_list, today=today),
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_manage": is_manager(request.user),
        },
        status=200 if valid else 400,
    )


SEARCH_MIN_CHARS = 2


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The navigation's search box: events by reference number or name, employees by
    name; one query each."""
    query = request.GET.get("q", "").strip()[:100]
    searched = len(query) >= SEARCH_MIN_CHARS
    return render(
        request,
        "events/search.html",
        {
            "query": query,
            "searched": searched,
            "min_chars": SEARCH_MIN_CHARS,
            "events": search_events(query) if searched else [],
            "employees": search_employees(query) if searched else [],
        },
    )
