"""System checks (`manage.py check`; `--deploy` adds the production-only ones).

Ids are stable: E001 is configuration, E01x are production rules. Messages name
settings, never their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from core.features import FEATURES

MIN_HSTS_SECONDS = 31_536_000  # one year
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARS = 5


@register()
def check_features(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f"{feature.label} is enabled ({feature.flag}) but not configured.",
            hint=f"Set {', '.join(feature.missing)}, or set {feature.flag}=false.",
            id="core.E001",
        )
        for feature in FEATURES.values()
        if feature.enabled and feature.missing
    ]


def _weak_secret_key(key: str) -> bool:
    return (
        len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_CHARS
        or key.startswith("django-insecure")
    )


@register(deploy=True)
def check_production(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.DEBUG:
        errors.append(Error("DEBUG is on.", hint="Set DJANGO_DEBUG=false.", id="core.E010"))
    if _weak_secret_key(settings.SECRET_KEY):
        errors.append(
            Error(
                "SECRET_KEY is weak or a development key.",
                hint=(
                    f"Set DJANGO_SECRET_KEY to at least {MIN_SECRET_KEY_LENGTH} random "
                    "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
                ),
                id="core.E011",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or allows any host.",
                hint="Set DJANGO_ALLOWED_HOSTS to the site's host names.",
                id="core.E012",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY):
        errors.append(
            Error(
                "The session cookie is not Secure and HttpOnly.",
                hint="Set DJANGO_SESSION_COOKIE_SECURE=true.",
                id="core.E013",
            )
        )
    if not settings.SESSION_COOKIE_NAME.startswith("__Host-"):
        errors.append(
            Error(
                "The session cookie name lacks the __Host- prefix.",
                hint="It follows DJANGO_SESSION_COOKIE_SECURE; set that to true.",
                id="core.E017",
            )
        )
    if settings.SESSION_COOKIE_SAMESITE not in ("Lax", "Strict"):
        errors.append(
            Error(
                "The session cookie is not SameSite=Lax or Strict.",
                hint="Set SESSION_COOKIE_SAMESITE = 'Lax'.",
                id="core.E018",
            )
        )
    if not settings.CSRF_COOKIE_SECURE:
        errors.append(
            Error(
                "The CSRF cookie is not Secure.",
                hint="Set DJANGO_CSRF_COOKIE_SECURE=true.",
                id="core.E014",
            )
        )
    if settings.SECURE_HSTS_SECONDS < MIN_HSTS_SECONDS:
        errors.append(
            Error(
                "HTTP Strict Transport Security is off or shorter than a year.",
                hint=f"Set DJANGO_SECURE_HSTS_SECONDS to at least {MIN_HSTS_SECONDS}.",
                id="core.E015",
            )
        )
    if not settings.SECURE_SSL_REDIRECT:
        errors.append(
            Error(
                "Plain HTTP requests are not redirected to HTTPS.",
                hint="Set DJANGO_SECURE_SSL_REDIRECT=true.",
                id="core.E016",
            )
        )
    return errors
