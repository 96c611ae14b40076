"""The employee role's fence: an employee account reaches only the views marked for it.

Employees sign in with the session cookie. For such a request this middleware looks at
the resolved view: one marked with `core.roles.employee_access` (their own pages and
API, sign-in and sessions) goes ahead; any other answers 403 (a problem under /api/, the
error page elsewhere), so a page added later is closed to them until it is marked. The
start page sends them to their own (the app above registers it with `set_employee_home`).
Requests without a session cookie cost nothing here; API tokens are checked by
`core.roles.IsManagerOrReadOnly`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.exceptions import ForbiddenError
from core.roles import EMPLOYEE_FORBIDDEN, is_employee_user, view_allows_employees

_home: dict[str, str] = {}


def set_employee_home(path: str) -> None:
    """Where an employee account starts (keyed: safe when `ready()` runs twice)."""
    _home["path"] = path


class EmployeeAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if view_allows_employees(view_func) or not is_employee_user(request.user):
            return None
        home = _home.get("path")
        if home and request.path == "/" and request.method == "GET":
            return HttpResponseRedirect(home)
        from core.views import error_response

        return error_response(request, ForbiddenError(EMPLOYEE_FORBIDDEN))
