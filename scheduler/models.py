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
    CALL_OUT = "call_out", "Call-out"
    REISSUE = "reissue", "Reissue"


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


# --- the auto-scheduler (docs/rules.md, the auto-scheduler) ---------------------------------------


class AutoRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PROPOSED = "proposed", "Ready for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class AutoRun(models.Model):
    """One run of the auto-scheduler over a horizon of days: proposals, never live data.

    Its proposals change nothing until a manager approves them; approval goes through
    the scheduling services, rule by rule, like a manager scheduling by hand.
    """

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_day = models.DateField(help_text="First store-local day of the horizon.")
    last_day = models.DateField(help_text="Last store-local day of the horizon (inclusive).")
    earliest_day = models.DateField(help_text="Nothing is proposed before this day (buffer).")
    status = models.CharField(
        max_length=16, choices=AutoRunStatus.choices, default=AutoRunStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    events_considered = models.PositiveIntegerField(default=0)
    placed_count = models.PositiveIntegerField(default=0)
    unplaced_count = models.PositiveIntegerField(default=0)
    applied_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # What the run knows about its plan (`scheduler.auto_optimize.Optimality.as_dict`):
    # proven optimal, or the best bound on the events placed and the gap; and the time.
    optimality = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="autorun_last_after_first"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AutoRunStatus.values), name="autorun_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Auto-run #{self.pk} {self.first_day:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status not in (AutoRunStatus.QUEUED, AutoRunStatus.RUNNING)

    @property
    def is_open(self) -> bool:
        """Its proposals can still be edited, approved or rejected."""
        return self.status == AutoRunStatus.PROPOSED

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def optimality_line(self) -> str:
        """What the run knows about its plan, in one sentence ("" before it is known)."""
        o = self.optimality or {}
        if "placed" not in o:
            return ""
        placed, bound, took = o["placed"], o["bound"], f"{o['seconds']:.1f} s"
        events = "event" if placed == 1 else "events"
        if o.get("proven"):
            line = (
                f"Proven optimal: {placed} {events} placed, the most any plan can place, "
                f"then the most urgent and preferred ones ({took})."
            )
        elif o.get("count_proven"):
            line = (
                f"{placed} {events} placed, proven the most any plan can place; which ones "
                f"and who (urgency, preferences, balance) is the best found in {took}."
            )
        else:
            line = (
                f"{placed} {events} placed; no plan can place more than {bound} "
                f"(gap {100 * o.get('gap', 0):.1f} %); the best found in {took}."
            )
        if o.get("note"):
            line += f" {o['note']}"
        return line


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    UNPLACED = "unplaced", "Could not place"
    DROPPED = "dropped", "Dropped"
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused at approval"
    REJECTED = "rejected", "Rejected"


class AutoProposal(models.Model):
    """One event of a run: who and when it proposes, or why it could not place it."""

    run = models.ForeignKey(AutoRun, on_delete=models.CASCADE, related_name="proposals")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="auto_proposals")
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    # A Supervisor event proposed with its Core event: approval schedules it through the
    # Core event's cascade, so it follows its Core proposal and is not edited on its own.
    with_core = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="For a Supervisor event: the Core event it is proposed with.",
    )
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    # Rule violations as the rules engine reports them ({code, severity, message, details}):
    # for a proposal, its warnings (never a hard one); for an unplaced event, why not.
    warnings = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="What approval did.")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order the run decided in.")

    class Meta:
        ordering = ["start", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "event"], name="autoproposal_one_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="autoproposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="unplaced")
                | Q(employee__isnull=False, start__isnull=False, end__isnull=False),
                name="autoproposal_placed_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["run", "status"], name="autoproposal_run_status_idx")]

    def __str__(self) -> str:
        return f"Run {self.run_id} · event {self.event_id} · {self.get_status_display()}"

    @property
    def is_placed(self) -> bool:
        return self.status != ProposalStatus.UNPLACED
