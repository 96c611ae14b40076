from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

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
    before `due_datetime` (docs/rules.md, rule 2).
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
