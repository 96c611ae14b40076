"""Response headers: a Content-Security-Policy everywhere, no-store on signed-in API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ApiAs = Callable[[User | None], APIClient]
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _directives(header: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in header.split("; ")}


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/schema/",
        "/api/v1/auth/me/",
        "/api/v1/employees/",
        "/api/health/",
        "/admin/login/",
        "/no-such-page/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_every_response_has_the_content_security_policy(path: str, staff_user: User) -> None:
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(staff_user)
    for client in (anonymous, signed_in):
        response = client.get(path)
        assert _directives(response["Content-Security-Policy"]) == _directives(POLICY), path


def test_no_template_has_an_inline_script_or_style() -> None:
    """The policy allows no inline code: JavaScript and CSS live in static/."""
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        inline_style = re.search(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=", text, re.IGNORECASE)
        if inline_script or inline_style or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/me/", "/api/v1/employees/", "/api/v1/sessions/", "/api/v1/nothing/"]
)
def test_signed_in_api_responses_are_not_stored(
    api_as: ApiAs, manager_user: User, path: str
) -> None:
    """They carry employees' contact details; they had no Cache-Control at all."""
    response = api_as(manager_user).get(path)
    assert response["Cache-Control"] == "no-store"


def test_token_authenticated_api_responses_are_not_stored(manager_user: User) -> None:
    _, token = AuthToken.objects.create(user=manager_user)
    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/employees/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_anonymous_api_answers_are_left_alone() -> None:
    response = Client().get("/api/schema/")
    assert "Cache-Control" not in response
