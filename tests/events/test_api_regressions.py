"""Event API behaviour the contract run (tests/test_api_contract.py) found wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
ApiAs = Callable[[User | None], APIClient]


def test_a_missing_sales_tool_url_is_null(api_as: ApiAs, reader_user: User) -> None:
    """An empty string is no URL: the row broke the schema's `format: uri`."""
    blank = EventFactory.create(sales_tool_url="")
    linked = EventFactory.create(sales_tool_url="https://example.com/tool/1")
    client = api_as(reader_user)
    rows = {r["id"]: r for r in client.get(URL).json()["results"]}
    assert rows[blank.pk]["sales_tool_url"] is None
    assert rows[linked.pk]["sales_tool_url"] == "https://example.com/tool/1"
    assert client.get(f"{URL}{blank.pk}/").json()["sales_tool_url"] is None


@pytest.mark.parametrize("search", ["²", "①", "1²"])
def test_a_search_of_non_ascii_digits_is_text(
    api_as: ApiAs, reader_user: User, search: str
) -> None:
    """`"²".isdigit()` is true but `int("²")` raises: the search was a 500."""
    EventFactory.create(project_name="606200-CORE-Demo")
    response = api_as(reader_user).get(URL, {"search": search})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_search_of_ascii_digits_still_finds_the_ref_number(
    api_as: ApiAs, reader_user: User
) -> None:
    event = EventFactory.create(project_ref_num=9300001)
    body = api_as(reader_user).get(URL, {"search": "9300001"}).json()
    assert [r["id"] for r in body["results"]] == [event.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ],
)
def test_the_ends_of_the_calendar_are_valid_dates(
    api_as: ApiAs, reader_user: User, params: dict[str, str]
) -> None:
    """`date_to=9999-12-31` computed the day after it and crashed (500)."""
    event = EventFactory.create()
    body = api_as(reader_user).get(URL, params).json()
    assert [r["id"] for r in body["results"]] == [event.pk]


def test_a_store_longer_than_the_column_is_refused(api_as: ApiAs, reader_user: User) -> None:
    response = api_as(reader_user).get(URL, {"store": "x" * 17})
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("store", "max_length")]
