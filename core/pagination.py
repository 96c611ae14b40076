from __future__ import annotations

from typing import Any

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

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        names = (self.page_query_param, self.page_size_query_param)
        given = {name: request.query_params.get(name) for name in names}
        params = PageParamsSerializer(data={k: v for k, v in given.items() if v not in (None, "")})
        params.is_valid(raise_exception=True)
        if isinstance(queryset, ValueRows):
            # Read the asked page (one row more) before Django's paginator counts: on
            # the last page the count follows from it, and no COUNT(*) runs. A page
            # whose offset no database can take is past the last: the paginator's 404.
            page_size = self.get_page_size(request) or self.page_size
            number = int(params.validated_data.get("page", 1))
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
