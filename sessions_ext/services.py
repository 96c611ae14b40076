"""Every write to sessions: revoke, revoke the others, end or limit a user's sessions,
clean up; and the password re-check those revocations ask for."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.exceptions import InvalidInputError, NotFoundError
from sessions_ext.models import UserSession

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5_000


def password_recheck(*, request: HttpRequest, user: AbstractBaseUser, password: str) -> None:
    """Ask `user` for their password again before a sensitive change (ASVS V6/V7).

    Checked the way a sign-in is (`authenticate`, through django-axes): a wrong password
    counts towards the lockout with the sign-in failures of that username and IP, and
    while they are locked out even the right one fails — AxesMiddleware then answers
    the request with a 429 and Retry-After (sessions_ext.lockout). Raises
    InvalidInputError (`wrong_password` on `password`) when the check fails.
    """
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        raise InvalidInputError(
            "The password is not correct.",
            errors=[{"attr": "password", "code": "wrong_password", "detail": "Wrong password."}],
        )


def session_revoke(*, request: HttpRequest, user: Any, password: str, public_id: Any) -> None:
    """End one of `user`'s sessions after re-checking the password (`password_recheck`).

    Someone else's session is "not found" (404).
    """
    password_recheck(request=request, user=user, password=password)
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
    *,
    request: HttpRequest,
    user: AbstractBaseUser,
    password: str,
    current_session_key: str | None,
) -> int:
    """End every session of `user` but the current one, after re-checking the password
    (`password_recheck`)."""
    password_recheck(request=request, user=user, password=password)
    return sessions_end_for_user(user=user, keep_session_key=current_session_key)


def sessions_end_for_user(*, user: Any, keep_session_key: str | None = None) -> int:
    """End all of `user`'s sessions (except `keep_session_key`). Returns how many ended."""
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    deleted, _ = sessions.delete()
    return int(deleted)


def sessions_limit_for_user(*, user: Any, keep_session_key: str | None, limit: int) -> int:
    """Keep at most `limit` sessions of `user`: the current one and the newest others;
    the oldest end. Returns how many ended."""
    others = UserSession.objects.filter(user=user)
    if keep_session_key:
        others = others.exclude(session_key=keep_session_key)
    surplus = list(
        others.order_by("-created_at", "-session_key").values_list("session_key", flat=True)[
            max(limit - 1, 0) :
        ]
    )
    if not surplus:
        return 0
    deleted, _ = UserSession.objects.filter(session_key__in=surplus).delete()
    logger.info("%s oldest sessions ended: over the limit", deleted, extra={"user_id": user.pk})
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
