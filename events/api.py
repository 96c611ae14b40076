from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.list_views import ValueRowsListMixin
from core.page_cache import CachedListMixin
from events.filters import EventFilter
from events.models import Event
from events.selectors import EVENT_ROW_FIELDS, event_list, event_row_dicts, event_rows
from events.serializers import EventSerializer


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(CachedListMixin, ValueRowsListMixin, ReadOnlyModelViewSet[Event]):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    # The list: from the page cache, else built from plain values in the serializer's shape.
    row_fields = EVENT_ROW_FIELDS
    rows_to_dicts = staticmethod(event_row_dicts)

    def get_queryset(self) -> QuerySet[Event]:
        return event_rows() if self.action == "list" else event_list()
