"""Employee API behaviour the contract run (tests/test_api_contract.py) found wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/employees/"
ApiAs = Callable[[User | None], APIClient]


def test_unknown_contact_details_are_null_not_empty_strings(
    api_as: ApiAs, manager_user: User, reader_user: User
) -> None:
    """An empty string is no email address: the row broke the schema's `format: email`."""
    blank = EmployeeFactory.create(email="", phone="")
    known = EmployeeFactory.create(email="maria@example.com", phone="317-555-0101")
    client = api_as(manager_user)
    rows = {r["id"]: r for r in client.get(URL).json()["results"]}
    assert (rows[blank.pk]["email"], rows[blank.pk]["phone"]) == (None, None)
    assert (rows[known.pk]["email"], rows[known.pk]["phone"]) == (
        "maria@example.com",
        "317-555-0101",
    )
    assert client.get(f"{URL}{blank.pk}/").json()["email"] is None
    row = api_as(reader_user).get(f"{URL}{blank.pk}/").json()
    assert "email" not in row and "phone" not in row


def test_a_page_size_that_is_no_number_is_refused(api_as: ApiAs, reader_user: User) -> None:
    """`?page_size=null` answered the default page instead of saying it is wrong."""
    response = api_as(reader_user).get(URL, {"page_size": "null"})
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("page_size", "invalid")]
