"""Error pages and their API twins, wired as Django's handler400/403/404/500; the icon."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token
from django.views.decorators.http import require_safe

from core.exceptions import ApplicationError, NotFoundError
from core.middleware import is_api_request
from core.problems import (
    Problem,
    attach_to_request,
    log_problem,
    problem_for,
    problem_response,
)

_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html"}


def _page(request: HttpRequest, problem: Problem) -> HttpResponse:
    if problem.is_server_error:
        # No request context: a broken database or session must not break this page.
        html = loader.render_to_string("500.html", {"problem": problem})
        response = HttpResponse(html, status=problem.status)
    else:
        template = _TEMPLATES.get(problem.status, "400.html")
        response = render(request, template, {"problem": problem}, status=problem.status)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def error_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """Answer `exc` for a non-DRF view: problem JSON under /api/, an error page elsewhere."""
    problem = problem_for(exc)
    log_problem(problem, exc, request)
    if is_api_request(request):
        return problem_response(problem, request)
    response = _page(request, problem)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _handled(request: HttpRequest, exc: BaseException) -> HttpResponse:
    # Django logs these responses itself (with the traceback for a 500); the filter
    # in core.logging copies the error id attached here into that record.
    problem = problem_for(exc)
    attach_to_request(problem, request)
    if is_api_request(request):
        response = problem_response(problem, request)
        response._has_been_logged = False  # type: ignore[attr-defined]
        return response
    return _page(request, problem)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return _handled(request, exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return _handled(request, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return _handled(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _handled(request, ApplicationError())


@csrf_exempt
def api_not_found(request: HttpRequest) -> HttpResponse:
    """The catch-all for unknown /api/ URLs.

    CSRF-exempt: it changes nothing, and without the exemption a POST or DELETE to an
    unknown address was refused by the CSRF middleware with its HTML 403 page instead
    of this 404 problem.
    """
    raise NotFoundError("There is no API endpoint at this address.")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, asked for by browsers on pages without a link to an icon (the admin,
    the API docs): the app's icon, so no page load logs a 404."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
