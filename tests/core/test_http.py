"""core/http.py, the retries shared by the planning-system and retailer-portal clients,
against a real HTTP server on loopback (no mocks)."""

import datetime as dt
import logging
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.exceptions import ExternalAPIError
from core.http import RetryPolicy, parse_retry_after, send_with_retry


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh(server: HTTPServer) -> Iterator[None]:
    server.clear()
    yield
    server.clear()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> RetryPolicy:
    return RetryPolicy(attempts=3, base=0.01, sleep=sleeps.append)


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/data"  # nothing listens there: connection refused


def _answers(server: HTTPServer, *statuses: int, headers: dict[str, str] | None = None) -> None:
    for status in statuses:
        server.expect_ordered_request("/data").respond_with_data(
            "x", status=status, headers=headers or {}
        )


def test_a_retryable_status_is_tried_again_until_an_answer(server, policy, sleeps):
    _answers(server, 503, 502, 200)

    with httpx.Client() as http:
        response = send_with_retry(http, "GET", server.url_for("/data"), policy=policy, service="s")

    assert response.status_code == 200
    assert len(sleeps) == 2
    assert all(0 <= s <= 0.04 for s in sleeps)


def test_any_other_status_is_the_caller_s(server, policy, sleeps):
    _answers(server, 404)

    with httpx.Client() as http:
        response = send_with_retry(http, "GET", server.url_for("/data"), policy=policy, service="s")

    assert response.status_code == 404
    assert sleeps == []


def test_retry_after_is_honoured_and_capped(server, sleeps):
    _answers(server, 429, headers={"Retry-After": "7"})
    _answers(server, 429, headers={"Retry-After": "3600"})
    _answers(server, 200)
    policy = RetryPolicy(attempts=3, cap=60, sleep=sleeps.append)

    with httpx.Client() as http:
        send_with_retry(http, "GET", server.url_for("/data"), policy=policy, service="s")

    assert sleeps == [7.0, 60.0]


def test_the_last_failed_attempt_is_an_external_api_error(server, policy, sleeps, caplog):
    caplog.set_level(logging.INFO, logger="core.http")
    _answers(server, 500, 500, 500)

    with httpx.Client() as http, pytest.raises(ExternalAPIError) as raised:
        send_with_retry(
            http, "GET", server.url_for("/data?secret=1"), policy=policy, service="test service"
        )

    assert raised.value.detail == "The test service is unavailable (HTTP 500)."
    assert raised.value.status == 502
    assert len(sleeps) == 2
    logged = [r.getMessage() for r in caplog.records if r.name == "core.http"]
    assert logged[-1] == "test service: GET /data HTTP 500; giving up"
    assert not any("secret" in line for line in logged)  # the path only, never the query


def test_narrower_retry_statuses_return_the_others(server, policy, sleeps):
    _answers(server, 500)

    with httpx.Client() as http:
        response = send_with_retry(
            http,
            "POST",
            server.url_for("/data"),
            policy=policy,
            service="s",
            retry_statuses={429, 503},
        )

    assert response.status_code == 500
    assert sleeps == []


def test_a_refused_connection_is_retried_then_given_up(policy, sleeps):
    with httpx.Client() as http, pytest.raises(ExternalAPIError) as raised:
        send_with_retry(http, "GET", _closed_port_url(), policy=policy, service="s")

    assert raised.value.detail == "The s is unavailable (connection failed)."
    assert len(sleeps) == 2


def test_a_timeout_is_retried_by_default(server, sleeps):
    server.expect_ordered_request("/data").respond_with_handler(_slow)
    _answers(server, 200)
    policy = RetryPolicy(attempts=2, base=0.01, sleep=sleeps.append)

    with httpx.Client(timeout=0.2) as http:
        response = send_with_retry(http, "GET", server.url_for("/data"), policy=policy, service="s")

    assert response.status_code == 200
    assert len(sleeps) == 1


def _slow(request: Request) -> Response:
    time.sleep(0.6)
    return Response("late")


def test_transient_decides_which_failures_are_retried(policy, sleeps):
    # None: not retried, the exception goes through as it is.
    with httpx.Client() as http, pytest.raises(httpx.ConnectError):
        send_with_retry(
            http, "GET", _closed_port_url(), policy=policy, service="s", transient=lambda e: None
        )
    assert sleeps == []

    # Or it raises an error of its own.
    def refuse(exc: httpx.HTTPError) -> str:
        raise ExternalAPIError("Not sent again.") from None

    with httpx.Client() as http, pytest.raises(ExternalAPIError, match="Not sent again"):
        send_with_retry(
            http, "POST", _closed_port_url(), policy=policy, service="s", transient=refuse
        )
    assert sleeps == []


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("5", 5.0),
        (" 12 ", 12.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # in the past
        ("Wed, 21 Oct 2026 07:28:30", None),  # no zone
        ("-3", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, seconds):
    now = dt.datetime(2026, 10, 21, 7, 28, tzinfo=dt.UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_backoff_is_full_jitter_below_the_cap():
    asked: list[tuple[float, float]] = []

    def highest(low: float, high: float) -> float:
        asked.append((low, high))
        return high

    policy = RetryPolicy(base=1.0, cap=5.0, jitter=highest)

    assert [policy.delay(n) for n in range(4)] == [1.0, 2.0, 4.0, 5.0]
    assert asked == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 5.0)]
    assert policy.delay(0, retry_after=-2) == 0.0
