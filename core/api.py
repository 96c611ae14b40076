"""The one DRF exception handler: every API error is an RFC 9457 problem."""

from __future__ import annotations

from typing import Any

from django.core.signals import got_request_exception
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.problems import PROBLEM_CONTENT_TYPE, log_problem, problem_for


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Set as REST_FRAMEWORK["EXCEPTION_HANDLER"]; never returns None.

    Unexpected exceptions are answered here too (500, a fresh error id, no exception
    text), logged once with the traceback, and announced on `got_request_exception`
    as Django would, so error reporters still hear of them.
    """
    request = context.get("request")
    problem = problem_for(exc)
    log_problem(problem, exc, request)
    if problem.is_server_error:
        got_request_exception.send(sender=None, request=getattr(request, "_request", request))
    set_rollback()
    response = Response(
        problem.as_dict(getattr(request, "path", None)),
        status=problem.status,
        headers=problem.headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
