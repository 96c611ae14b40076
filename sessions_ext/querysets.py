from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:  # the model module imports this one
    from sessions_ext.models import UserSession  # noqa: F401 (used in a string base class)


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def live(self) -> UserSessionQuerySet:
        return self.filter(expire_date__gt=timezone.now())

    def expired(self) -> UserSessionQuerySet:
        return self.filter(expire_date__lte=timezone.now())

    def of_user(self, user: Any) -> UserSessionQuerySet:
        return self.filter(user=user)
