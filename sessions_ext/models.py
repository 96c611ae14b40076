from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

from sessions_ext.querysets import UserSessionQuerySet

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

USER_AGENT_MAX_LENGTH = 512


class UserSession(AbstractBaseSession):
    """A database-backed session with who, where from, and when (README, Errors and Sign-in).

    `session_key` is the secret in the cookie and never leaves the server;
    `public_id` is what pages, the API and the admin use to name a session.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="user_sessions",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_activity = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True)

    objects = UserSessionQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["-last_activity"]
        indexes = [
            models.Index(fields=["user", "expire_date"], name="usersession_user_expiry_idx"),
        ]

    def __str__(self) -> str:
        who = self.user.get_username() if self.user_id and self.user else "anonymous"
        return f"{who} · {self.ip_address or 'unknown IP'} · {self.user_agent[:40] or '?'}"

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from sessions_ext.backend import SessionStore

        return SessionStore

    @property
    def is_expired(self) -> bool:
        return self.expire_date <= timezone.now()
