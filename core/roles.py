"""Who may do what (SPEC §1): three roles, decided here once.

- **Staff** (`is_staff`): office admins. Everything, including the Django admin.
- **Manager**: a member of the "Managers" group, which holds the permission
  `scheduler.manage_schedules`. Reads everything, including employees' contact details,
  and may write schedules (schedule, reschedule, trade, unschedule, approve).
- **Read-only**: any other signed-in, active user (integrations, scripts, viewers).
  Reads employees (without email and phone), events and schedules; writes nothing.

Anonymous users get nothing but the health check and the sign-in endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:  # DRF imports this module while rest_framework.views loads
    from django.contrib.auth.models import Group
    from rest_framework.request import Request
    from rest_framework.views import APIView

MANAGER_GROUP = "Managers"
MANAGE_SCHEDULES = "scheduler.manage_schedules"


def is_manager(user: Any) -> bool:
    """Staff or a manager. One permission lookup, cached on the user for the request."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return bool(user.is_staff or user.has_perm(MANAGE_SCHEDULES))


def ensure_manager_group() -> Group:
    """The Managers group with its permission (idempotent; run after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    app_label, codename = MANAGE_SCHEDULES.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    group.permissions.add(permission)
    return group


class IsManagerOrReadOnly(BasePermission):
    """Every signed-in user reads; only staff and managers write."""

    message = "Only staff and managers may change schedules."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_manager(request.user)


def manager_required(view: Any) -> Any:
    """Page views that write: signed-in staff or managers only (others get the 403 page).

    Anonymous users are sent to sign in first.
    """
    import functools

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_manager(request.user):
            raise PermissionDenied("Only staff and managers may change schedules.")
        return view(request, *args, **kwargs)

    return wrapper
