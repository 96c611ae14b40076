"""Manager pages (server-rendered): read pages in `pages`, write actions in `actions`."""

from scheduler.views.actions import (
    event_schedule,
    schedule_reschedule_view,
    schedule_trade_view,
    schedule_unschedule_view,
)
from scheduler.views.pages import (
    day_pdf,
    day_print,
    day_today,
    day_view,
    event_detail,
    month_today,
    month_view,
    schedule_actions_fragment,
    schedule_actions_view,
    week_today,
    week_view,
)

__all__ = [
    "day_pdf",
    "day_print",
    "day_today",
    "day_view",
    "event_detail",
    "event_schedule",
    "month_today",
    "month_view",
    "schedule_actions_fragment",
    "schedule_actions_view",
    "schedule_reschedule_view",
    "schedule_trade_view",
    "schedule_unschedule_view",
    "week_today",
    "week_view",
]
