"""Manager pages of this app (server-rendered); the API is in core/api_urls.py."""

from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from core.dates import in_range
from scheduler import views
from scheduler.views import auto as auto_views


class IsoDayConverter:
    """A calendar day as YYYY-MM-DD; an impossible one (2026-02-30) or one outside the
    accepted range (core.dates, years 2000-2100) matches nothing: 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        day = dt.date.fromisoformat(value)  # ValueError: no match
        if not in_range(day):
            raise ValueError("Outside the accepted range of days.")
        return day

    def to_url(self, value: dt.date | str) -> str:
        if isinstance(value, dt.datetime):  # a moment is not a day: say which day
            raise ValueError("Pass a date, not a datetime.")
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(IsoDayConverter, "isoday")


class IsoMonthConverter:
    """A month as YYYY-MM, to its first day; an impossible one (2026-13) matches nothing."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)  # ValueError: no match

    def to_url(self, value: dt.date | str) -> str:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else str(value)


register_converter(IsoMonthConverter, "isomonth")

urlpatterns = [
    path("day/", views.day_today, name="day-today"),
    path("day/<isoday:day>/", views.day_view, name="day"),
    path("day/<isoday:day>/print/", views.day_print, name="day-print"),
    path("day/<isoday:day>/print.pdf", views.day_pdf, name="day-pdf"),
    path("week/", views.week_today, name="week-today"),
    path("week/<isoday:day>/", views.week_view, name="week"),
    path("month/", views.month_today, name="month-today"),
    path("month/<isomonth:month>/", views.month_view, name="month"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/schedule/", views.event_schedule, name="event-schedule"),
    path("schedules/<int:pk>/actions/", views.schedule_actions_view, name="schedule-actions"),
    path(
        "schedules/<int:pk>/actions/fragment/",
        views.schedule_actions_fragment,
        name="schedule-actions-fragment",
    ),
    path(
        "schedules/<int:pk>/unschedule/",
        views.schedule_unschedule_view,
        name="schedule-unschedule",
    ),
    path(
        "schedules/<int:pk>/reschedule/",
        views.schedule_reschedule_view,
        name="schedule-reschedule",
    ),
    path("schedules/trade/", views.schedule_trade_view, name="schedule-trade"),
    # The auto-scheduler (docs/rules.md, the auto-scheduler)
    path("auto/", auto_views.auto_run_list_view, name="auto-runs"),
    path("auto/start/", auto_views.auto_run_start_view, name="auto-run-start"),
    path("auto/<int:pk>/", auto_views.auto_run_view, name="auto-run"),
    path("auto/<int:pk>/progress/", auto_views.auto_run_progress, name="auto-run-progress"),
    path("auto/<int:pk>/approve/", auto_views.auto_run_approve_view, name="auto-run-approve"),
    path("auto/<int:pk>/reject/", auto_views.auto_run_reject_view, name="auto-run-reject"),
    path(
        "auto/proposals/<int:pk>/update/",
        auto_views.proposal_update_view,
        name="auto-proposal-update",
    ),
    path("auto/proposals/<int:pk>/drop/", auto_views.proposal_drop_view, name="auto-proposal-drop"),
    path(
        "auto/proposals/<int:pk>/change/",
        auto_views.proposal_change_view,
        name="auto-proposal-change",
    ),
    path(
        "auto/proposals/<int:pk>/change/fragment/",
        auto_views.proposal_change_fragment,
        name="auto-proposal-change-fragment",
    ),
]
