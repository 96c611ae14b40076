from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from core.exceptions import ApplicationError

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is believed only when it is short and plain: it ends up in log lines.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestIDMiddleware:
    """Give every request an id: the caller's X-Request-ID when sane, else a new one.

    The id is on `request.request_id`, in every log record made while the request is
    served (`core.logging.RequestContextFilter`) and in the response header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestLimitsMiddleware:
    """Refuse what no view should see, before anything reads the request.

    - A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django applies that limit to form data
      only; DRF's JSON parser reads whatever comes. File uploads (multipart) keep
      Django's own per-file handling.
    - Control characters in the User-Agent: it is stored (sessions, sign-in attempts),
      and PostgreSQL refuses NUL in text, which would turn a sign-in into a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        agent = request.META.get("HTTP_USER_AGENT")
        if agent and not agent.isprintable():
            request.META["HTTP_USER_AGENT"] = "".join(ch for ch in agent if ch.isprintable())
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and not (request.content_type or "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestDataTooBig(
                    f"Request body of {length} bytes exceeds DATA_UPLOAD_MAX_MEMORY_SIZE."
                )
        return self.get_response(request)


class NoStoreForSignedInAPIMiddleware:
    """`Cache-Control: no-store` on every API response to a signed-in caller.

    They carry employees' contact details and schedules: no browser, proxy or shared
    cache may keep them. DRF sets the user it authenticated (session or token) on the
    Django request too, so this sees both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if is_api_request(request) and user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class ApplicationErrorMiddleware:
    """Answer our exceptions, Django validation and database errors of non-DRF views.

    DRF views have their own handler (`core.api.exception_handler`); this covers pages
    and plain Django views: a problem for `/api/…`, an error page elsewhere. Anything
    else is left to Django, whose 500 handler (`core.views.server_error`) answers it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError | DatabaseError | ValidationError):
            return None
        from core.views import error_response

        return error_response(request, exception)


class PageMessageMiddleware(MessageMiddleware):
    """Django's flash messages, for pages only: no API response shows one, so an API
    request skips setting up the message storage (a signed-cookie reader)."""

    def process_request(self, request: HttpRequest) -> None:
        if not is_api_request(request):
            super().process_request(request)
