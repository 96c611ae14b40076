"""Optional features: each switched on by its own `*_ENABLED` variable (README, Errors and Sign-in).

A feature declares the settings it needs; they are checked when the feature is used
(`require`), by `manage.py check` (core/checks.py) and by `manage.py features`, never
at import, so the app starts and every test runs with every feature off and none of
their variables set. Messages name missing variables, never their values.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.management.base import CommandError
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

from core.exceptions import (
    ApplicationError,
    ConfigurationError,
    FeatureDisabledError,
    SyncDisabledError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feature:
    name: str
    label: str
    flag: str
    required: tuple[str, ...] = ()
    disabled_error: type[FeatureDisabledError] = FeatureDisabledError
    # Hooks of the apps below that must have a handler of this feature while it is on
    # (e.g. "schedule_changed": scheduler/hooks.py; its system check says when not).
    needs_hooks: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        return bool(getattr(settings, self.flag, False))

    @property
    def missing(self) -> list[str]:
        """Required settings that are unset or blank (names only)."""
        return [name for name in self.required if not getattr(settings, name, None)]

    @property
    def usable(self) -> bool:
        return self.enabled and not self.missing


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature(
            name="sync",
            label="Planning-system sync",
            flag="SYNC_ENABLED",
            required=("SYNC_BASE_URL", "SYNC_USERNAME", "SYNC_PASSWORD"),
            disabled_error=SyncDisabledError,
            needs_hooks=("schedule_changed",),
        ),
        Feature(
            name="edr",
            label="EDR reports",
            flag="EDR_ENABLED",
            required=(
                "EDR_LOGIN_URL",
                "EDR_PORTAL_URL",
                "EDR_USERNAME",
                "EDR_PASSWORD",
                "EDR_MFA_CREDENTIAL_ID",
            ),
        ),
        Feature(name="auto_scheduler", label="Auto-scheduler", flag="AUTO_SCHEDULER_ENABLED"),
        Feature(
            name="calendar_feeds",
            label="Calendar feeds",
            flag="CALENDAR_FEEDS_ENABLED",
            required=("CALENDAR_FEEDS_SECRET",),
        ),
    )
}


def get_feature(name: str) -> Feature:
    try:
        return FEATURES[name]
    except KeyError:
        raise LookupError(f"Unknown feature {name!r}; known: {', '.join(FEATURES)}") from None


def require(name: str) -> Feature:
    """The feature, when on and configured; else the problem that explains why not.

    Off → `<name>_disabled` (400). On with settings missing → configuration error
    (500) naming them, and an error log line.
    """
    feature = get_feature(name)
    if not feature.enabled:
        raise feature.disabled_error(
            f"{feature.label} is disabled; set {feature.flag}=true.",
            code=f"{feature.name}_disabled",
        )
    missing = feature.missing
    if missing:
        logger.error(
            "%s is enabled but not configured; missing: %s", feature.label, ", ".join(missing)
        )
        raise ConfigurationError(
            f"{feature.label} is enabled but not configured; missing: {', '.join(missing)}.",
            extra={"missing": missing},
        )
    return feature


P = ParamSpec("P")
R = TypeVar("R")


def require_feature(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for page views: refuse unless `name` is usable.

    The raised error is answered by core.middleware (an error page, or a problem under
    /api/). Management commands call `require_for_command` instead.
    """
    get_feature(name)  # fail at import for a misspelt name

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            require(name)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def require_for_command(name: str) -> Feature:
    """`require` for management commands: a CommandError (exit status 2) instead."""
    try:
        return require(name)
    except ApplicationError as exc:
        raise CommandError(exc.detail, returncode=2) from exc


def FeatureRequired(name: str) -> type[BasePermission]:
    """DRF permission class: `permission_classes = [IsAuthenticated, FeatureRequired("sync")]`."""
    get_feature(name)

    class _FeatureRequired(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            require(name)
            return True

    _FeatureRequired.__name__ = _FeatureRequired.__qualname__ = f"FeatureRequired_{name}"
    return _FeatureRequired


def status_rows() -> list[dict[str, Any]]:
    """One row per feature for `manage.py features` and the admin: names only."""
    return [
        {
            "name": f.name,
            "label": f.label,
            "flag": f.flag,
            "enabled": f.enabled,
            "missing": f.missing if f.enabled else [],
            "configured": not f.missing,
        }
        for f in FEATURES.values()
    ]
