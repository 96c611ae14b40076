"""Rendered API list pages, kept per URL and data version.

Building a page of 100 schedules costs several times what authenticating the request
does (docs/benchmarks.md); the same page is asked for again and again between writes.
So a list keeps its rendered JSON under a key made of the data version, the URL, the
representation (renderer, variant) and the host, and answers a repeat from that.

Correctness rests on the data version (core.models.DataVersion): database triggers
change it in the same transaction as any write to a watched table, so a page cached
under version V was built from data at least as new as V, and any later write makes V
unreachable. The request still authenticates and checks permissions first: only the
rendering is skipped. Only JSON is cached (the one renderer the API has; the media type
is part of the key all the same).

The cache is per process (Django's local-memory backend): nothing to run, nothing to
flush on a deploy. `API_PAGE_CACHE_SECONDS` bounds an entry's life (0 switches the cache
off); `API_PAGE_CACHE_ENTRIES` bounds its size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.request import Request
from rest_framework.response import Response

CACHE_ALIAS = "api_pages"
FRAGMENT_CACHE_ALIAS = "page_fragments"

# The tables whose rows cached lists and page fragments show. A trigger per table moves
# the data version (migrations core 0001, employees 0002, attendance 0003; the SQL is in
# core/data_version_sql.py); what shows another table needs its trigger first.
WATCHED_TABLES = (
    "employees_employee",
    "events_event",
    "scheduler_schedule",
    # The day page: absences, holidays and rotations beside the schedules, and each
    # row's attendance.
    "employees_timeoff",
    "employees_unavailabledate",
    "employees_companyholiday",
    "employees_rotation",
    "employees_rotationexception",
    "attendance_attendancerecord",
)

T = TypeVar("T")


def data_version() -> str | None:
    """The current data version, or None when its row is missing (after a flush, until
    the next write): then nothing is cached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT epoch, version FROM core_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else f"{row[0]}.{row[1]}"


def page_cache_seconds() -> int:
    return int(settings.API_PAGE_CACHE_SECONDS)


class CachedPage(Response):
    """A page answered from the cache: its bytes are rendered already."""

    def __init__(self, content: bytes, content_type: str) -> None:
        super().__init__(content_type=content_type)
        self.cached_content = content
        self.cached_content_type = content_type

    @property
    def rendered_content(self) -> Any:
        self["Content-Type"] = self.cached_content_type
        return self.cached_content


class CachedListMixin:
    """For a DRF list view: answer `list` from the page cache when the data has not
    changed since the page was built. Put it before the view's base classes.

    A view whose output depends on who asks overrides `page_cache_variant`.
    """

    _page_cache_key: str | None = None

    def page_cache_variant(self, request: Request) -> str:
        return ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The cached page for this request, or the one the view builds (kept when it
        is a 200)."""
        self._page_cache_key = self._page_key(request)
        if self._page_cache_key is not None:
            hit = caches[CACHE_ALIAS].get(self._page_cache_key)
            if hit is not None:
                content, content_type = hit
                return CachedPage(content, content_type)
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        key, self._page_cache_key = self._page_cache_key, None
        if key is not None and not isinstance(response, CachedPage) and response.status_code == 200:
            response.render()
            caches[CACHE_ALIAS].set(
                key, (response.content, response["Content-Type"]), page_cache_seconds()
            )
        return response

    def _page_key(self, request: Request) -> str | None:
        if page_cache_seconds() <= 0 or request.method != "GET":
            return None
        if getattr(request.accepted_renderer, "format", None) != "json":
            return None
        version = data_version()
        if version is None:
            return None
        parts = (
            version,
            request.accepted_media_type,
            self.page_cache_variant(request),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
        )
        digest = hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()
        return f"{type(self).__module__}.{type(self).__qualname__}:{digest}"


def version_cached(
    namespace: str, parts: tuple[Any, ...], build: Callable[[], T], *, seconds: int
) -> T:
    """`build()`, kept in this worker's memory per data version and `parts`.

    For what pages show that depends only on the watched tables and on `parts` (never on
    the user beyond what `parts` says, the clock, or a form's CSRF token). A value built
    under version V is from data at least as new as V (the version is read first), and
    any later write makes V unreachable. `seconds` bounds an entry's life (the caller's
    setting, e.g. DAY_PAGE_CACHE_SECONDS; 0 switches this off); without a version row
    nothing is kept.
    """
    if seconds <= 0:
        return build()
    version = data_version()
    if version is None:
        return build()
    key = ":".join((namespace, version, *map(str, parts)))
    cache = caches[FRAGMENT_CACHE_ALIAS]
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = build()
    cache.set(key, value, seconds)
    return value
