"""Query-count assertions shared by the list tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(request: Callable[[], Any]) -> tuple[int, Any]:
    """Run `request` and return (queries it ran, its response)."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    # Read now: a later request resets Django's query log.
    return len(captured), response


def assert_constant_queries(
    request: Callable[[], Any], grow: Callable[[], None], *, expected: int
) -> None:
    """`request` runs exactly `expected` queries before and after `grow` adds rows."""
    before, response = count_queries(request)
    assert response.status_code == 200, response.content
    grow()
    after, response = count_queries(request)
    assert response.status_code == 200, response.content
    assert (before, after) == (expected, expected), (before, after)
