"""Log lines: UTC timestamps with their offset, refused requests as one quiet WARNING."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import logging.config
import re
import runpy
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.log_format import UTCFormatter, UTCJsonFormatter

UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")
ROOT = Path(__file__).resolve().parents[2]


def _record() -> logging.LogRecord:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "hello", None, None)
    # 2026-12-04T23:00:00.250 UTC: 18:00 in the store, already the 5th east of Greenwich.
    record.created = dt.datetime(2026, 12, 4, 23, tzinfo=dt.UTC).timestamp() + 0.25
    record.request_id = "r1"
    record.error_id = "-"
    return record


def _formatter(spec: dict[str, Any]) -> logging.Formatter:
    """The formatter a logging dictConfig makes of `spec`."""
    formatter: logging.Formatter = logging.config.DictConfigurator({}).configure_formatter(
        dict(spec)
    )
    return formatter


@pytest.mark.parametrize("name", ["plain", "json"])
def test_app_log_lines_carry_utc_with_the_offset(name: str) -> None:
    """Were `2026-12-04 18:00:00,250`: the machine's zone, no offset."""
    formatters = cast(dict[str, dict[str, Any]], django_settings.LOGGING["formatters"])
    formatter = _formatter(formatters[name])
    assert isinstance(formatter, UTCFormatter | UTCJsonFormatter)
    line = formatter.format(_record())
    stamp = json.loads(line)["time"] if name == "json" else line.split(" ")[0]
    assert stamp == "2026-12-04T23:00:00.250+00:00"


def test_gunicorn_log_lines_carry_utc_with_the_offset() -> None:
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    stream = io.StringIO()
    for spec in config["logconfig_dict"]["formatters"].values():
        formatter = _formatter(spec)
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handler.emit(_record())
    lines = stream.getvalue().splitlines()
    assert lines
    for line in lines:
        assert UTC_STAMP.match(line.split(" ")[0]), line


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/auth/me/"])
def test_a_disallowed_host_is_one_warning_without_a_traceback(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Was an ERROR with a traceback on django.security.DisallowedHost, then a second line."""
    with caplog.at_level(logging.INFO):
        response = Client(HTTP_HOST="attacker.example").get(path)
    assert response.status_code == 400
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [
        ("django.security.DisallowedHost", "WARNING", None)
    ]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_one_warning_without_a_traceback(
    settings: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO):
        response = Client().post("/api/v1/auth/login/", "x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [
        ("django.security.RequestDataTooBig", "WARNING", None)
    ]
