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


@pytest.mark.parametrize(
    "body",
    [
        '{"event": 1, "employee": 1, "start": "2026-12-16T10:45:00Z", "acknowledge": ["\\ud800"]}',
        '{"\\udfff": 1}',
        '["ok", {"deep": ["\\ud83d"]}]',
    ],
)
def test_a_lone_surrogate_is_a_400_parse_error(api_as: ApiAs, staff_user: User, body: str) -> None:
    """`"acknowledge": ["\\ud800"]` was a 500: the error message echoing the value could
    not be encoded as UTF-8."""
    response = api_as(staff_user).post("/api/v1/schedules/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_surrogate_pair_is_a_character_and_is_kept(api_as: ApiAs) -> None:
    """😀 escaped as a pair is one character: no parse error (a 400 for the credentials)."""
    response = api_as(None).post(
        "/api/v1/auth/login/",
        '{"username": "\\ud83d\\ude00", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
