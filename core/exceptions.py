"""The application's one exception hierarchy (README, Errors and Sign-in).

Services raise these; the API exception handler and the page middleware turn each into
an RFC 9457 problem (API) or an error page (pages) without any try/except in views.
Every class has a stable machine `code`, an HTTP `status`, a `title` and a default
human `detail`; an instance may carry a specific detail and structured `errors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any


class ApplicationError(Exception):
    status: int = 500
    code: str = "error"
    title: str = "Internal server error"
    default_detail: str = "Something went wrong on our side."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        self.code = code or type(self).code
        # The problem document's error_id: known when raised, so a service can record it
        # (a failed sync run) and the log line and the client see the same id.
        self.error_id = uuid.uuid4().hex
        self.errors = [dict(e) for e in errors] if errors else []
        self.extra = dict(extra or {})
        super().__init__(self.detail)


class InvalidInputError(ApplicationError):
    """The request is understood but its content is not acceptable."""

    status = 400
    code = "invalid"
    title = "Invalid input"
    default_detail = "The request contains invalid data."


class NotAuthenticatedError(ApplicationError):
    status = 401
    code = "not_authenticated"
    title = "Authentication required"
    default_detail = "Sign in to do this."


class ForbiddenError(ApplicationError):
    status = 403
    code = "permission_denied"
    title = "Permission denied"
    default_detail = "You are not allowed to do this."


class NotFoundError(ApplicationError):
    status = 404
    code = "not_found"
    title = "Not found"
    default_detail = "The requested resource does not exist."


class ConflictError(ApplicationError):
    """The request clashes with the current state (a concurrent write, a duplicate)."""

    status = 409
    code = "conflict"
    title = "Conflict"
    default_detail = "The request conflicts with the current state of the data."


class FeatureDisabledError(ApplicationError):
    """An optional feature is switched off; `code` is `<feature>_disabled`."""

    status = 400
    code = "feature_disabled"
    title = "Feature disabled"
    default_detail = "This feature is disabled."


class SyncDisabledError(FeatureDisabledError):
    code = "sync_disabled"
    title = "Planning-system sync disabled"
    default_detail = "Planning-system sync is disabled; set SYNC_ENABLED=true."


class ConfigurationError(ApplicationError):
    """The server is misconfigured; the detail names settings, never their values."""

    status = 500
    code = "configuration_error"
    title = "Server misconfigured"
    default_detail = "The server is not configured for this."


class DatabaseFailureError(ApplicationError):
    status = 500
    code = "database_error"
    title = "Database error"
    default_detail = "The database could not complete the request."


class DatabaseUnavailableError(ApplicationError):
    """The database does not answer: the readiness check's 503."""

    status = 503
    code = "database_unavailable"
    title = "Service unavailable"
    default_detail = "The database is not reachable; try again shortly."


class ExternalAPIError(ApplicationError):
    """A system we depend on (the planning system) failed or answered nonsense."""

    status = 502
    code = "external_api_error"
    title = "External service error"
    default_detail = "An external service did not answer as expected."
