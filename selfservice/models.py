"""Employees' self-service: their preferences, calendar feeds, time-off requests, the
weeks published to them and the notices sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from employees.models import Employee


class EmployeePreferences(models.Model):
    """What one employee chose, and when they last looked at their schedule."""

    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="selfservice_preferences"
    )
    notices_enabled = models.BooleanField(
        "email notices", default=True, help_text="Schedule digests, change notices, decisions."
    )
    schedule_seen_at = models.DateTimeField(
        "schedule last seen", null=True, blank=True, help_text="Changes after this are shown."
    )

    class Meta:
        verbose_name = "employee preferences"
        verbose_name_plural = "employee preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.employee.name}"


class CalendarFeed(models.Model):
    """A secret calendar subscription link: one employee's schedules, or (for a manager's
    user account) the whole team's.

    The link's token is never stored: it is derived from `nonce` with
    CALENDAR_FEEDS_SECRET, and only its keyed hash is kept for the lookup
    (`selfservice.feeds`). A new nonce ("new link") makes the old link stop working.
    """

    employee = models.OneToOneField(
        Employee, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="team_calendar_feed",
        help_text="For a team feed: the manager who subscribes to it.",
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(employee__isnull=False, user__isnull=True)
                    | Q(employee__isnull=True, user__isnull=False)
                ),
                name="calendarfeed_employee_or_team",
            ),
        ]

    def __str__(self) -> str:
        if self.employee_id is not None:
            return f"Calendar feed of {self.employee}"
        return f"Team calendar feed of {self.user}"

    @property
    def is_team(self) -> bool:
        return self.employee_id is None


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    CANCELED = "canceled", "Canceled"


class TimeOffRequest(models.Model):
    """An employee asks for days off; a manager approves (the time off is written) or
    denies it with a note; the employee may cancel it while it is pending."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="time_off_requests"
    )
    start_date = models.DateField("first day")
    end_date = models.DateField("last day")
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField("note", max_length=300, blank=True)
    time_off = models.OneToOneField(
        "employees.TimeOff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
        help_text="The time off written when the request was approved.",
    )

    class Meta:
        verbose_name = "time-off request"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="timeoffrequest_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="timeoffrequest_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="timeoffrequest_status_idx"),
            models.Index(
                fields=["employee", "start_date", "end_date"], name="timeoffrequest_employee_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name}: {self.start_date:%Y-%m-%d}..{self.end_date:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class NoticeKind(models.TextChoices):
    WEEK = "week", "Published week"
    CHANGE = "change", "Schedule changed"
    DECISION = "decision", "Time-off decision"


class NoticeState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent: nothing left to tell"


class Notice(models.Model):
    """The notification outbox: one email to one employee, written in the same
    transaction as what it tells, sent after commit by `selfservice.tasks.deliver_notices`
    (retried with backoff; a row is locked while it is sent and never sent again once
    marked sent)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(
        max_length=16, choices=NoticeState.choices, default=NoticeState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A change notice is written when the change is, but told when it is sent: what the
    # employee's published weeks were then, and against which publication of each
    # ({"<monday>": {"publication": id, "entries": [...]}}), so the next one tells only
    # what changed since (selfservice/notices.py, change_message).
    told = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=NoticeState.values), name="notice_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notice_due_idx",
            ),
            models.Index(
                fields=["employee", "kind", "state", "sent_at"], name="notice_employee_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class WeekPublication(models.Model):
    """A manager published one week's schedules (Monday to Sunday, store time).

    `snapshot` is the week as published: one entry per live schedule (its event, who,
    when, what to call it), enough to tell at the next publication what was added, moved
    or removed since, and to tell a change notice what the employee was last told.
    `number` counts the week's publications; it is unique with the week, so two
    managers publishing the same week at once cannot both succeed.
    """

    week_start = models.DateField("week of", help_text="The week's Monday.")
    number = models.PositiveIntegerField(
        "publication", help_text="1 for the week's first publication."
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(default=list, blank=True)
    employees_changed = models.PositiveIntegerField("employees with changes", default=0)
    added = models.PositiveIntegerField("schedules added", default=0)
    moved = models.PositiveIntegerField("schedules moved", default=0)
    removed = models.PositiveIntegerField("schedules taken off", default=0)
    digests = models.PositiveIntegerField("digest emails", default=0)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "number"], name="weekpublication_week_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start:%a} {self.week_start.day} {self.week_start:%b %Y}"


class EmployeeAccount(Employee):
    """Employees as the admin's "Employee accounts" page lists them: who can sign in."""

    class Meta:
        proxy = True
        verbose_name = "employee account"
