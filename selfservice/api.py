"""Self-service over the API: an employee's own schedules and requests; the managers'
side of time-off requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import employee_access, is_manager
from scheduler.models import Schedule
from selfservice import selectors, services
from selfservice.filters import TimeOffRequestFilter
from selfservice.models import TimeOffRequest
from selfservice.serializers import (
    DecisionSerializer,
    DenySerializer,
    MyScheduleQuerySerializer,
    MyScheduleSerializer,
    PublishSerializer,
    TimeOffApprovalSerializer,
    TimeOffRequestCreateSerializer,
    TimeOffRequestSerializer,
    WeekPreviewSerializer,
    WeekPublicationSerializer,
    approval_data,
)


class IsManager(BasePermission):
    message = "Only staff and managers decide on time-off requests and publish weeks."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_manager(request.user)


@employee_access
class MyScheduleListView(generics.ListAPIView):
    """The signed-in employee's live schedules (default: the last 7 days and the next 14)."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyScheduleSerializer

    @extend_schema(summary="My schedules", parameters=[MyScheduleQuerySerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's introspection
            return Schedule.objects.none()
        employee = selectors.employee_of_user(self.request.user)
        query = MyScheduleQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        first, last = selectors.my_window(timezone.localdate())
        first = query.validated_data.get("date_from", first)
        last = query.validated_data.get("date_to", last)
        if last < first:
            return []
        return selectors.my_schedules(employee_id=employee.pk, first=first, last=last)


@employee_access
class MyRequestListView(generics.ListAPIView):
    """The signed-in employee's time-off requests (GET) or a new one (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = TimeOffRequestSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's introspection
            return TimeOffRequest.objects.none()
        employee = selectors.employee_of_user(self.request.user)
        return selectors.requests_of_employee(employee.pk).select_related("employee")

    @extend_schema(
        summary="Ask for time off",
        request=TimeOffRequestCreateSerializer,
        responses={201: TimeOffRequestSerializer},
    )
    def post(self, request: Request) -> Response:
        employee = selectors.employee_of_user(request.user)
        data = TimeOffRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.timeoff_request_create(
            employee_id=employee.pk, today=timezone.localdate(), **data.validated_data
        )
        return Response(TimeOffRequestSerializer(req).data, status=status.HTTP_201_CREATED)


@employee_access
class MyRequestCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Cancel my pending request", request=None, responses=TimeOffRequestSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        employee = selectors.employee_of_user(request.user)
        req = services.timeoff_request_cancel(employee_id=employee.pk, request_id=pk)
        return Response(TimeOffRequestSerializer(req).data)


class RequestListView(generics.ListAPIView):
    """Every time-off request, pending first (managers)."""

    permission_classes = [IsManager]
    serializer_class = TimeOffRequestSerializer
    filterset_class = TimeOffRequestFilter

    def get_queryset(self) -> Any:
        return selectors.request_list()


class RequestDecideView(APIView):
    """Approve (the time off is written at once; the answer lists the schedules of those
    days still to cover, and the call-out page that covers them) or deny (with a note)
    a pending request."""

    permission_classes = [IsManager]
    decision = "approve"

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return DecisionSerializer if self.decision == "approve" else DenySerializer

    @extend_schema(
        responses={
            200: PolymorphicProxySerializer(
                component_name="TimeOffDecision",
                serializers=[TimeOffApprovalSerializer, TimeOffRequestSerializer],
                resource_type_field_name=None,
            ),
            409: OpenApiResponse(description="Decided"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.get_serializer_class()(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        if self.decision == "approve":
            req = services.timeoff_request_approve(request_id=pk, by=request.user, note=note)
            follow_up = selectors.approval_follow_up(req.pk, today=timezone.localdate())
            assert follow_up is not None  # noqa: S101 (approved just now, in this request)
            return Response(approval_data(follow_up))
        req = services.timeoff_request_deny(request_id=pk, by=request.user, note=note)
        return Response(TimeOffRequestSerializer(req).data)


class WeekPublicationView(APIView):
    """A week's publication (managers): GET what publishing it would tell, per employee
    whose week changed since its last publication; POST publishes it (records it and
    writes one digest email per changed employee, sent after commit)."""

    permission_classes = [IsManager]

    @extend_schema(summary="Preview publishing a week", responses=WeekPreviewSerializer)
    def get(self, request: Request, day: dt.date) -> Response:
        return Response(WeekPreviewSerializer(selectors.week_preview(day)).data)

    @extend_schema(
        summary="Publish a week",
        request=PublishSerializer,
        responses={
            201: WeekPublicationSerializer,
            409: OpenApiResponse(description="Nothing changed, or changed since the preview"),
        },
    )
    def post(self, request: Request, day: dt.date) -> Response:
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.week_publish(
            day=day, by=request.user, basis=data.validated_data.get("basis")
        )
        return Response(WeekPublicationSerializer(publication).data, status=status.HTTP_201_CREATED)
