"""Schedules over the API: read, validate, schedule, reschedule, unschedule, trade."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from core.exceptions import NotFoundError
from core.list_views import ValueRowsListMixin
from core.page_cache import CachedListMixin
from events.models import Event
from scheduler.filters import ScheduleFilter
from scheduler.models import ChangeSource, Schedule
from scheduler.rules import has_hard
from scheduler.selectors import (
    SCHEDULE_ROW_FIELDS,
    candidates_for,
    schedule_list,
    schedule_row_dicts,
    schedule_rows,
)
from scheduler.serializers import (
    CandidateSerializer,
    ScheduleCreateSerializer,
    ScheduleProposalSerializer,
    ScheduleResultSerializer,
    ScheduleSerializer,
    ScheduleUpdateSerializer,
    StartQuerySerializer,
    TradeResultSerializer,
    TradeSerializer,
    ValidationResultSerializer,
)
from scheduler.services import (
    ScheduleResult,
    schedule_check,
    schedule_create,
    schedule_reschedule,
    schedule_trade,
    schedule_unschedule,
)


def _result(result: ScheduleResult) -> dict[str, Any]:
    supervisor = result.supervisor
    return {
        "schedule": ScheduleSerializer(_reloaded(result.schedule.pk)).data,
        "warnings": [v.as_dict() for v in result.warnings],
        "supervisor": None
        if supervisor is None
        else {
            "schedule": ScheduleSerializer(_reloaded(supervisor.schedule.pk)).data
            if supervisor.schedule is not None and not supervisor.unscheduled
            else None,
            "unscheduled": supervisor.unscheduled,
            "reason": supervisor.reason,
            "violations": [v.as_dict() for v in supervisor.violations],
        },
    }


def _reloaded(pk: int) -> Schedule:
    """The row with everything the serializer reads, in one query."""
    return Schedule.objects.with_related().get(pk=pk)


@extend_schema_view(
    list=extend_schema(summary="List live schedules"),
    retrieve=extend_schema(summary="One schedule"),
)
class ScheduleViewSet(
    CachedListMixin,
    ValueRowsListMixin,
    mixins.RetrieveModelMixin,
    GenericViewSet[Schedule],
):
    """Everyone signed in reads; staff and managers write (core.roles)."""

    serializer_class = ScheduleSerializer
    filterset_class = ScheduleFilter
    # The list: from the page cache, else built from plain values in the serializer's shape.
    row_fields = SCHEDULE_ROW_FIELDS
    rows_to_dicts = staticmethod(schedule_row_dicts)

    def get_queryset(self) -> QuerySet[Schedule]:
        if self.action in ("partial_update", "destroy"):
            return Schedule.objects.live().select_related("event", "employee")
        if self.action == "list":
            return schedule_rows()
        return schedule_list()

    @extend_schema(
        summary="Check an assignment without making it",
        request=ScheduleProposalSerializer,
        responses=ValidationResultSerializer,
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def validate(self, request: Request) -> Response:
        proposal = ScheduleProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        violations = schedule_check(**proposal.validated_data)
        return Response(
            {"ok": not has_hard(violations), "violations": [v.as_dict() for v in violations]}
        )

    @extend_schema(
        summary="Schedule an event",
        description=(
            "Hard violations answer 400 `rule_violation`; warnings not acknowledged answer "
            "400 `unacknowledged_warnings`, both listing the violations in `errors`. A Core "
            "event also schedules its paired Supervisor event when someone can take it."
        ),
        request=ScheduleCreateSerializer,
        responses={201: ScheduleResultSerializer, 409: OpenApiResponse(description="Conflict")},
    )
    def create(self, request: Request) -> Response:
        data = ScheduleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = schedule_create(**data.validated_data, by=request.user, source=ChangeSource.API)
        return Response(_result(result), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reschedule (new start) and/or reassign (new employee)",
        description=(
            "Fields left out stay as they are. A body that changes nothing (`{}`, or the "
            "current start and employee) answers 200 with the schedule as it is and writes "
            "nothing: no audit row, no data-version move, no push to the planning system."
        ),
        request=ScheduleUpdateSerializer,
        responses={200: ScheduleResultSerializer, 409: OpenApiResponse(description="Conflict")},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        schedule = self.get_object()
        data = ScheduleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = schedule_reschedule(
            schedule=schedule, **data.validated_data, by=request.user, source=ChangeSource.API
        )
        return Response(_result(result))

    @extend_schema(
        summary="Unschedule (a Core event's Supervisor schedule goes with it)",
        responses={
            204: OpenApiResponse(description="Unscheduled"),
            409: OpenApiResponse(description="Conflict"),
        },
    )
    def destroy(self, request: Request, pk: str) -> Response:
        schedule_unschedule(schedule=self.get_object(), by=request.user, source=ChangeSource.API)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Swap the employees of two schedules on the same day",
        request=TradeSerializer,
        responses={200: TradeResultSerializer, 409: OpenApiResponse(description="Conflict")},
    )
    @action(detail=False, methods=["post"])
    def trade(self, request: Request) -> Response:
        data = TradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        first_id, second_id = data.validated_data["schedules"]
        found = (
            Schedule.objects.live()
            .select_related("event", "employee")
            .in_bulk([first_id, second_id])
        )
        if first_id not in found or second_id not in found:
            raise NotFoundError("No such live schedule.")
        first, second, warnings = schedule_trade(
            first=found[first_id],
            second=found[second_id],
            acknowledge=data.validated_data["acknowledge"],
            by=request.user,
            source=ChangeSource.API,
        )
        return Response(
            {
                "schedules": ScheduleSerializer(
                    [_reloaded(first.pk), _reloaded(second.pk)], many=True
                ).data,
                "warnings": [v.as_dict() for v in warnings],
            }
        )


class CandidatesView(APIView):
    """GET /api/v1/events/<id>/candidates/?start=ISO: who could work it then, and why not."""

    @extend_schema(
        summary="Who could work this event at this start",
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATETIME, required=True, description="ISO 8601 date-time"
            )
        ],
        responses=CandidateSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        query = StartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        event = Event.objects.filter(pk=pk).first()
        if event is None:
            raise NotFoundError("No such event.")
        candidates = candidates_for(event=event, start=query.validated_data["start"])
        return Response(
            [
                {
                    "employee": {
                        "id": c.employee.pk,
                        "external_id": c.employee.external_id,
                        "name": c.employee.name,
                        "job_title": c.employee.job_title,
                    },
                    "ok": c.ok,
                    "hours_this_week": c.hours_this_week,
                    "violations": [v.as_dict() for v in c.violations],
                }
                for c in candidates
            ]
        )
