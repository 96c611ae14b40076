from __future__ import annotations

from typing import Any

import pytest

from core.checks import check_features, check_production

GOOD_PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": "x7Qm2-real-production-secret-key-for-tests-only-kP9vL3sT8wR1yZ6uN4",
    "ALLOWED_HOSTS": ["scheduler.example.com"],
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "SESSION_COOKIE_SAMESITE": "Lax",
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_SSL_REDIRECT": True,
}


@pytest.fixture
def production(settings: Any) -> Any:
    for name, value in GOOD_PRODUCTION.items():
        setattr(settings, name, value)
    return settings


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_good_production_settings_pass(production: Any) -> None:
    assert check_production(None) == []


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("DEBUG", True, "core.E010"),
        ("SECRET_KEY", "short", "core.E011"),
        ("SECRET_KEY", "django-insecure-" + "a1b2c3d4e5" * 6, "core.E011"),
        ("SECRET_KEY", "ab" * 40, "core.E011"),
        ("ALLOWED_HOSTS", [], "core.E012"),
        ("ALLOWED_HOSTS", ["*"], "core.E012"),
        ("SESSION_COOKIE_SECURE", False, "core.E013"),
        ("SESSION_COOKIE_HTTPONLY", False, "core.E013"),
        ("SESSION_COOKIE_NAME", "sessionid", "core.E017"),
        ("SESSION_COOKIE_SAMESITE", "None", "core.E018"),
        ("SESSION_COOKIE_SAMESITE", False, "core.E018"),
        ("CSRF_COOKIE_SECURE", False, "core.E014"),
        ("SECURE_HSTS_SECONDS", 3600, "core.E015"),
        ("SECURE_SSL_REDIRECT", False, "core.E016"),
    ],
)
def test_each_production_rule_fires_when_broken(
    production: Any, name: str, value: Any, check_id: str
) -> None:
    setattr(production, name, value)
    messages = check_production(None)
    assert ids(messages) == [check_id]
    if name == "SECRET_KEY":
        assert value not in messages[0].msg + (messages[0].hint or "")


def test_features_check_is_quiet_when_everything_is_off(settings: Any) -> None:
    assert check_features(None) == []


def test_features_check_fires_for_an_enabled_feature_missing_settings(settings: Any) -> None:
    settings.EDR_ENABLED = True
    settings.EDR_LOGIN_URL = "https://login.example.com"
    settings.EDR_PORTAL_URL = "https://edr.example.com"
    settings.EDR_USERNAME = ""
    settings.EDR_PASSWORD = "do-not-print-me"
    settings.EDR_MFA_CREDENTIAL_ID = ""
    messages = check_features(None)
    assert ids(messages) == ["core.E001"]
    assert "EDR reports" in messages[0].msg
    assert "EDR_USERNAME" in (messages[0].hint or "")
    assert "EDR_MFA_CREDENTIAL_ID" in (messages[0].hint or "")
    assert "EDR_PASSWORD" not in (messages[0].hint or "")
    assert "EDR_PORTAL_URL" not in (messages[0].hint or "")
    assert "do-not-print-me" not in messages[0].msg + (messages[0].hint or "")


def test_features_check_is_quiet_for_a_configured_feature(settings: Any) -> None:
    settings.CALENDAR_FEEDS_ENABLED = True
    settings.CALENDAR_FEEDS_SECRET = "feed-secret"
    assert check_features(None) == []
