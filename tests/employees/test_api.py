from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from employees.models import JobTitle
from tests.employees.factories import EmployeeFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/employees/"
ApiAs = Callable[[User | None], APIClient]


def test_anonymous_gets_401_problem(api_as: ApiAs) -> None:
    response = api_as(None).get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


def test_reader_sees_employees_without_contact_details(api_as: ApiAs, reader_user: User) -> None:
    EmployeeFactory.create(name="Maria Lopez", external_id="US100234", available_sun=False)
    body = api_as(reader_user).get(URL).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["name"] == "Maria Lopez"
    assert row["external_id"] == "US100234"
    assert row["job_title"] == "event_specialist"
    assert row["job_title_display"] == "Event Specialist"
    assert row["available_weekdays"] == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert "email" not in row and "phone" not in row


@pytest.mark.parametrize("who", ["manager_user", "staff_user"])
def test_managers_and_staff_see_contact_details(
    request: pytest.FixtureRequest, api_as: ApiAs, who: str
) -> None:
    EmployeeFactory.create(email="maria@example.com", phone="317-555-0101")
    row = api_as(request.getfixturevalue(who)).get(URL).json()["results"][0]
    assert (row["email"], row["phone"]) == ("maria@example.com", "317-555-0101")


def test_detail_and_unknown_id(api_as: ApiAs, reader_user: User) -> None:
    employee = EmployeeFactory.create()
    client = api_as(reader_user)
    assert client.get(f"{URL}{employee.pk}/").json()["id"] == employee.pk
    missing = client.get(f"{URL}999999/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_read_only_api_refuses_writes(api_as: ApiAs, reader_user: User, manager_user: User) -> None:
    assert api_as(reader_user).post(URL, {"name": "x"}).status_code == 403
    assert api_as(manager_user).post(URL, {"name": "x"}).status_code == 405


def test_list_runs_a_constant_number_of_queries(api_as: ApiAs, manager_user: User) -> None:
    EmployeeFactory.create()
    client = api_as(manager_user)

    def grow() -> None:
        EmployeeFactory.create_batch(199)

    # session, user, the manager's two permission lookups, count, page.
    assert_constant_queries(lambda: client.get(URL, {"page_size": 200}), grow, expected=6)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"job_title": "juicer_barista"}, ["Jo Juicer"]),
        ({"job_title": ["juicer_barista", "club_supervisor"]}, ["Cy Super", "Jo Juicer"]),
        ({"is_active": "false"}, ["Ex Employee"]),
        ({"is_active": "true", "job_title": "event_specialist"}, ["Al Spec"]),
        ({"search": "super"}, ["Cy Super"]),
        ({"search": "US200002"}, ["Jo Juicer"]),
        ({"search": "al.spec@example.com"}, ["Al Spec"]),
        ({"ordering": "-name"}, ["Jo Juicer", "Ex Employee", "Cy Super", "Al Spec"]),
    ],
)
def test_filters(
    api_as: ApiAs, reader_user: User, params: dict[str, Any], expected: list[str]
) -> None:
    EmployeeFactory.create(name="Al Spec", external_id="US200001", email="al.spec@example.com")
    EmployeeFactory.create(
        name="Jo Juicer", external_id="US200002", job_title=JobTitle.JUICER_BARISTA
    )
    EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)
    EmployeeFactory.create(name="Ex Employee", is_active=False)
    body = api_as(reader_user).get(URL, params).json()
    names = [row["name"] for row in body["results"]]
    assert names == expected if "ordering" in params else sorted(names) == expected


@pytest.mark.parametrize(
    ("params", "attr", "code"),
    [
        ({"job_title": "janitor"}, "job_title", "invalid_choice"),
        ({"is_active": "maybe"}, "is_active", "invalid"),
        ({"ordering": "salary"}, "ordering", "invalid_choice"),
        ({"search": "x" * 101}, "search", "max_length"),
    ],
)
def test_bad_filter_values_are_400_problems_naming_the_parameter(
    api_as: ApiAs, reader_user: User, params: dict[str, str], attr: str, code: str
) -> None:
    response = api_as(reader_user).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [(e["attr"], e["code"]) for e in body["errors"]] == [(attr, code)]


def test_pagination_is_bounded_and_stable(api_as: ApiAs, reader_user: User) -> None:
    for _ in range(5):
        EmployeeFactory.create(name="Same Name")
    client = api_as(reader_user)
    first = client.get(URL, {"page_size": "2", "ordering": "name"}).json()
    second = client.get(URL, {"page_size": "2", "ordering": "name", "page": "2"}).json()
    third = client.get(URL, {"page_size": "2", "ordering": "name", "page": "3"}).json()
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(ids) == 5 == len(set(ids))
    assert ids == sorted(ids)  # equal names: the id breaks the tie
    big = client.get(URL, {"page_size": 10_000}).json()
    assert big["count"] == 5 and len(big["results"]) == 5
    assert client.get(URL, {"page": 99}).status_code == 404
