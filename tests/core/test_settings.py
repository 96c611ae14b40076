"""Settings are read once at import, so each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "x7Qm2-real-production-secret-key-for-tests-only-kP9vL3sT8wR1yZ6uN4"
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'],"
    " 'tz': settings.TIME_ZONE, 'slots': settings.SCHEDULING['CORE_SLOTS']}))"
)


def run_django(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "core.settings", **env}
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "key",
    ["", "change-me", "django-insecure-abc"],
    ids=["missing", "placeholder", "django-insecure"],
)
def test_production_refuses_to_start_without_a_real_secret_key(key: str) -> None:
    result = run_django({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key() -> None:
    result = run_django({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": REAL_KEY})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_embedded_sqlite_is_the_default_and_database_url_selects_postgresql() -> None:
    default = run_django({"DJANGO_DEBUG": "true"})
    assert json.loads(default.stdout)["engine"] == "django.db.backends.sqlite3"
    empty = run_django({"DJANGO_DEBUG": "true", "DATABASE_URL": ""})
    assert json.loads(empty.stdout)["engine"] == "django.db.backends.sqlite3"
    pg = run_django({"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    # Django's PostgreSQL backend with timestamps read in C (core/db/postgresql).
    assert json.loads(pg.stdout)["engine"] == "core.db.postgresql"


def test_store_time_zone_and_slots_come_from_the_environment() -> None:
    result = run_django(
        {
            "DJANGO_DEBUG": "true",
            "STORE_TIME_ZONE": "America/Chicago",
            "SCHEDULING_CORE_SLOTS": "10:30,11:30",
        }
    )
    assert json.loads(result.stdout) == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "tz": "America/Chicago",
        "slots": ["10:30", "11:30"],
    }


def test_deploy_checks_pass_with_production_settings() -> None:
    result = run_django(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": REAL_KEY,
            "DJANGO_ALLOWED_HOSTS": "scheduler.example.com",
        },
        code=(
            "from django.core.management import execute_from_command_line as run; "
            "run(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_logs_one_json_object_per_line() -> None:
    result = run_django(
        {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": REAL_KEY},
        code=(
            "import django, logging; django.setup(); "
            "logging.getLogger('scheduler').warning('hello %s', 'world')"
        ),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["message"] == "hello world"
    assert record["level"] == "WARNING"
    assert record["logger"] == "scheduler"
    assert record["request_id"] == "-"
    assert "time" in record


def test_development_logs_readable_lines() -> None:
    result = run_django(
        {"DJANGO_DEBUG": "true"},
        code="import django, logging; django.setup(); logging.getLogger('x').warning('hi')",
    )
    assert result.stderr.strip().endswith("WARNING x [-] hi")
