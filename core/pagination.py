from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from core.statements import RowSource

# The largest row offset a query may ask for (PostgreSQL's and SQLite's signed 64 bits).
MAX_OFFSET = 2**63 - 1


class PageParamsSerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, required=False)


def _plain_count(value: str) -> bool:
    """A value the serializer would take as it is: ASCII digits, at least 1, no longer
    than DRF reads (anything else goes through the serializer and its errors)."""
    return (
        value.isascii()
        and value.isdigit()
        and len(value) <= serializers.IntegerField.MAX_STRING_LENGTH
        and int(value) >= 1
    )


def page_params(given: dict[str, str | None]) -> dict[str, int]:
    """`page` and `page_size` as whole numbers from 1, or a 400 naming the parameter.

    Plain numbers (nearly every request) are read directly; the serializer decides
    anything else, so its answers and its errors stay the API's."""
    present = {name: value for name, value in given.items() if value}
    if all(_plain_count(value) for value in present.values()):
        return {name: int(value) for name, value in present.items()}
    params = PageParamsSerializer(data=present)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


class ListPage(Page):
    """Django's page, iterated over its rows directly: a `Sequence` is otherwise iterated
    by asking for each row by index (DRF turns every page into a list)."""

    def __iter__(self) -> Iterator[Any]:
        if not isinstance(self.object_list, list):
            self.object_list = list(self.object_list)
        return iter(self.object_list)


class ListPaginator(Paginator):
    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        return ListPage(*args, **kwargs)


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`: 50 rows by default, never more than 200 a page.

    Both are whole numbers from 1. Anything else is a 400 problem naming the parameter,
    like a bad filter value (DRF would silently answer page 1 or the default size, a
    different question from the one asked); an empty value counts as absent, as it does
    for the filters. A larger page_size is capped at 200; a page past the last is a 404.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()
    django_paginator_class = ListPaginator

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        names = (self.page_query_param, self.page_size_query_param)
        params = page_params({name: request.query_params.get(name) for name in names})
        if isinstance(queryset, ValueRows):
            # Read the asked page (one row more) before Django's paginator counts: on
            # the last page the count follows from it, and no COUNT(*) runs. A page
            # whose offset no database can take is past the last: the paginator's 404.
            page_size = self.get_page_size(request) or self.page_size
            number = params.get(self.page_query_param, 1)
            offset = (number - 1) * page_size
            if offset + page_size < MAX_OFFSET:
                queryset.read_ahead(offset, page_size)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page, {self.page_size} by default; a number over "
                    f"{self.max_page_size} is taken as {self.max_page_size}."
                )
        return parameters


class ValueRows:
    """A list paginated as plain value tuples: each page read with
    `values_list(*fields)` (its SQL compiled once, `core.statements.RowSource`), so a
    list builds no model instances.

    `read_ahead(offset, size)` reads a page and one row more before the paginator asks
    for the count: when that page turns out to be the last one (or the only one), the
    count is known from it and `count()` runs no COUNT(*).
    """

    def __init__(self, source: RowSource) -> None:
        self.source = source
        self._known_count: int | None = None
        self._read: tuple[int, int, list[tuple[Any, ...]]] | None = None

    def read_ahead(self, offset: int, size: int) -> None:
        rows = self.source.rows(offset, offset + size + 1)
        self._read = (offset, offset + size, rows[:size])
        if len(rows) <= size and (rows or offset == 0):
            self._known_count = offset + len(rows)

    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        return self.source.count()

    def __getitem__(self, window: slice) -> list[tuple[Any, ...]]:
        if self._read is not None and (window.start, window.stop) == self._read[:2]:
            return self._read[2]
        if self._read is not None and window.start == self._read[0]:
            # The last page: the paginator cuts the window at the count.
            return self._read[2][: (window.stop or 0) - window.start]
        return self.source.rows(window.start or 0, window.stop or 0)
