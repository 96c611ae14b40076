"""Reactions to Django's own signals, connected in PaperworkConfig.ready()."""

from __future__ import annotations

from typing import Any

from paperwork.services import portal_session_end


def end_portal_session_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signing out of the app ends the user's portal session."""
    if user is not None and user.is_authenticated:
        portal_session_end(user=user)
