"""API-wide behaviour the contract run (tests/test_api_contract.py) found wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.dates import bound_from, bound_until, day_start
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
ApiAs = Callable[[User | None], APIClient]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_urls_answer_404_problems_to_unsafe_methods_too(
    method: str, reader_user: User
) -> None:
    """Was a 403 HTML page: the CSRF middleware refused the catch-all view first."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader_user)
    response = getattr(client, method)("/api/v1/sessions/%C2%84/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "attr", "code"),
    [
        ({"page": "0"}, "page", "min_value"),
        ({"page": "last"}, "page", "invalid"),
        ({"page": "1.5"}, "page", "invalid"),
        ({"page_size": "0"}, "page_size", "min_value"),
        ({"page_size": "null"}, "page_size", "invalid"),
        ({"page_size": "-1"}, "page_size", "min_value"),
    ],
)
def test_bad_page_parameters_are_400_problems_naming_them(
    api_as: ApiAs, reader_user: User, params: dict[str, str], attr: str, code: str
) -> None:
    """Were silently page 1 or the default size (or a 404 for page 0)."""
    response = api_as(reader_user).get("/api/v1/events/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]


def test_empty_page_parameters_count_as_absent(api_as: ApiAs, reader_user: User) -> None:
    EventFactory.create_batch(2)
    body = api_as(reader_user).get("/api/v1/events/", {"page": "", "page_size": ""}).json()
    assert body["count"] == 2 and len(body["results"]) == 2


def test_day_bounds_at_the_ends_of_the_calendar_bound_nothing() -> None:
    day = dt.date(2026, 12, 14)
    assert bound_from(day) == day_start(day)
    assert bound_until(day) == day_start(dt.date(2026, 12, 15))
    assert bound_from(dt.date.min) is None
    assert bound_until(dt.date.max) is None  # date.max + 1 day raised OverflowError (500)


def test_the_first_day_is_a_valid_date_from_in_a_zone_east_of_utc(
    api_as: ApiAs, reader_user: User
) -> None:
    """Midnight of 0001-01-01 in Tokyo (UTC+9:19) is not representable in UTC: a 500."""
    EventFactory.create()
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        response = api_as(reader_user).get("/api/v1/events/", {"date_from": "0001-01-01"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
