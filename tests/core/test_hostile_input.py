"""Bad input gets a 4xx problem, never a 500: bodies nested too deeply for the parser."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DEEP = "[" * 100_000 + "]" * 100_000  # ~200 KB, under the body size limit
ApiAs = Callable[[User | None], APIClient]


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/api/v1/auth/login/", False),
        ("/api/v1/schedules/validate/", True),
        ("/api/v1/schedules/", True),
        ("/api/v1/schedules/trade/", True),
        ("/api/v1/sessions/revoke-others/", True),
    ],
)
def test_a_body_nested_too_deeply_is_a_400_parse_error_and_one_warning(
    api_as: ApiAs,
    staff_user: User,
    caplog: pytest.LogCaptureFixture,
    path: str,
    signed_in: bool,
) -> None:
    """Was a 500 with a traceback: the decoder's RecursionError is no ValueError."""
    client = api_as(staff_user if signed_in else None)
    with caplog.at_level(logging.INFO):
        response = client.post(path, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["detail"] == "JSON parse error - the document is nested too deeply."
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [(r.name, r.levelname, r.exc_info) for r in records] == [
        ("core.problems", "WARNING", None)
    ]
