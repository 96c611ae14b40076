"""Log lines: UTC timestamps with their offset, refused requests as one quiet WARNING."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import logging.config
import os
import re
import signal
import socket
import subprocess
import sys
import time
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.server
def test_a_real_gunicorn_and_the_app_log_every_line_in_utc(tmp_path: Path) -> None:
    """gunicorn started as the README says: its own lines (start-up, access log) and the
    application's carry the same UTC timestamps; before, gunicorn wrote local time in
    its own `[2026-12-04 19:07:41 -0500]` format."""
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "gunicorn-log-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "INFO",
        "DJANGO_LOG_FORMAT": "plain",
        "TZ": "America/New_York",
        # WhiteNoise warns (a Python warning, not a log record) that nothing is collected.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "gunicorn_conf.py",
                "core.wsgi:application",
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
                "--access-logfile=-",
            ],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            status = None
            while status is None and time.monotonic() < deadline:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/api/v1/no-such-endpoint/")
                    status = connection.getresponse().status
                except OSError:
                    time.sleep(0.2)
            assert status == 404
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    lines = [line for f in (out, err) for line in f.read_text().splitlines() if line.strip()]
    names = " ".join(lines)
    assert "gunicorn.error" in names and "core.problems" in names
    assert [ln for ln in lines if "gunicorn.access" in ln and "/api/v1/no-such-endpoint/" in ln]
    for line in lines:
        assert UTC_STAMP.match(line.split(" ")[0]), line
