from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.fields import RANGE_HELP, DayField
from planning.models import SyncRun


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
