"""Session-ending reactions to account changes, on every path (pages, API, admin).

A password change ends every session and every API token of the user; the view that
changed it keeps its own session via update_session_auth_hash (which saves the session
anew under a new key). Deactivating a user ends all of their sessions and tokens. A
sign-in rotates the key, starts the timeout clocks and ends the user's oldest sessions
past SESSION_MAX_PER_USER.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from core.authentication import tokens_end_for_user
from sessions_ext.middleware import mark_session_started
from sessions_ext.services import sessions_end_for_user, sessions_limit_for_user


@receiver(post_save, sender=get_user_model(), dispatch_uid="sessions_ext_end_on_change")
def end_sessions_on_password_change_or_deactivation(
    sender: Any, instance: Any, created: bool, **kwargs: Any
) -> None:
    if created:
        return
    # AbstractBaseUser keeps the new raw password in `_password` until after save().
    password_changed = getattr(instance, "_password", None) is not None
    if password_changed or not instance.is_active:
        sessions_end_for_user(user=instance)
        # API tokens too: a token copied by whoever knew the old password ends with it.
        tokens_end_for_user(user=instance)


@receiver(user_logged_in, dispatch_uid="sessions_ext_rotate_on_login")
def rotate_key_and_start_clocks(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Every sign-in gets a new session key, on every path (pages, API, admin).

    Django's login() keeps the key when the same user signs in again; this rotation
    closes that gap (and costs two queries per sign-in, which is rare).
    """
    if request is not None and hasattr(request, "session"):
        mark_session_started(request)
        request.session.cycle_key()
        sessions_limit_for_user(
            user=user,
            keep_session_key=request.session.session_key,
            limit=settings.SESSION_MAX_PER_USER,
        )
