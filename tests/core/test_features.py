from __future__ import annotations

import json
import logging
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from core.features import FEATURES, get_feature, require

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]

SECRET = "hunter2-very-secret"


@pytest.fixture
def sync_off(settings: Any) -> None:
    settings.SYNC_ENABLED = False


@pytest.fixture
def sync_misconfigured(settings: Any) -> None:
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = "http://127.0.0.1:9"
    settings.SYNC_USERNAME = ""
    settings.SYNC_PASSWORD = SECRET  # set, so it must not be named; and never shown


@pytest.fixture
def sync_on(settings: Any) -> None:
    settings.SYNC_ENABLED = True
    settings.SYNC_BASE_URL = "http://127.0.0.1:9"
    settings.SYNC_USERNAME = "scheduler"
    settings.SYNC_PASSWORD = SECRET


def test_every_feature_is_off_by_default() -> None:
    assert [f.enabled for f in FEATURES.values()] == [False] * len(FEATURES)
    assert {"sync", "edr", "auto_scheduler", "calendar_feeds"} <= set(FEATURES)


def test_unknown_feature_name_fails_loudly() -> None:
    with pytest.raises(LookupError, match="Unknown feature 'synk'"):
        get_feature("synk")


@pytest.mark.usefixtures("sync_off")
def test_drf_view_with_feature_off_is_sync_disabled() -> None:
    response = APIClient(raise_request_exception=False).get("/api/test/sync/")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "sync_disabled"
    assert body["detail"] == "Planning-system sync is disabled; set SYNC_ENABLED=true."


@pytest.mark.usefixtures("sync_misconfigured")
def test_drf_view_with_feature_misconfigured_names_the_missing_variable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        response = APIClient(raise_request_exception=False).get("/api/test/sync/")
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["code"] == "configuration_error"
    assert body["missing"] == ["SYNC_USERNAME"]
    assert "SYNC_USERNAME" in body["detail"]
    assert SECRET not in response.content.decode()
    assert "SYNC_USERNAME" in caplog.text
    assert SECRET not in caplog.text
    assert any(r.levelno == logging.ERROR for r in caplog.records)


@pytest.mark.usefixtures("sync_on")
def test_drf_view_with_feature_on_works() -> None:
    response = APIClient().get("/api/test/sync/")
    assert response.status_code == 200
    assert response.json() == {"synced": True}


@pytest.mark.parametrize(
    ("fixture", "status", "text"),
    [
        ("sync_off", 400, "Planning-system sync is disabled; set SYNC_ENABLED=true."),
        ("sync_misconfigured", 500, "Something went wrong on our side"),
        ("sync_on", 200, "sync page"),
    ],
)
def test_page_view_follows_the_feature(
    request: pytest.FixtureRequest, fixture: str, status: int, text: str
) -> None:
    request.getfixturevalue(fixture)
    response = Client(raise_request_exception=False).get("/test/sync/")
    assert response.status_code == status
    assert text in response.content.decode()
    assert SECRET not in response.content.decode()


@pytest.mark.usefixtures("sync_off")
def test_command_with_feature_off_fails_with_the_reason() -> None:
    with pytest.raises(CommandError, match="set SYNC_ENABLED=true") as excinfo:
        call_command("features", "--require", "sync", stdout=StringIO())
    assert excinfo.value.returncode == 2


@pytest.mark.usefixtures("sync_misconfigured")
def test_command_with_feature_misconfigured_names_the_variable() -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="missing: SYNC_USERNAME"):
        call_command("features", "--require", "sync", stdout=out)
    assert "missing SYNC_USERNAME" in out.getvalue()
    assert SECRET not in out.getvalue()


@pytest.mark.usefixtures("sync_on")
def test_command_with_feature_on_succeeds_and_lists_every_feature() -> None:
    out = StringIO()
    call_command("features", "--require", "sync", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(FEATURES)
    assert lines[0].split()[:4] == ["Planning-system", "sync", "on", "SYNC_ENABLED"]
    assert lines[0].endswith("configured")
    assert SECRET not in out.getvalue()


def test_require_returns_the_usable_feature(sync_on: None) -> None:
    assert require("sync").name == "sync"
