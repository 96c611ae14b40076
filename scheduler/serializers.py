from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from employees.models import Employee
from events.models import Event
from scheduler.models import Schedule
from scheduler.rules import Code


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


SOFT_CODES = [str(Code.PROXIMITY), str(Code.SUPERVISOR_ON_CORE), str(Code.WEEKLY_UNAVAILABLE)]


class ViolationSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=[str(c) for c in Code])
    severity = serializers.ChoiceField(choices=["hard", "soft"])
    message = serializers.CharField()
    details = serializers.DictField()


class ScheduleProposalSerializer(serializers.Serializer[Any]):
    """An assignment to check or make: `event` and `employee` are ids; `start` ISO 8601."""

    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    start = serializers.DateTimeField()


class AcknowledgeMixin(serializers.Serializer[Any]):
    acknowledge = serializers.ListField(
        child=serializers.ChoiceField(choices=SOFT_CODES),
        required=False,
        default=list,
        max_length=len(SOFT_CODES),
        help_text="Codes of the warnings to accept.",
    )


class ScheduleCreateSerializer(ScheduleProposalSerializer, AcknowledgeMixin):
    pass


class ScheduleUpdateSerializer(AcknowledgeMixin):
    start = serializers.DateTimeField(required=False)
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all(), required=False)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
        "minItems": 2,
        "maxItems": 2,
        "uniqueItems": True,
    }
)
class SchedulePairField(serializers.ListField):
    """Two different schedule ids: the schema says so, and a pair of one id is a 400 here."""

    def __init__(self, **kwargs: Any) -> None:
        # At most the largest id a database row can have: a larger number is a 400, not
        # an overflow in the database driver (SQLite's is a 500).
        child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        super().__init__(child=child, min_length=2, max_length=2, **kwargs)

    def to_internal_value(self, data: Any) -> list[int]:
        ids: list[int] = super().to_internal_value(data)
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Pick two different schedules.", code="not_unique")
        return ids


class TradeSerializer(AcknowledgeMixin):
    schedules = SchedulePairField()


class ValidationResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(help_text="False if and only if a hard violation exists.")
    violations = ViolationSerializer(many=True)


class SupervisorOutcomeSerializer(serializers.Serializer[Any]):
    schedule = ScheduleSerializer(allow_null=True)
    unscheduled = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    violations = ViolationSerializer(many=True)


class ScheduleResultSerializer(serializers.Serializer[Any]):
    schedule = ScheduleSerializer()
    warnings = ViolationSerializer(many=True, help_text="Acknowledged warnings.")
    supervisor = SupervisorOutcomeSerializer(
        allow_null=True, help_text="What happened to the paired Supervisor event (Core only)."
    )


class TradeResultSerializer(serializers.Serializer[Any]):
    schedules = ScheduleSerializer(many=True)
    warnings = ViolationSerializer(many=True)


class CandidateEmployeeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    name = serializers.CharField()
    job_title = serializers.CharField()


class CandidateSerializer(serializers.Serializer[Any]):
    employee = CandidateEmployeeSerializer()
    ok = serializers.BooleanField()
    hours_this_week = serializers.FloatField()
    violations = ViolationSerializer(many=True)


class StartQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField(help_text="ISO 8601; without an offset, store time.")
