"""Reads for the pages: the dashboard's sync panel and the event page's push state."""

from __future__ import annotations

from typing import Any

from core.features import get_feature
from planning.models import PendingPush, PushState, SyncRun


def sync_panel() -> dict[str, Any] | None:
    """The last run and the outbox backlog; with sync off (and no query) only that, so
    the panel offers files instead."""
    if not get_feature("sync").enabled:
        return {"enabled": False}
    return {
        "enabled": True,
        "last_run": SyncRun.objects.select_related("started_by").first(),
        "pending_pushes": PendingPush.objects.filter(state=PushState.PENDING).count(),
    }


def push_state_of(schedule_id: int | None) -> PendingPush | None:
    """The latest push of a schedule (for the event page); no query without one, nor
    while sync is off."""
    if schedule_id is None or not get_feature("sync").enabled:
        return None
    return PendingPush.objects.filter(schedule_id=schedule_id).order_by("-id").first()
