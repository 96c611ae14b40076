"""Call-outs, attendance and reissues in the admin: read and correct; the pages and the
API make them (through the services)."""

from __future__ import annotations

from django.contrib import admin

from attendance.models import AttendanceRecord, CallOut, Reissue


@admin.register(CallOut)
class CallOutAdmin(admin.ModelAdmin[CallOut]):
    list_display = ["employee", "reason", "first_day", "last_day", "created_by", "created_at"]
    list_filter = ["reason"]
    search_fields = ["employee__name", "employee__external_id"]
    list_select_related = ["employee", "created_by"]
    readonly_fields = ["employee", "time_off", "outcomes", "created_by", "created_at"]


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(admin.ModelAdmin[AttendanceRecord]):
    list_display = ["work_date", "employee", "status", "minutes_late", "recorded_by"]
    list_filter = ["status"]
    date_hierarchy = "work_date"
    search_fields = ["employee__name", "employee__external_id"]
    list_select_related = ["employee", "recorded_by"]
    raw_id_fields = ["schedule", "employee"]


@admin.register(Reissue)
class ReissueAdmin(admin.ModelAdmin[Reissue]):
    list_display = ["schedule", "employee", "expiration_date", "state", "attempts", "message"]
    list_filter = ["state"]
    list_select_related = ["schedule__event", "schedule__employee", "employee"]
    raw_id_fields = ["schedule", "employee", "previous_employee"]
    readonly_fields = ["attempts", "sent_at", "external_schedule_id", "reissued"]
