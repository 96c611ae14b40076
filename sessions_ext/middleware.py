from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from sessions_ext.client import client_ip, user_agent

STARTED_AT = "_started_at"
LAST_ACTIVITY = "_last_activity"


def mark_session_started(request: HttpRequest) -> None:
    """Start the idle and absolute clocks of a freshly signed-in session."""
    now = time.time()
    request.session[STARTED_AT] = now
    request.session[LAST_ACTIVITY] = now
    request.session.set_expiry(settings.SESSION_IDLE_TIMEOUT)


def follow_backend_rename(session: SessionBase) -> None:
    """Move a session signed in under a backend's former dotted path to its current one
    (AUTHENTICATION_BACKEND_RENAMES), before Django would sign it out for naming a
    backend no longer configured."""
    renamed = settings.AUTHENTICATION_BACKEND_RENAMES.get(session.get(BACKEND_SESSION_KEY, ""))
    if renamed:
        session[BACKEND_SESSION_KEY] = renamed


class SessionSecurityMiddleware:
    """Server-side idle and absolute timeouts, and who/where for the session row.

    Sits after SessionMiddleware and before AuthenticationMiddleware: a session past
    either timeout is flushed before the user is looked up, so the request is served
    as anonymous. `last_activity` is refreshed at most once per
    SESSION_ACTIVITY_INTERVAL seconds; in between, a request writes nothing.
    A session naming a renamed authentication backend is moved to its new name first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # Read by sessions_ext.backend.SessionStore whenever this session is saved.
        session.client_ip = client_ip(request)  # type: ignore[attr-defined]
        session.client_user_agent = user_agent(request)  # type: ignore[attr-defined]
        if session.session_key and SESSION_KEY in session:
            follow_backend_rename(session)
            self._enforce_timeouts(request)
        return self.get_response(request)

    @staticmethod
    def _enforce_timeouts(request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        started = session.get(STARTED_AT)
        last = session.get(LAST_ACTIVITY)
        if started is None or last is None:
            mark_session_started(request)
            return
        if (
            now - last > settings.SESSION_IDLE_TIMEOUT
            or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
        ):
            session.flush()
            return
        if now - last >= settings.SESSION_ACTIVITY_INTERVAL:
            session[LAST_ACTIVITY] = now
            # The row (and cookie) expire at the idle deadline, never past the absolute.
            remaining = settings.SESSION_ABSOLUTE_TIMEOUT - (now - started)
            session.set_expiry(max(1, int(min(settings.SESSION_IDLE_TIMEOUT, remaining))))
