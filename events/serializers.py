from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import BlankAsNullURLField
from events.models import Event


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
