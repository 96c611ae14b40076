"""The planning-system API: sync now."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.features import require
from core.roles import IsManagerOrReadOnly
from planning.serializers import SyncRequestSerializer, SyncRunSerializer
from planning.sync import default_interval, sync_run


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
