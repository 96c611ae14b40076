"""The employee role sees only its own schedules and nobody's contact details: every
page and endpoint of the project is walked as an employee account."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.roles import is_employee_user, view_allows_employees
from employees.models import Employee
from tests.selfservice.conftest import schedule_on

pytestmark = pytest.mark.django_db

# The views an employee account may open: its own pages and API, sign-in and sessions.
EMPLOYEE_VIEWS = {
    "login",
    "logout",
    "password-change",
    "session-list",
    "session-revoke-others",
    "session-revoke",
    "api-login",
    "api-logout",
    "api-me",
    "api-session-list",
    "api-session-detail",
    "api-session-revoke-others",
    "me-home",
    "me-notices",
    "me-calendar",
    "me-requests",
    "me-request-cancel",
    "me-set-password",
    "me-set-password-done",
    "calendar-feed",
    "api-me-schedules",
    "api-me-requests",
    "api-me-request-cancel",
}


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _sample_path(route: str, ids: dict[str, Any]) -> str | None:
    """A concrete URL for a route, pointing at the other employee's rows where ids fit."""
    if route.startswith("^") or "(?P" in route:
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        route = re.sub(r"\(\?P<format>[^)]*\)", "", route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
        route = route.replace("\\.", ".")
        if "(" in route or "[" in route:
            return None

    def fill(match: re.Match[str]) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter == "isoday":
            return dt.date.today().isoformat()  # noqa: DTZ011
        if converter == "isomonth":
            return dt.date.today().isoformat()[:7]  # noqa: DTZ011
        if converter == "uuid":
            return str(uuid.uuid4())
        if name in {"token", "uidb64"}:
            return "x"
        return str(ids.get(name, ids["pk"]))

    return "/" + re.sub(r"<([^>]+)>", fill, route)


@pytest.fixture
def others_rows(other: Employee) -> dict[str, Any]:
    schedule = schedule_on(other, dt.date.today() + dt.timedelta(days=1))  # noqa: DTZ011
    return {"pk": schedule.pk, "schedule": schedule, "event": schedule.event}


def test_every_unmarked_view_refuses_an_employee_account(
    employee_client: Client, other: Employee, others_rows: dict[str, Any]
) -> None:
    checked = 0
    for route, pattern in _walk(get_resolver()):
        if pattern.name in EMPLOYEE_VIEWS or route.startswith("static"):
            continue
        path = _sample_path(route, {"pk": others_rows["pk"]})
        if path is None:
            continue
        for method in ("get", "post"):
            response = getattr(employee_client, method)(path)
            if path == "/" and method == "get":
                assert response["Location"] == "/me/"  # the start page sends them home
                continue
            assert response.status_code == 403, (method, path, response.status_code)
            body = response.content.decode()
            assert other.name not in body and other.email not in body, path
        checked += 1
    assert checked > 40  # every manager page, admin page and API endpoint


def test_the_marked_views_are_exactly_the_employee_ones() -> None:
    marked = {
        pattern.name
        for _, pattern in _walk(get_resolver())
        if pattern.name and view_allows_employees(pattern.callback)
    }
    assert marked == EMPLOYEE_VIEWS


def test_the_start_page_sends_an_employee_to_their_schedule(employee_client: Client) -> None:
    response = employee_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_api_refusal_is_a_problem(employee_client: Client) -> None:
    response = employee_client.get("/api/v1/schedules/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission_denied"


def test_an_employee_api_token_reads_nothing_but_their_own(
    employee: Employee, other: Employee, others_rows: dict[str, Any]
) -> None:
    _, token = AuthToken.objects.create(user=employee.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for path in ("/api/v1/schedules/", "/api/v1/employees/", "/api/v1/events/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert other.name not in response.content.decode()
    assert client.get("/api/v1/me/schedules/").json()["count"] == 0


def test_the_pages_of_the_employee_show_nobody_elses_details(
    employee_client: Client, employee: Employee, other: Employee, others_rows: dict[str, Any]
) -> None:
    for path in ("/me/", "/me/requests/", "/api/v1/me/schedules/", "/api/v1/me/requests/"):
        response = employee_client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert other.name not in body and other.email not in body and other.phone not in body
        assert others_rows["event"].project_name not in body


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", False), ("manager", False), ("reader", False), ("employee", True)],
)
def test_the_role(
    who: str,
    expected: bool,
    staff_user: Any,
    manager_user: Any,
    reader_user: Any,
    employee: Employee,
) -> None:
    users = {
        "staff": staff_user,
        "manager": manager_user,
        "reader": reader_user,
        "employee": employee.user,
    }
    user = users[who]
    if who in {"staff", "manager"}:
        Employee.objects.filter(pk=employee.pk).update(user=None)
        employee.refresh_from_db()
        employee.user = user
        employee.save()  # linked to an employee, yet staff or manager first
    assert is_employee_user(user) is expected


def test_a_manager_linked_to_an_employee_keeps_the_manager_pages(
    manager_user: Any, other: Employee
) -> None:
    other.user = manager_user
    other.save()
    client = Client()
    client.force_login(manager_user)
    assert client.get("/week/", follow=True).status_code == 200
    assert client.get("/me/").status_code == 200
