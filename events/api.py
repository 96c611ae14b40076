from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.page_cache import CachedListMixin
from events.filters import EventFilter
from events.models import Event
from events.selectors import event_list
from events.serializers import EventSerializer


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(CachedListMixin, ReadOnlyModelViewSet[Event]):
    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        return event_list()
