"""An authentication backend that loads a signed-in user together with their employee link.

Every request of a signed-in user loads the user row; joining the reverse one-to-one
`employee` (`Employee.user`) there makes the employee-role check (`core.roles`) free:
no extra query on any page or endpoint. Core names the relation by its accessor only
and imports no app above it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's username + password backend; loads users with their employee link."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("employee").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
