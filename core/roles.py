"""Who may do what (docs/rules.md, roles): three roles, decided here once.

- **Staff** (`is_staff`): office admins. Everything, including the Django admin.
- **Manager**: a member of the "Managers" group, which holds the permission
  `scheduler.manage_schedules`. Reads everything, including employees' contact details,
  and may write schedules (schedule, reschedule, trade, unschedule, approve).
- **Employee**: a user linked to an employee (`Employee.user`) who is neither staff nor
  a manager. Sees only their own schedules (the self-service pages and `/api/v1/me/`)
  and nobody's contact details: every other page and endpoint answers 403
  (`core.employee_access.EmployeeAccessMiddleware`, and `IsManagerOrReadOnly` for API
  tokens). Views open to them are marked with `employee_access`.
- **Read-only**: any other signed-in, active user (integrations, scripts, viewers).
  Reads employees (without email and phone), events and schedules; writes nothing.

Anonymous users get nothing but the health check and the sign-in endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
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


def linked_employee_id(user: Any) -> int | None:
    """The id of the employee this user account belongs to (`Employee.user`), or None.

    Free when the user was loaded by `core.auth_backends` (which joins the employee);
    one query otherwise. Read through the reverse accessor: core imports no app above it.
    """
    if not (user and user.is_authenticated):
        return None
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        return None
    return int(employee.pk) if employee is not None else None


def is_employee_user(user: Any) -> bool:
    """The employee role: linked to an employee, active, neither staff nor a manager.

    Staff and managers first (free for staff); the link is only looked at for the others.
    """
    if not (user and user.is_authenticated and user.is_active) or user.is_staff:
        return False
    if linked_employee_id(user) is None:
        return False
    return not user.has_perm(MANAGE_SCHEDULES)


V = TypeVar("V")


def employee_access(view: V) -> V:
    """Mark a page view or API view class as open to the employee role (their own data).

    Every view without this mark answers 403 to an employee user.
    """
    view.employee_access = True  # type: ignore[attr-defined]
    return view


def view_allows_employees(view: Any) -> bool:
    """Whether `view` (a view function, `as_view()` result or class) carries the mark."""
    for candidate in (
        view,
        getattr(view, "cls", None),  # DRF
        getattr(view, "view_class", None),  # Django class-based views
    ):
        if candidate is not None and getattr(candidate, "employee_access", False):
            return True
    return False


class IsManagerOrReadOnly(BasePermission):
    """Every signed-in user reads; only staff and managers write.

    The employee role reads nothing here (their own schedules are under `/api/v1/me/`),
    unless the view is marked with `employee_access`.
    """

    message = "Only staff and managers may change schedules."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        # Token-authenticated requests (session ones are refused by the middleware).
        if (
            request.auth is not None
            and not view_allows_employees(view)
            and is_employee_user(request.user)
        ):
            self.message = EMPLOYEE_FORBIDDEN
            return False
        return request.method in SAFE_METHODS or is_manager(request.user)


EMPLOYEE_FORBIDDEN = "Employee accounts see only their own schedule (My schedule)."


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
