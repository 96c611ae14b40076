"""Paperwork models: per-user portal sessions, the report cache, uploaded forms, packets."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from events.types import EventType


class PortalSession(models.Model):
    """One manager's session with the retailer portal, encrypted at rest (crypto.py).

    Never shared: every read of the portal goes through the session of the user who
    asked. While `awaiting_code` it holds the cookies of a sign-in waiting for its SMS
    code; once `active`, the portal's cookies and bearer token until `expires_at`.
    """

    class State(models.TextChoices):
        AWAITING_CODE = "awaiting_code", "Waiting for the SMS code"
        ACTIVE = "active", "Signed in"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_session"
    )
    state = models.CharField(max_length=16, choices=State.choices)
    sealed = models.TextField(editable=False, help_text="Encrypted cookies and token.")
    failure_count = models.PositiveSmallIntegerField(
        default=0, help_text="Codes refused in this sign-in."
    )
    started_at = models.DateTimeField(default=timezone.now)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "portal session"

    def __str__(self) -> str:
        return f"Portal session of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE and self.expires_at > timezone.now()


class ReportStatus(models.TextChoices):
    OK = "ok", "Report"
    UNKNOWN = "unknown", "Not known to the portal"


class EventReport(models.Model):
    """The cached Event Detail Report of one event number (its 6-digit prefix)."""

    event_number = models.CharField(max_length=6, unique=True)
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.OK)
    report = models.JSONField(null=True, blank=True, help_text="The portal's JSON, as sent.")
    fetched_at = models.DateTimeField()
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "event detail report"
        ordering = ["event_number"]

    def __str__(self) -> str:
        return f"EDR {self.event_number}"

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        return (now or timezone.now()) - self.fetched_at


class PaperworkForm(models.Model):
    """A company form printed with each event of some types (activity log, checklist)."""

    title = models.CharField(max_length=120)
    pdf = models.BinaryField(editable=False)
    file_name = models.CharField(max_length=200, editable=False)
    page_count = models.PositiveSmallIntegerField(editable=False)
    event_types = models.JSONField(
        default=list, help_text="The event types this form is printed for."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Forms are printed in this order (lowest first)."
    )
    is_active = models.BooleanField("active", default=True)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paperwork form"
        ordering = ["position", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def event_type_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(t, t)) for t in self.event_types]


class PacketBuild(models.Model):
    """One build of a day's (or one event's) packet: progress, problems, the PDF."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    day = models.DateField()
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="packet_builds"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text="What is missing from the packet, and why (one line each).",
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    page_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["day", "-created_at"], name="paperwork_build_day")]

    def __str__(self) -> str:
        return f"Packet {self.day}" + (f" event {self.event_id}" if self.event_id else "")

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def file_name(self) -> str:
        suffix = f"-event-{self.event_id}" if self.event_id else ""
        return f"paperwork-{self.day:%Y-%m-%d}{suffix}.pdf"
