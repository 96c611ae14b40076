from __future__ import annotations

from typing import Any

from rest_framework import serializers

from attendance.forms import MAX_RANGE_DAYS
from attendance.models import AttendanceRecord, AttendanceStatus, CallOutReason
from employees.models import RotationKind
from scheduler.serializers import SOFT_CODES, ViolationSerializer

MAX_ID = 2**63 - 1


class ReplacementSerializer(serializers.Serializer[Any]):
    schedule = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    employee = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, help_text="null: leave it unscheduled."
    )


class RotationExceptionSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=RotationKind.choices)
    employee = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CallOutRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=CallOutReason.choices)
    first_day = serializers.DateField()
    last_day = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Default: the first day. Open-ended (null) only for `terminated`.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    preview = serializers.BooleanField(
        required=False, default=False, help_text="true: answer the plan, change nothing."
    )
    replacements = ReplacementSerializer(
        many=True,
        required=False,
        help_text="Per schedule: the replacement (or null). Schedules left out take the "
        "plan's preselected replacement.",
    )
    rotation_exceptions = RotationExceptionSerializer(
        many=True,
        required=False,
        help_text="Default: the plan's proposed one-day rotation exceptions.",
    )
    acknowledge = serializers.ListField(
        child=serializers.ChoiceField(choices=SOFT_CODES),
        required=False,
        default=list,
        max_length=len(SOFT_CODES),
        help_text="Codes of the replacements' warnings to accept.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first = attrs["first_day"]
        if "last_day" not in attrs:
            attrs["last_day"] = None if attrs["reason"] == CallOutReason.TERMINATED else first
        last = attrs["last_day"]
        if last is None and attrs["reason"] != CallOutReason.TERMINATED:
            raise serializers.ValidationError(
                {"last_day": "Only a termination is open-ended."},
                code="open_ended_only_terminated",
            )
        if last is not None and last < first:
            raise serializers.ValidationError(
                {"last_day": "Must not be before first_day."}, code="invalid_range"
            )
        if last is not None and (last - first).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError({"last_day": "At most a year."}, code="invalid_range")
        ids = [r["schedule"] for r in attrs.get("replacements", [])]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(
                {"replacements": "Each schedule at most once."}, code="duplicate_schedule"
            )
        return attrs


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    job_title = serializers.CharField()


class PlanCandidateSerializer(serializers.Serializer[Any]):
    employee = PersonSerializer()
    ok = serializers.BooleanField()
    hours_this_week = serializers.FloatField()
    violations = ViolationSerializer(many=True)


class PlanRowSerializer(serializers.Serializer[Any]):
    schedule = serializers.IntegerField()
    event = serializers.IntegerField()
    event_name = serializers.CharField()
    event_type = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    started = serializers.BooleanField(help_text="Already started: left as it is.")
    pick = PersonSerializer(allow_null=True, help_text="The preselected replacement.")
    supervisor = serializers.IntegerField(
        allow_null=True, help_text="A Core event: its live Supervisor schedule, kept."
    )
    candidates = PlanCandidateSerializer(many=True)


class RotationProposalSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    kind = serializers.CharField()
    replacement = PersonSerializer(allow_null=True)
    choices = PersonSerializer(many=True)


class CallOutPlanSerializer(serializers.Serializer[Any]):
    employee = serializers.IntegerField()
    reason = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField(allow_null=True)
    rows = PlanRowSerializer(many=True)
    rotation_exceptions = RotationProposalSerializer(many=True)


class OutcomeSerializer(serializers.Serializer[Any]):
    schedule = serializers.IntegerField(allow_null=True)
    event = serializers.IntegerField(allow_null=True)
    event_name = serializers.CharField()
    start = serializers.CharField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=["replaced", "unscheduled", "left", "refused", "rotation"]
    )
    message = serializers.CharField()
    employee = serializers.IntegerField(allow_null=True)
    employee_name = serializers.CharField(allow_blank=True)
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class CallOutResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    employee = serializers.IntegerField()
    reason = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField(allow_null=True)
    time_off = serializers.IntegerField(allow_null=True)
    outcomes = OutcomeSerializer(many=True)


class AttendanceWriteSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    minutes_late = serializers.IntegerField(
        min_value=1, max_value=24 * 60, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["status"] == AttendanceStatus.LATE and not attrs.get("minutes_late"):
            raise serializers.ValidationError(
                {"minutes_late": "Say how many minutes late."}, code="minutes_required"
            )
        if attrs["status"] != AttendanceStatus.LATE and attrs.get("minutes_late"):
            raise serializers.ValidationError(
                {"minutes_late": "Only when late."}, code="minutes_only_when_late"
            )
        return attrs


class AttendanceSerializer(serializers.ModelSerializer[AttendanceRecord]):
    employee_name = serializers.CharField(source="employee.name")
    event = serializers.IntegerField(source="schedule.event_id")
    event_name = serializers.CharField(source="schedule.event.project_name")
    start = serializers.DateTimeField(source="schedule.start")
    recorded_by = serializers.CharField(
        source="recorded_by.username", allow_null=True, default=None
    )

    class Meta:
        model = AttendanceRecord
        fields = [
            "id",
            "schedule",
            "employee",
            "employee_name",
            "event",
            "event_name",
            "start",
            "work_date",
            "status",
            "minutes_late",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields
