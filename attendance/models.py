"""The day itself (call-outs, attendance): rows of this app only.

A call-out records who is out, when and why, and what applying it did to each of their
schedules. An attendance record says how one employee showed up for one schedule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from employees.models import Employee, TimeOff
from scheduler.models import Schedule


class CallOutReason(models.TextChoices):
    SICK = "sick", "Sick"
    PERSONAL = "personal", "Personal"
    NO_SHOW = "no_show", "No show"
    TERMINATED = "terminated", "Terminated"
    TIME_OFF = "time_off", "Time off"  # approved (a time-off request): already recorded


class CallOut(models.Model):
    """An employee out from `first_day` to `last_day` (inclusive; none: open-ended,
    for a termination), and what applying it did to each of their schedules."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="call_outs")
    reason = models.CharField(max_length=16, choices=CallOutReason.choices)
    first_day = models.DateField()
    last_day = models.DateField(null=True, blank=True, help_text="Empty: open-ended.")
    note = models.CharField(max_length=300, blank=True)
    time_off = models.ForeignKey(
        TimeOff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One entry per schedule: {schedule, event, outcome, message, employee, errors}.
    outcomes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__isnull=True) | Q(last_day__gte=F("first_day")),
                name="callout_last_after_first",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=CallOutReason.values), name="callout_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(last_day__isnull=False) | Q(reason="terminated"),
                name="callout_open_ended_only_terminated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} out from {self.first_day:%Y-%m-%d} ({self.reason})"


class AttendanceStatus(models.TextChoices):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    CALLED_IN = "called_in", "Called in"
    NO_CALL_NO_SHOW = "no_call_no_show", "No call / no show"
    EXCUSED = "excused", "Excused"


class AttendanceRecord(models.Model):
    """How `employee` showed up for `schedule` (one record per schedule).

    The employee and store-local day are copied from the schedule when recorded, so the
    record keeps saying who it was about if the schedule is reassigned later.
    """

    schedule = models.OneToOneField(Schedule, on_delete=models.CASCADE, related_name="attendance")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="attendance")
    work_date = models.DateField(help_text="Store-local day of the schedule.")
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["work_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="late", minutes_late__isnull=False, minutes_late__gte=1)
                    | (~Q(status="late") & Q(minutes_late__isnull=True))
                ),
                name="attendance_minutes_only_when_late",
            ),
        ]
        indexes = [
            models.Index(fields=["work_date", "status"], name="attendance_day_status_idx"),
            models.Index(fields=["employee", "work_date"], name="attendance_employee_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} {self.work_date:%Y-%m-%d}: {self.get_status_display()}"


class ReissueState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Reissued"
    REFUSED = "refused", "Refused by the planning system"
    FAILED = "failed", "Failed"


class Reissue(models.Model):
    """An outbox row: reissue a worked-but-unreported event in the planning system to a
    rep with an expiration date, then schedule it again. Written with the request in one
    transaction, sent after commit with retries; an attempt whose outcome is unknown is
    followed by a look-up before anything is resent."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="reissues")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    previous_employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    work_log_entry_id = models.CharField("planning-system schedule id reissued", max_length=64)
    expiration_date = models.DateField()
    include_responses = models.BooleanField(default=False)
    state = models.CharField(
        max_length=16, choices=ReissueState.choices, default=ReissueState.PENDING
    )
    reissued = models.BooleanField(default=False, help_text="The reissue step is done.")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=300, blank=True)
    external_schedule_id = models.CharField(
        "new planning-system schedule id", max_length=64, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReissueState.values), name="reissue_state_valid"
            ),
            models.UniqueConstraint(
                fields=["schedule"],
                condition=Q(state="pending"),
                name="reissue_one_pending_per_schedule",
                violation_error_message="A reissue of this schedule is already on its way.",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="reissue_due_idx")]

    def __str__(self) -> str:
        return f"Reissue of schedule {self.schedule_id} to {self.employee_id}: {self.state}"
