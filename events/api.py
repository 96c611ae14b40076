from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.page_cache import CachedListMixin
from core.pagination import ValueRows
from events.filters import EventFilter
from events.models import Event
from events.selectors import EVENT_ROW_FIELDS, event_list, event_row_dicts, event_rows
from events.serializers import EventSerializer


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(CachedListMixin, ReadOnlyModelViewSet[Event]):
    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        return event_rows() if self.action == "list" else event_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """From the page cache, else rows built from plain values (`event_row_dicts`),
        the serializer's shape."""
        return self.cached_page(request, self._rows_page)

    def _rows_page(self) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        rows: list[Any] = self.paginate_queryset(ValueRows(queryset, EVENT_ROW_FIELDS)) or []  # type: ignore[arg-type]
        return self.get_paginated_response(event_row_dicts(rows))
