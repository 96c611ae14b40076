"""RFC 9457 problem details: one translation from any exception to one response shape.

`problem_for(exc)` knows our ApplicationError hierarchy, DRF's exceptions, Django's
Http404 / PermissionDenied / ValidationError / BadRequest / RequestDataTooBig and
database errors; anything else is an unexpected 500. Both the DRF exception handler
(`core.api.exception_handler`) and the page-side handlers (`core.views`,
`core.middleware`) use it, so an error looks the same whichever way it travels.

Every problem carries an `error_id`. It is stored on the request so that every log
record about the request carries it too (`core.logging.RequestContextFilter`); for a
5xx the record with the traceback is the one that has it.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from django.core import exceptions as django_exceptions
from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf_exceptions

from core import exceptions as app_exceptions

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "/problems/"

logger = logging.getLogger("core.problems")

# 4xx problems that say a client sent something no form or client of ours sends (a body
# that does not parse, one over the size limit, a forged host): logged at WARNING, still
# without a traceback; every other 4xx is an INFO line.
WARNING_CODES = frozenset({"parse_error", "request_too_large", "bad_request"})


@dataclass
class Problem:
    status: int
    code: str
    detail: str
    title: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    error_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        if not self.title:
            self.title = HTTPStatus(self.status).phrase

    @property
    def is_server_error(self) -> bool:
        return self.status >= 500

    def as_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"{PROBLEM_TYPE_PREFIX}{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "error_id": self.error_id,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update({k: v for k, v in self.extra.items() if k not in body})
        return body


def _flatten(detail: Any, path: str = "") -> Iterator[dict[str, Any]]:
    """DRF's nested `get_full_details()` as a flat list of {attr, code, detail}.

    Nested fields become dotted paths (`items.0.start`); errors not tied to a field
    (`non_field_errors`, a bare list) have `attr: null`.
    """
    if isinstance(detail, Mapping) and "message" in detail and "code" in detail:
        yield {"attr": path or None, "code": str(detail["code"]), "detail": str(detail["message"])}
    elif isinstance(detail, Mapping):
        for key, value in detail.items():
            is_general = key in ("non_field_errors", "__all__")
            child = path if is_general else (f"{path}.{key}" if path else str(key))
            yield from _flatten(value, child)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            # A list of messages belongs to the field; a list of objects is indexed.
            nested = isinstance(item, Mapping) and not ("message" in item and "code" in item)
            yield from _flatten(item, f"{path}.{index}" if path and nested else path)
    else:
        yield {"attr": path or None, "code": "invalid", "detail": str(detail)}


def _django_validation_errors(exc: django_exceptions.ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "attr": None if name == "__all__" else name,
                "code": error.code or "invalid",
                "detail": " ".join(error.messages),
            }
            for name, errors in exc.error_dict.items()
            for error in errors
        ]
    return [
        {"attr": None, "code": error.code or "invalid", "detail": " ".join(error.messages)}
        for error in exc.error_list
    ]


def _drf_problem(exc: drf_exceptions.APIException) -> Problem:
    status = exc.status_code
    headers: dict[str, str] = {}
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        # DRF answers 403 when no authenticator offers a challenge; a missing or bad
        # credential is a 401 here, with a challenge the client can act on.
        status = 401
        headers["WWW-Authenticate"] = getattr(exc, "auth_header", None) or 'Session realm="api"'
    wait = getattr(exc, "wait", None)
    if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    if isinstance(exc, drf_exceptions.ValidationError):
        return Problem(
            status=400,
            code="invalid",
            title="Invalid input",
            detail="The request contains invalid data; see `errors`.",
            errors=list(_flatten(exc.get_full_details())),
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
    return Problem(status=status, code=str(exc.default_code), detail=str(detail), headers=headers)


def problem_for(exc: BaseException) -> Problem:
    """The problem that answers `exc`; unknown exceptions become a bare 500."""
    if isinstance(exc, app_exceptions.ApplicationError):
        return Problem(
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            errors=exc.errors,
            extra=exc.extra,
            error_id=exc.error_id,
        )
    if isinstance(exc, drf_exceptions.APIException):
        return _drf_problem(exc)
    if isinstance(exc, Http404):
        return problem_for(app_exceptions.NotFoundError())
    if isinstance(exc, django_exceptions.PermissionDenied):
        return problem_for(app_exceptions.ForbiddenError())
    if isinstance(exc, django_exceptions.ValidationError):
        return problem_for(
            app_exceptions.InvalidInputError(
                "The request contains invalid data; see `errors`.",
                errors=_django_validation_errors(exc),
            )
        )
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        return Problem(
            status=413,
            code="request_too_large",
            detail="The request body is larger than this server accepts.",
        )
    if isinstance(exc, django_exceptions.SuspiciousOperation | django_exceptions.BadRequest):
        return Problem(
            status=400, code="bad_request", detail="The request could not be understood."
        )
    if isinstance(exc, IntegrityError):
        return problem_for(
            app_exceptions.ConflictError(
                "The change conflicts with data that already exists or was just changed."
            )
        )
    if isinstance(exc, DatabaseError) and _rolled_back_for_concurrency(exc):
        return problem_for(
            app_exceptions.ConflictError(
                "Another change to the same data ran at the same time; nothing was saved. "
                "Try again."
            )
        )
    if isinstance(exc, DatabaseError):
        return problem_for(app_exceptions.DatabaseFailureError())
    return problem_for(app_exceptions.ApplicationError())


def _rolled_back_for_concurrency(exc: DatabaseError) -> bool:
    """PostgreSQL aborted the transaction because of a concurrent one (SQLSTATE class
    40: deadlock detected, serialization failure): the client may simply retry."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    return sqlstate.startswith("40")


def attach_to_request(problem: Problem, request: HttpRequest | None) -> None:
    """Make every later log record about `request` carry the problem's error id."""
    if request is not None:
        # DRF wraps the Django request; the log filter looks at the Django one.
        django_request = getattr(request, "_request", request)
        django_request.error_id = problem.error_id  # type: ignore[union-attr]


def log_problem(problem: Problem, exc: BaseException | None, request: HttpRequest | None) -> None:
    """One record per problem: ERROR with the traceback for a 5xx, else WARNING or INFO."""
    attach_to_request(problem, request)
    path = getattr(request, "path", "")
    if problem.is_server_error:
        logger.error(
            "%s %s: %s (error_id=%s)",
            problem.status,
            problem.code,
            path,
            problem.error_id,
            exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else None,
            extra={
                "status_code": problem.status,
                "error_code": problem.code,
                "error_id": problem.error_id,
            },
        )
    else:
        logger.log(
            logging.WARNING if problem.code in WARNING_CODES else logging.INFO,
            "%s %s: %s (error_id=%s)",
            problem.status,
            problem.code,
            path,
            problem.error_id,
            extra={
                "status_code": problem.status,
                "error_code": problem.code,
                "error_id": problem.error_id,
            },
        )


def problem_response(problem: Problem, request: HttpRequest | None = None) -> JsonResponse:
    """A plain Django response with the problem body (for non-DRF code paths)."""
    instance = getattr(request, "path", None)
    response = JsonResponse(
        problem.as_dict(instance),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in problem.headers.items():
        response[name] = value
    # Already logged (with the traceback for a 5xx): Django need not log it again.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
