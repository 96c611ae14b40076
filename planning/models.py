"""The planning-system integration's own rows: sync runs and the push outbox.

Moved from the events app with their tables kept (`db_table`): see
planning/migrations/0001_initial.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.models import Event


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
        db_table = "events_syncrun"  # the table it had in the events app
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
        db_table = "events_pendingpush"  # the table it had in the events app
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


class CsvImport(models.Model):
    """One CSV upload on the planning page: the file, its preview and its import.

    The preview and the import run as background tasks that write their progress here
    (the page polls it), so no request waits for them; the file lives here, not in the
    session. A preview that is not confirmed by `expires_at` is deleted by
    `manage.py cleanup_sessions` (with the other expired rows).
    """

    class State(models.TextChoices):
        PREVIEWING = "previewing", "Checking the file"
        PREVIEWED = "previewed", "Ready to import"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    name = models.CharField("file name", max_length=255, blank=True)
    data = models.BinaryField("file", blank=True, help_text="Emptied once imported.")
    size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PREVIEWING)
    stage = models.CharField(max_length=32, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="{counts: {…}, errors: [{row, ref, kind, reason}]}"
    )
    run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure = models.CharField(max_length=300, blank=True)
    error_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "CSV import"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=["previewing", "previewed", "importing", "imported", "failed"]
                ),
                name="csv_import_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'CSV'} ({self.get_state_display()})"

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.PREVIEWING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
