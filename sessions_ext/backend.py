"""Session store: Django's database backend, writing our extra columns too.

Set as SESSION_ENGINE = "sessions_ext.backend". Safe with many workers and servers
(the database is the only shared state), survives restarts, and Django's
`clearsessions` keeps working (it calls `clear_expired`, batched here).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils import timezone

# Columns a save rewrites; `created_at` and `public_id` are written once, on insert.
_UPDATED_FIELDS = (
    "session_data",
    "expire_date",
    "user",
    "last_activity",
    "ip_address",
    "user_agent",
)


class SessionStore(DBStore):
    # Set per request by sessions_ext.middleware before the session is saved.
    client_ip: str | None = None
    client_user_agent: str = ""

    @classmethod
    def get_model_class(cls) -> Any:
        from sessions_ext.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        obj.user_id = self._user_id(data)
        obj.last_activity = timezone.now()
        obj.ip_address = self.client_ip
        obj.user_agent = self.client_user_agent
        return obj

    @staticmethod
    def _user_id(data: dict[str, Any]) -> Any:
        raw = data.get(SESSION_KEY)
        if raw is None:
            return None
        try:
            return get_user_model()._meta.pk.to_python(raw)
        except Exception:
            return None

    def save(self, must_create: bool = False) -> None:
        """Django's save, except that an update leaves `created_at` alone."""
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            with transaction.atomic(using=using):
                if must_create:
                    obj.save(force_insert=True, using=using)
                else:
                    obj.save(update_fields=_UPDATED_FIELDS, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        return None

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    @classmethod
    def clear_expired(cls) -> None:
        from sessions_ext.services import sessions_delete_expired

        sessions_delete_expired()

    @classmethod
    async def aclear_expired(cls) -> None:
        await sync_to_async(cls.clear_expired)()
