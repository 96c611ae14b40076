from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from selfservice.models import TimeOffRequest, WeekPublication
from selfservice.selectors import ApprovalFollowUp, MySchedule, PreviewRow, WeekPreview
from selfservice.weeks import Entry, Move


class MyEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    project_ref_num = serializers.IntegerField()
    project_name = serializers.CharField()
    event_type = serializers.CharField()
    event_type_display = serializers.CharField(source="get_event_type_display")
    store_number = serializers.CharField()
    store_name = serializers.CharField()
    sales_tool_url = serializers.CharField()


class MyScheduleSerializer(serializers.Serializer[MySchedule]):
    """One of the signed-in employee's schedules."""

    id = serializers.IntegerField(source="schedule.pk")
    event = MyEventSerializer(source="schedule.event")
    start = serializers.DateTimeField(source="schedule.start")
    end = serializers.DateTimeField(source="schedule.end")
    work_date = serializers.DateField(source="schedule.work_date")
    paired_employee_name = serializers.CharField(
        source="partner_name",
        allow_null=True,
        help_text="Who works the paired Core/Supervisor event, if anyone.",
    )
    updated_at = serializers.DateTimeField(source="schedule.updated_at")


class MyScheduleQuerySerializer(serializers.Serializer[Any]):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs.get("date_from"), attrs.get("date_to")
        if first and last:
            if last < first:
                raise serializers.ValidationError(
                    {"date_to": "Must not be before date_from."}, code="invalid_range"
                )
            if last - first > dt.timedelta(days=120):
                raise serializers.ValidationError(
                    {"date_to": "At most 120 days at once."}, code="range_too_long"
                )
        return attrs


class TimeOffRequestSerializer(serializers.ModelSerializer[TimeOffRequest]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = TimeOffRequest
        fields = [
            "id",
            "employee",
            "employee_name",
            "start_date",
            "end_date",
            "reason",
            "status",
            "status_display",
            "created_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ClashSerializer(serializers.Serializer[Any]):
    """A live schedule of the employee on the days of the request."""

    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    event_name = serializers.CharField(source="event.project_name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class CoverLinkSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    url = serializers.CharField(help_text="A page to cover the clashing schedules (call-out).")


class TimeOffApprovalSerializer(TimeOffRequestSerializer):
    """An approved request, with the live schedules of its days still to cover and the
    pages that cover them (the call-out, prefilled, when the attendance app is there).
    Its instance is the request of a `selectors.ApprovalFollowUp` (`approval_data`)."""

    clashes = ClashSerializer(many=True, read_only=True)
    cover_links = CoverLinkSerializer(many=True, read_only=True)

    class Meta(TimeOffRequestSerializer.Meta):
        fields = [*TimeOffRequestSerializer.Meta.fields, "clashes", "cover_links"]
        read_only_fields = fields


def approval_data(follow_up: ApprovalFollowUp) -> dict[str, Any]:
    data = dict(TimeOffRequestSerializer(follow_up.request).data)
    data["clashes"] = ClashSerializer(follow_up.clashes, many=True).data
    data["cover_links"] = CoverLinkSerializer(follow_up.cover, many=True).data
    return data


class TimeOffRequestCreateSerializer(serializers.Serializer[Any]):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DenySerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        max_length=300,
        validators=[RegexValidator(r"\S", message="Say why, for the employee.")],
        help_text="Why, for the employee (required).",
    )


# --- Publishing a week ---------------------------------------------------------------


class EntrySerializer(serializers.Serializer[Entry]):
    """One schedule of the week, as published or as it is now."""

    schedule = serializers.IntegerField(source="schedule_id")
    event = serializers.IntegerField(source="event_id")
    employee = serializers.IntegerField(source="employee_id")
    employee_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    title = serializers.CharField(help_text="Event type and name.")
    store = serializers.CharField()


class MoveSerializer(serializers.Serializer[Move]):
    before = EntrySerializer()
    after = EntrySerializer()


class PreviewRowSerializer(serializers.Serializer[PreviewRow]):
    employee = serializers.IntegerField(source="employee.pk")
    employee_name = serializers.CharField(source="employee.name")
    added = EntrySerializer(source="changes.added", many=True)
    moved = MoveSerializer(source="changes.moved", many=True)
    removed = EntrySerializer(source="changes.removed", many=True)
    schedules = EntrySerializer(
        source="changes.now", many=True, help_text="Their week as it would be published."
    )
    emailed = serializers.BooleanField(source="told", help_text="Whether a digest goes to them.")
    not_emailed_because = serializers.CharField(
        source="not_told", help_text="Why no digest goes to them (empty when one does)."
    )
    digest_subject = serializers.CharField(source="subject")
    digest = serializers.CharField(help_text="The digest's text (their calendar link masked).")


class WeekPreviewSerializer(serializers.Serializer[WeekPreview]):
    """What publishing the week would tell, per employee whose week changed."""

    week_start = serializers.DateField(source="monday")
    week_end = serializers.DateField(source="sunday")
    last_published_at = serializers.DateTimeField(source="last.published_at", allow_null=True)
    changed = serializers.BooleanField(help_text="Whether publishing now would send anything.")
    basis = serializers.CharField(
        help_text="Send it back when publishing: refused (409) if the week changed since."
    )
    scheduled = serializers.IntegerField(help_text="Live schedules in the week now.")
    employees = PreviewRowSerializer(source="rows", many=True)


class PublishSerializer(serializers.Serializer[Any]):
    basis = serializers.CharField(
        max_length=100,
        required=False,
        help_text="The preview's `basis`; without it the week is published as it is now.",
    )


class WeekPublicationSerializer(serializers.ModelSerializer[WeekPublication]):
    published_by = serializers.CharField(
        source="published_by.get_username", allow_null=True, read_only=True
    )

    class Meta:
        model = WeekPublication
        fields = [
            "id",
            "week_start",
            "number",
            "published_at",
            "published_by",
            "employees_changed",
            "added",
            "moved",
            "removed",
            "digests",
        ]
        read_only_fields = fields
