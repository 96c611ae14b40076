"""Every write to sessions: revoke, revoke the others, end a user's sessions, clean up."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from core.exceptions import InvalidInputError, NotFoundError
from sessions_ext.models import UserSession

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5_000


def session_revoke(*, user: Any, public_id: Any) -> None:
    """End one of `user`'s sessions. Someone else's session is "not found" (404)."""
    deleted, _ = UserSession.objects.filter(user=user, public_id=public_id).delete()
    if not deleted:
        raise NotFoundError("No such session.")
    logger.info("session revoked by its owner", extra={"user_id": user.pk})


def session_revoke_as_staff(*, by: Any, sessions: Any) -> int:
    """Staff end any sessions (admin action). Returns how many ended."""
    deleted, _ = sessions.delete()
    logger.info("%s sessions revoked by staff", deleted, extra={"user_id": by.pk})
    return int(deleted)


def session_revoke_others(
    *, user: AbstractBaseUser, password: str, current_session_key: str | None
) -> int:
    """End every session of `user` but the current one, after re-checking the password."""
    if not user.check_password(password):
        raise InvalidInputError(
            "The password is not correct.",
            errors=[{"attr": "password", "code": "wrong_password", "detail": "Wrong password."}],
        )
    return sessions_end_for_user(user=user, keep_session_key=current_session_key)


def sessions_end_for_user(*, user: Any, keep_session_key: str | None = None) -> int:
    """End all of `user`'s sessions (except `keep_session_key`). Returns how many ended."""
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    deleted, _ = sessions.delete()
    return int(deleted)


def sessions_delete_expired(*, batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool = False) -> int:
    """Delete expired sessions in batches; returns how many went (or would go).

    Each batch is one short statement in its own transaction, so no long table lock is
    held and live sessions keep being read and written meanwhile.
    """
    if batch_size < 1:
        raise InvalidInputError("The batch size must be at least 1.")
    now = timezone.now()
    expired = UserSession.objects.filter(expire_date__lt=now)
    if dry_run:
        return expired.count()
    total = 0
    while True:
        with transaction.atomic():
            batch = expired.values("session_key")[:batch_size]
            deleted, _ = UserSession.objects.filter(session_key__in=batch).delete()
        total += deleted
        if deleted < batch_size:
            return total
