from __future__ import annotations

from rest_framework import serializers

from scheduler.models import Schedule


class ScheduleSerializer(serializers.ModelSerializer[Schedule]):
    """A schedule with everything a client needs to draw a day without more calls."""

    employee_external_id = serializers.CharField(source="employee.external_id")
    employee_name = serializers.CharField(source="employee.name")
    event_ref_num = serializers.IntegerField(source="event.project_ref_num")
    event_name = serializers.CharField(source="event.project_name")
    event_type = serializers.CharField(source="event.event_type")
    store_number = serializers.CharField(source="event.store_number")
    store_name = serializers.CharField(source="event.store_name")
    paired_event = serializers.IntegerField(source="event.paired_event_id", allow_null=True)

    class Meta:
        model = Schedule
        fields = [
            "id",
            "event",
            "event_ref_num",
            "event_name",
            "event_type",
            "store_number",
            "store_name",
            "employee",
            "employee_external_id",
            "employee_name",
            "start",
            "end",
            "paired_event",
            "external_schedule_id",
            "created_at",
        ]
        read_only_fields = fields
