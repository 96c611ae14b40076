from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import RANGE_HELP, BlankAsNullURLField, DayField
from events.models import Event, SyncRun


class EventScheduleSerializer(serializers.Serializer[Any]):
    """The event's live schedule, enough to draw it."""

    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    employee_name = serializers.CharField(source="employee.name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class EventSerializer(serializers.ModelSerializer[Event]):
    event_type_display = serializers.CharField(source="get_event_type_display")
    duration_minutes = serializers.SerializerMethodField()
    paired_event = serializers.IntegerField(
        source="paired_event_id",
        allow_null=True,
        help_text="The Core event of a Supervisor event, or the Supervisor event of a Core event.",
    )
    schedule = serializers.SerializerMethodField()
    sales_tool_url = BlankAsNullURLField(
        read_only=True, allow_null=True, help_text="Null when the planning system gave none."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "project_ref_num",
            "project_name",
            "event_number",
            "event_type",
            "event_type_display",
            "store_number",
            "store_name",
            "location_id",
            "start_datetime",
            "due_datetime",
            "estimated_minutes",
            "duration_minutes",
            "condition",
            "sales_tool_url",
            "paired_event",
            "schedule",
            "last_synced_at",
        ]
        read_only_fields = fields

    def get_duration_minutes(self, obj: Event) -> int:
        return int(obj.duration.total_seconds() // 60)

    @extend_schema_field(EventScheduleSerializer(allow_null=True))
    def get_schedule(self, obj: Event) -> dict[str, Any] | None:
        live = getattr(obj, "live_schedules", None)
        if not live:
            return None
        return EventScheduleSerializer(live[0]).data


class SyncRequestSerializer(serializers.Serializer[Any]):
    date_from = DayField(
        required=False,
        help_text=f"First store-local day (default: today - SYNC_DAYS_BACK). {RANGE_HELP}",
    )
    date_to = DayField(
        required=False,
        help_text=f"Last store-local day (default: today + SYNC_DAYS_AHEAD). {RANGE_HELP}",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": "Must not be before date_from."}, code="invalid_range"
            )
        if start and end and (end - start).days > 366:
            raise serializers.ValidationError(
                {"date_to": "At most one year per sync."}, code="invalid_range"
            )
        return attrs


class SyncRowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    ref = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField()


class SyncRunSerializer(serializers.ModelSerializer[Any]):
    row_errors = SyncRowErrorSerializer(
        source="errors", many=True, help_text="Skipped records and schedule conflicts, with why."
    )

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "kind",
            "trigger",
            "status",
            "interval_start",
            "interval_end",
            "started_at",
            "finished_at",
            "fetched",
            "created",
            "updated",
            "unchanged",
            "skipped",
            "conflicts",
            "schedules_imported",
            "marked_missing",
            "row_errors",
        ]
