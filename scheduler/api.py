from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from scheduler.filters import ScheduleFilter
from scheduler.models import Schedule
from scheduler.selectors import schedule_list
from scheduler.serializers import ScheduleSerializer


@extend_schema_view(
    list=extend_schema(summary="List live schedules"),
    retrieve=extend_schema(summary="One schedule"),
)
class ScheduleViewSet(ReadOnlyModelViewSet[Schedule]):
    serializer_class = ScheduleSerializer
    filterset_class = ScheduleFilter

    def get_queryset(self) -> QuerySet[Schedule]:
        return schedule_list()
