from __future__ import annotations

from typing import Any

from sessions_ext.models import UserSession
from sessions_ext.querysets import UserSessionQuerySet


def session_list_for_user(*, user: Any) -> UserSessionQuerySet:
    """The user's live sessions, most recently active first (one query)."""
    return UserSession.objects.of_user(user).live().order_by("-last_activity", "created_at")
