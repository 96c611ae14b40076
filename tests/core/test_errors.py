"""Every kind of error, sent through the real URL stack, answers in one shape."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.core.error_views import SECRET_TEXT

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]

PROBLEM = "application/problem+json"
ERROR_ID = re.compile(r"^[0-9a-f]{32}$")
LEAKS = (SECRET_TEXT, "Traceback", "RuntimeError", "IntegrityError", 'File "', ".py")


@pytest.fixture
def api() -> APIClient:
    return APIClient(raise_request_exception=False)


@pytest.fixture
def page() -> Client:
    return Client(raise_request_exception=False)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["type"] == f"/problems/{code}"
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert ERROR_ID.match(body["error_id"])
    assert body["instance"] == response.wsgi_request.path
    if status >= 500:
        for leak in LEAKS:
            assert leak not in response.content.decode()
    return body


# kind, status, code, title
API_CASES = [
    ("app-invalid", 400, "invalid", "Invalid input"),
    ("app-unauthenticated", 401, "not_authenticated", "Authentication required"),
    ("app-forbidden", 403, "permission_denied", "Permission denied"),
    ("app-not-found", 404, "not_found", "Not found"),
    ("app-conflict", 409, "conflict", "Conflict"),
    ("app-sync-disabled", 400, "sync_disabled", "Planning-system sync disabled"),
    ("app-configuration", 500, "configuration_error", "Server misconfigured"),
    ("app-database", 500, "database_error", "Database error"),
    ("app-external", 502, "external_api_error", "External service error"),
    ("drf-not-found", 404, "not_found", "Not Found"),
    ("drf-permission", 403, "permission_denied", "Forbidden"),
    ("drf-throttled", 429, "throttled", "Too Many Requests"),
    ("django-404", 404, "not_found", "Not found"),
    ("django-403", 403, "permission_denied", "Permission denied"),
    ("django-validation", 400, "invalid", "Invalid input"),
    ("integrity", 409, "conflict", "Conflict"),
    ("integrity-real", 409, "conflict", "Conflict"),
    ("suspicious", 400, "bad_request", "Bad Request"),
    ("unexpected", 500, "error", "Internal server error"),
]


@pytest.mark.parametrize(("kind", "status", "code", "title"), API_CASES)
def test_drf_view_errors_are_problems(
    api: APIClient, kind: str, status: int, code: str, title: str
) -> None:
    body = assert_problem(api.get(f"/api/test/raise/{kind}/"), status, code)
    assert body["title"] == title


@pytest.mark.parametrize(("kind", "status", "code", "title"), API_CASES[:9] + API_CASES[12:])
def test_plain_django_views_under_api_answer_problems_too(
    api: APIClient, kind: str, status: int, code: str, title: str
) -> None:
    body = assert_problem(api.get(f"/api/test/plain/{kind}/"), status, code)
    assert body["title"] == title


def test_details_are_specific_and_errors_are_listed(api: APIClient) -> None:
    body = assert_problem(api.get("/api/test/raise/app-not-found/"), 404, "not_found")
    assert body["detail"] == "No event #12."
    body = assert_problem(api.get("/api/test/raise/django-validation/"), 400, "invalid")
    assert sorted(body["errors"], key=lambda e: str(e["attr"])) == [
        {"attr": None, "code": "invalid", "detail": "Not allowed."},
        {"attr": "start", "code": "invalid", "detail": "Outside the window."},
    ]


def test_throttled_says_when_to_retry(api: APIClient) -> None:
    response = api.get("/api/test/raise/drf-throttled/")
    assert_problem(response, 429, "throttled")
    assert response["Retry-After"] == "42"


def test_nested_validation_errors_are_flattened(api: APIClient) -> None:
    response = api.post(
        "/api/test/order/",
        {"name": "too long", "items": [{"start": "2026-12-15T10:45:00-05:00"}, {"start": "x"}]},
        format="json",
    )
    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"attr": "name", "code": "max_length", "detail": body["errors"][0]["detail"]},
        {"attr": "items.1.start", "code": "invalid", "detail": body["errors"][1]["detail"]},
    ]
    assert "5 characters" in body["errors"][0]["detail"]


def test_non_field_errors_have_no_attr(api: APIClient) -> None:
    response = api.post("/api/test/order/", {"name": "clash", "items": []}, format="json")
    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == [
        {"attr": None, "code": "invalid", "detail": "Name and items disagree."}
    ]


def test_malformed_json_is_a_parse_error(api: APIClient) -> None:
    response = api.post("/api/test/order/", '{"name": "a", ', content_type="application/json")
    assert_problem(response, 400, "parse_error")


def test_wrong_content_type_is_unsupported(api: APIClient) -> None:
    response = api.post("/api/test/order/", "name=a", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")


def test_huge_body_is_refused(api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    payload = json.dumps({"name": "a", "items": [], "pad": "x" * 5000})
    response = api.post("/api/test/order/", payload, content_type="application/json")
    assert_problem(response, 413, "request_too_large")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_unsupported_methods(api: APIClient, method: str) -> None:
    response = getattr(api, method)("/api/test/order/")
    assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_unknown_http_method(api: APIClient) -> None:
    response = api.generic("BREW", "/api/test/order/")
    assert_problem(response, 405, "method_not_allowed")


def test_anonymous_is_401_with_a_challenge(api: APIClient) -> None:
    response = api.get("/api/test/private/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"]


def test_unknown_api_url_is_a_problem_not_html(api: APIClient) -> None:
    assert_problem(api.get("/api/nothing/here/"), 404, "not_found")
    assert_problem(api.post("/api/nothing/here/", {}), 404, "not_found")


# kind, status, text on the page
PAGE_CASES = [
    ("app-invalid", 400, "Start is not a slot time."),
    ("app-forbidden", 403, "You can't do that"),
    ("app-not-found", 404, "Page not found"),
    ("app-conflict", 409, "Already scheduled."),
    ("app-sync-disabled", 400, "Planning-system sync is disabled"),
    ("app-configuration", 500, "Something went wrong on our side"),
    ("app-external", 502, "Something went wrong on our side"),
    ("django-404", 404, "Page not found"),
    ("django-403", 403, "You can't do that"),
    ("django-validation", 400, "Invalid input"),
    ("integrity", 409, "Conflict"),
    ("suspicious", 400, "Bad Request"),
    ("unexpected", 500, "Something went wrong on our side"),
]


@pytest.mark.parametrize(("kind", "status", "text"), PAGE_CASES)
def test_pages_show_a_friendly_error_page_with_the_error_id(
    page: Client, kind: str, status: int, text: str
) -> None:
    response = page.get(f"/test/raise/{kind}/")
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert text in html
    assert re.search(r"Error id: <code>[0-9a-f]{32}</code>", html)
    assert "<title>" in html and "Event Scheduler" in html
    for leak in LEAKS:
        assert leak not in html


def test_unknown_page_is_the_404_page(page: Client) -> None:
    response = page.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("client_name", "url"),
    [
        ("api", "/api/test/raise/unexpected/"),
        ("api", "/api/test/plain/unexpected/"),
        ("page", "/test/raise/unexpected/"),
    ],
    ids=["drf", "plain-api", "page"],
)
def test_500_error_id_is_in_the_log_record_with_the_traceback(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, client_name: str, url: str
) -> None:
    client = request.getfixturevalue(client_name)
    with caplog.at_level(logging.ERROR):
        response = client.get(url, HTTP_X_REQUEST_ID="req-abc.123")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-abc.123"
    if client_name == "page":
        error_id = re.search(r"<code>([0-9a-f]{32})</code>", response.content.decode())[1]  # type: ignore[index]
    else:
        error_id = json.loads(response.content)["error_id"]
    records = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert record.request_id == "req-abc.123"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "x" * 200, "new\nline", "<script>"],
    ids=["empty", "space", "too-long", "newline", "markup"],
)
def test_insane_request_ids_are_replaced(api: APIClient, incoming: str) -> None:
    response = api.get("/api/health/", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert re.match(r"^[0-9a-f]{32}$", response["X-Request-ID"])


def test_health_endpoint(api: APIClient) -> None:
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@pytest.mark.urls("core.urls")
def test_unknown_api_url_is_a_problem_even_with_debug_on(api: APIClient, settings: Any) -> None:
    settings.DEBUG = True
    body = assert_problem(api.get("/api/v1/nope/"), 404, "not_found")
    assert body["detail"] == "There is no API endpoint at this address."
