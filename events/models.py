from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from events.querysets import EventQuerySet
from events.types import EventType, default_minutes


class EventCondition(models.TextChoices):
    UNSTAFFED = "unstaffed", "Unstaffed"
    SCHEDULED = "scheduled", "Scheduled"
    STAFFED = "staffed", "Staffed"
    SUBMITTED = "submitted", "Submitted"
    REISSUED = "reissued", "Reissued"
    CANCELED = "canceled", "Canceled"
    IN_PROGRESS = "in_progress", "In Progress"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"


class Event(models.Model):
    """A demonstration the planning system asks for, to happen once within its window.

    The window is half-open: an event may start at `start_datetime` and must start
    before `due_datetime` (SPEC §3 rule 2).
    """

    project_ref_num = models.PositiveBigIntegerField(
        "project ref #", unique=True, help_text="Planning-system id; the natural key for sync."
    )
    project_name = models.CharField(max_length=255)
    event_number = models.CharField(
        max_length=6,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The 6-digit number shared by a Core event and its Supervisor event.",
    )
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    store_number = models.CharField(max_length=16)
    store_name = models.CharField(max_length=150, blank=True)
    location_id = models.CharField("location id", max_length=32, blank=True)
    start_datetime = models.DateTimeField("window start")
    due_datetime = models.DateTimeField(
        "due", help_text="Exclusive: the event must start before it."
    )
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    condition = models.CharField(
        max_length=16, choices=EventCondition.choices, default=EventCondition.UNSTAFFED
    )
    sales_tool_url = models.URLField("sales-tool URL", max_length=500, blank=True)
    core_event = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisor_event",
        limit_choices_to={"event_type": EventType.CORE},
        help_text="For a Supervisor event: the Core event it supervises.",
    )
    never_auto_schedule = models.BooleanField(
        "never auto-schedule",
        default=False,
        help_text="The auto-scheduler leaves this event to a manager.",
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    upstream_missing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a sync no longer finds the event in the planning system; "
        "the event is kept, never deleted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["due_datetime", "project_ref_num"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_datetime__gt=F("start_datetime")), name="event_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(event_type__in=EventType.values), name="event_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(condition__in=EventCondition.values), name="event_condition_valid"
            ),
            models.CheckConstraint(
                condition=Q(estimated_minutes__isnull=True) | Q(estimated_minutes__gt=0),
                name="event_estimate_positive",
            ),
            models.CheckConstraint(
                condition=Q(core_event__isnull=True) | Q(event_type=EventType.SUPERVISOR),
                name="event_only_supervisor_paired",
            ),
            models.CheckConstraint(
                condition=~Q(core_event=F("pk")), name="event_not_paired_with_itself"
            ),
            models.CheckConstraint(condition=~Q(project_name=""), name="event_name_set"),
        ]
        indexes = [
            models.Index(fields=["start_datetime", "due_datetime"], name="event_window_idx"),
            models.Index(fields=["event_type", "due_datetime"], name="event_type_due_idx"),
            models.Index(fields=["store_number", "start_datetime"], name="event_store_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project_name} (#{self.project_ref_num})"

    @property
    def duration(self) -> dt.timedelta:
        """The estimate when the planning system gave one, else the type's default."""
        return dt.timedelta(minutes=self.estimated_minutes or default_minutes(self.event_type))

    @property
    def paired_event(self) -> Event | None:
        """The Core event of a Supervisor event, or the Supervisor event of a Core event.

        Free when `core_event` and `supervisor_event` were loaded with select_related.
        """
        if self.core_event_id is not None:
            return self.core_event
        return getattr(self, "supervisor_event", None)

    @property
    def paired_event_id(self) -> int | None:
        """`paired_event`'s id, without loading a Core event for it."""
        if self.core_event_id is not None:
            return self.core_event_id
        paired = self.paired_event
        return paired.pk if paired is not None else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_datetime and self.due_datetime and self.due_datetime <= self.start_datetime:
            errors["due_datetime"] = "Due must be after the window start."
        if self.core_event_id is not None:
            if self.event_type != EventType.SUPERVISOR:
                errors["core_event"] = "Only a Supervisor event is paired with a Core event."
            elif self.core_event is not None and self.core_event.event_type != EventType.CORE:
                errors["core_event"] = "A Supervisor event must be paired with a Core event."
        if errors:
            raise ValidationError(errors)


# --- planning-system sync (SPEC §6) ------------------------------------------------------


class SyncRun(models.Model):
    """One import from the planning system (API or CSV): what it did, counted, and why
    any record was skipped or any schedule was not imported."""

    class Kind(models.TextChoices):
        API = "api", "Planning-system API"
        CSV = "csv", "CSV import"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.API)
    trigger = models.CharField(max_length=16, help_text="command, api, page or task")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    interval_start = models.DateField(null=True, blank=True)
    interval_end = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    schedules_imported = models.PositiveIntegerField(default=0)
    marked_missing = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{row, ref, kind, reason}]: skipped rows, conflicts"
    )
    failure = models.CharField(max_length=300, blank=True)
    error_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class PushAction(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    UNSCHEDULE = "unschedule", "Unschedule"


class PushState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class PendingPush(models.Model):
    """The outbox: one schedule change to send to the planning system.

    Written in the same transaction as the local change, so nothing is lost while the
    planning system is down; a background task sends the pending rows in id order.
    """

    schedule = models.ForeignKey(
        "scheduler.Schedule", on_delete=models.CASCADE, related_name="pushes"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pushes")
    action = models.CharField(max_length=16, choices=PushAction.choices)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=PushState.choices, default=PushState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    external_schedule_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "pending push"
        verbose_name_plural = "pending pushes"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="push_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=PushAction.values), name="push_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=PushState.values), name="push_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} schedule {self.schedule_id}: {self.state}"
