"""API lists built from plain values instead of model instances and serializers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import ValueRows
from core.statements import RecentQueries, RowSource


class ValueRowsListMixin(GenericAPIView[Any]):
    """`list` built from plain values: the filtered queryset paginated as `ValueRows`
    of `row_fields`, each page written in the serializer's shape by `rows_to_dicts`
    (which the view's tests compare with the serializer, row for row).

    The filtered queryset and its pages' SQL are kept per query string
    (`core.statements`): a repeat skips the filters and the query compiler and only
    runs the SQL. That holds because what the list reads depends on the query string
    alone: the filters look nothing up in the database and read no clock, and the
    queryset is the same for everyone. A view whose rows depend on who asks overrides
    `row_query_variant`; filters that read the database are refused.
    """

    row_fields: tuple[str, ...] = ()
    rows_to_dicts: Callable[[list[tuple[Any, ...]]], list[dict[str, Any]]]
    recent_queries: ClassVar[RecentQueries]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.recent_queries = RecentQueries()
        filterset = getattr(cls, "filterset_class", None)
        if filterset is not None:
            reading = [
                name
                for name, found in filterset.base_filters.items()
                if isinstance(found, ModelChoiceFilter | ModelMultipleChoiceFilter)
            ]
            if reading:
                raise ImproperlyConfigured(
                    f"{cls.__name__}: filters {reading} read the database; a value-rows "
                    "list keeps its filtered query per query string and cannot use them."
                )

    def row_query_variant(self, request: Request) -> str:
        """What besides the query string decides the rows (nothing by default)."""
        return ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = (
            self.row_query_variant(request),
            # The day bounds of `date_from`/`date_to` are in the active time zone.
            timezone.get_current_timezone_name(),
            request.META.get("QUERY_STRING", ""),
        )
        source = type(self).recent_queries.get(key)
        if source is None:
            # Bad filter input raises here, before anything is kept.
            source = RowSource(self.filter_queryset(self.get_queryset()), self.row_fields)
            type(self).recent_queries.put(key, source)
        rows: list[Any] = self.paginate_queryset(ValueRows(source)) or []  # type: ignore[arg-type]
        return self.get_paginated_response(type(self).rows_to_dicts(rows))
