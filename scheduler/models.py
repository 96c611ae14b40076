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
            ),
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
