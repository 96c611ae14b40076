from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from employees.models import Employee
from events.models import Event
from scheduler.querysets import ScheduleQuerySet


class Schedule(models.Model):
    """One employee assigned to one event at a start time; `end` = start + duration.

    A schedule is live until it is unscheduled; an unscheduled row stays as history.
    At most one live schedule exists per event.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedules")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="schedules")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # Set by scheduler.services from the start and the event; stored so the database
    # itself can forbid two Core schedules of one employee on one store-local day.
    work_date = models.DateField(help_text="Store-local date of the start.")
    is_core = models.BooleanField(default=False)
    external_schedule_id = models.CharField(
        "planning-system schedule id", max_length=64, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    unscheduled_at = models.DateTimeField(null=True, blank=True)
    unscheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        permissions = [
            ("manage_schedules", "Can schedule, reschedule, trade and unschedule events"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="schedule_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(unscheduled_at__isnull=True),
                name="schedule_one_live_per_event",
                violation_error_message="This event already has a live schedule.",
            ),
            models.UniqueConstraint(
                fields=["employee", "work_date"],
                condition=Q(unscheduled_at__isnull=True, is_core=True),
                name="schedule_one_core_per_employee_day",
                violation_error_message="This employee already works a Core event that day.",
            ),
            # On PostgreSQL, migration 0003 adds `schedule_no_overlap`: an exclusion
            # constraint (btree_gist) forbidding overlapping live schedules of one employee.
        ]
        indexes = [
            models.Index(
                fields=["employee", "start"],
                condition=Q(unscheduled_at__isnull=True),
                name="schedule_live_employee_idx",
            ),
            models.Index(
                fields=["start"],
                condition=Q(unscheduled_at__isnull=True),
                name="schedule_live_start_idx",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.employee.name} · {self.event.project_name} · {local:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.unscheduled_at is None


class ScheduleAction(models.TextChoices):
    CREATE = "create", "Scheduled"
    RESCHEDULE = "reschedule", "Rescheduled"
    REASSIGN = "reassign", "Reassigned"
    UNSCHEDULE = "unschedule", "Unscheduled"
    TRADE = "trade", "Traded"


class ChangeSource(models.TextChoices):
    PAGE = "page", "Manager pages"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    AUTO = "auto", "Auto-scheduler"
    SYNC = "sync", "Planning-system sync"


class ScheduleChange(models.Model):
    """The audit trail: who changed which schedule, when, from where, before and after."""

    schedule = models.ForeignKey(
        Schedule, null=True, on_delete=models.SET_NULL, related_name="changes"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_changes")
    action = models.CharField(max_length=16, choices=ScheduleAction.choices)
    source = models.CharField(max_length=16, choices=ChangeSource.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["event", "at"], name="schedulechange_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.event_id} via {self.get_source_display()}"
