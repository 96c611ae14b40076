"""Readiness (`/api/health/`, with the database) and liveness (`/api/health/live/`,
without): each answers what a load balancer and a restart policy need."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from tests.core.test_errors import assert_problem


@pytest.fixture
def api() -> APIClient:
    return APIClient(raise_request_exception=False)


@pytest.mark.django_db
def test_readiness_asks_the_database(api: APIClient, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_liveness_runs_no_query(api: APIClient, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = api.get("/api/health/live/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert response["X-Request-ID"]  # the request still gets its id
    assert response["X-Content-Type-Options"] == "nosniff"  # and the security headers
    assert api.post("/api/health/live/").status_code == 405


@pytest.fixture
def database_unreachable() -> Iterator[None]:
    """The default connection pointed at a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    db = connections["default"]
    saved = dict(db.settings_dict)
    db.close()
    db.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    try:
        yield
    finally:
        db.close()
        db.settings_dict.clear()
        db.settings_dict.update(saved)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readiness_is_a_503_problem_when_the_database_is_unreachable(
    api: APIClient, database_unreachable: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="core.problems"):
        response = api.get("/api/health/")
    body = assert_problem(response, 503, "database_unavailable")
    assert body["title"] == "Service unavailable"
    assert body["detail"] == "The database is not reachable; try again shortly."
    assert "5432" not in response.content.decode()  # nothing about the connection leaks
    # Logged once, with the cause, under the id the client got.
    (record,) = [r for r in caplog.records if r.name == "core.problems"]
    assert record.error_id == body["error_id"]  # type: ignore[attr-defined]
    # Liveness does not depend on the database: the process is alive.
    live = api.get("/api/health/live/")
    assert (live.status_code, json.loads(live.content)) == (200, {"status": "ok"})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readiness_recovers_when_the_database_is_back(api: APIClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    db = connections["default"]
    port = db.settings_dict["PORT"]
    db.close()
    db.settings_dict["PORT"] = str(closed_port)
    try:
        assert api.get("/api/health/").status_code == 503
    finally:
        db.close()
        db.settings_dict["PORT"] = port
    assert api.get("/api/health/").status_code == 200
