from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.features import require
from core.list_views import ValueRowsListMixin
from core.page_cache import CachedListMixin
from core.roles import IsManagerOrReadOnly
from events.filters import EventFilter
from events.models import Event
from events.planning.sync import default_interval, sync_run
from events.selectors import EVENT_ROW_FIELDS, event_list, event_row_dicts, event_rows
from events.serializers import EventSerializer, SyncRequestSerializer, SyncRunSerializer


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


class SyncView(APIView):
    """Sync events and schedules from the planning system now (managers)."""

    permission_classes = [IsManagerOrReadOnly]

    @extend_schema(
        summary="Sync from the planning system",
        description="Fetches the interval (default: around today), upserts events, imports "
        "schedules through the rules engine and answers the recorded run. 400 "
        "`sync_disabled` while SYNC_ENABLED is off; 502 `external_api_error` when the "
        "planning system fails (the run is recorded as failed).",
        request=SyncRequestSerializer,
        responses={200: SyncRunSerializer},
    )
    def post(self, request: Request) -> Response:
        # Here, not as a permission class: a method the view does not have stays a 405.
        require("sync")
        params = SyncRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        default_start, default_end = default_interval()
        run = sync_run(
            start=params.validated_data.get("date_from") or default_start,
            end=params.validated_data.get("date_to") or default_end,
            trigger="api",
            by=request.user,
        )
        return Response(SyncRunSerializer(run).data)
