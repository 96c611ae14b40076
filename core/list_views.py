"""API lists built from plain values instead of model instances and serializers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import ValueRows


class ValueRowsListMixin(GenericAPIView[Any]):
    """`list` built from plain values: the filtered queryset paginated as `ValueRows`
    of `row_fields`, each page written in the serializer's shape by `rows_to_dicts`
    (which the view's tests compare with the serializer, row for row)."""

    row_fields: tuple[str, ...] = ()
    rows_to_dicts: Callable[[list[tuple[Any, ...]]], list[dict[str, Any]]]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        rows: list[Any] = self.paginate_queryset(ValueRows(queryset, self.row_fields)) or []  # type: ignore[arg-type]
        return self.get_paginated_response(type(self).rows_to_dicts(rows))
