import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from employees.querysets import EmployeeQuerySet

WEEKDAY_FIELDS = (
    "available_mon",
    "available_tue",
    "available_wed",
    "available_thu",
    "available_fri",
    "available_sat",
    "available_sun",
)


class JobTitle(models.TextChoices):
    EVENT_SPECIALIST = "event_specialist", "Event Specialist"
    LEAD_EVENT_SPECIALIST = "lead_event_specialist", "Lead Event Specialist"
    CLUB_SUPERVISOR = "club_supervisor", "Club Supervisor"
    JUICER_BARISTA = "juicer_barista", "Juicer Barista"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Employee(models.Model):
    """A person who works events; `external_id` is the planning system's stable id."""

    external_id = models.CharField(
        "employee id", max_length=32, unique=True, help_text="Planning-system id, e.g. US123456."
    )
    rep_id = models.PositiveBigIntegerField(
        "rep id", null=True, blank=True, unique=True, help_text="Numeric planning-system rep id."
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    job_title = models.CharField(max_length=32, choices=JobTitle.choices)
    is_active = models.BooleanField("active", default=True)
    termination_date = models.DateField(null=True, blank=True)
    available_mon = models.BooleanField("Mon", default=True)
    available_tue = models.BooleanField("Tue", default=True)
    available_wed = models.BooleanField("Wed", default=True)
    available_thu = models.BooleanField("Thu", default=True)
    available_fri = models.BooleanField("Fri", default=True)
    available_sat = models.BooleanField("Sat", default=True)
    available_sun = models.BooleanField("Sun", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="employee_email_unique_ci"
            ),
            models.CheckConstraint(
                condition=Q(job_title__in=JobTitle.values), name="employee_job_title_valid"
            ),
            models.CheckConstraint(condition=~Q(external_id=""), name="employee_external_id_set"),
            models.CheckConstraint(condition=~Q(name=""), name="employee_name_set"),
        ]
        indexes = [
            models.Index(fields=["job_title", "is_active"], name="employee_title_active_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"

    @property
    def available_weekdays(self) -> frozenset[int]:
        """Weekdays (0 = Monday) this employee works as a rule."""
        return frozenset(i for i, f in enumerate(WEEKDAY_FIELDS) if getattr(self, f))

    def is_employed_on(self, day: dt.date) -> bool:
        """Active, and not terminated on or before `day` (docs/rules.md, rule 3)."""
        return self.is_active and (self.termination_date is None or self.termination_date > day)


class TimeOff(models.Model):
    """Approved time off: the employee cannot work any day from start to end, inclusive."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "time off"
        verbose_name_plural = "time off"
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="timeoff_end_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["employee", "start_date", "end_date"], name="timeoff_employee_range_idx"
            )
        ]

    def __str__(self) -> str:
        if self.start_date == self.end_date:
            return f"{self.employee.name} off {self.start_date:%Y-%m-%d}"
        return f"{self.employee.name} off {self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d}"


class UnavailableDate(models.Model):
    """A single date on which one employee cannot work."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="unavailable_dates"
    )
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "date"], name="unavailable_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} unavailable {self.date:%Y-%m-%d}"


class CompanyHoliday(models.Model):
    """A day nobody works: either one fixed date, or a month/day that recurs every year."""

    name = models.CharField(max_length=100)
    date = models.DateField(null=True, blank=True, unique=True, help_text="For a one-off holiday.")
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a holiday that recurs every year."
    )
    day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["month", "day", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(date__isnull=False, month__isnull=True, day__isnull=True)
                    | Q(
                        date__isnull=True,
                        month__isnull=False,
                        day__isnull=False,
                        month__gte=1,
                        month__lte=12,
                        day__gte=1,
                        day__lte=31,
                    )
                ),
                name="holiday_fixed_or_recurring",
            ),
            models.UniqueConstraint(
                fields=["month", "day"],
                condition=Q(date__isnull=True),
                name="holiday_recurring_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.date is not None:
            return f"{self.name} ({self.date:%Y-%m-%d})"
        return f"{self.name} (every {calendar.month_abbr[self.month or 1]} {self.day})"

    def clean(self) -> None:
        if self.date is None and self.month and self.day:
            # 2000 is a leap year, so 29 February is allowed as a recurring day.
            try:
                dt.date(2000, self.month, self.day)
            except ValueError:
                raise ValidationError({"day": "This month has no such day."}) from None

    def falls_on(self, day: dt.date) -> bool:
        if self.date is not None:
            return self.date == day
        return self.month == day.month and self.day == day.day


class RotationKind(models.TextChoices):
    JUICER = "juicer", "Juicer"
    PRIMARY_LEAD = "primary_lead", "Primary Lead"


class Rotation(models.Model):
    """Who is the Juicer and who is the Primary Lead on each weekday."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    kind = models.CharField(max_length=16, choices=RotationKind.choices)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="rotations")

    class Meta:
        ordering = ["weekday", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["weekday", "kind"], name="rotation_unique_per_day"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="rotation_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RotationKind.values), name="rotation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_kind_display()}: {self.employee.name}"


class RotationException(models.Model):
    """A one-day replacement for the weekday rotation."""

    date = models.DateField()
    kind = models.CharField(max_length=16, choices=RotationKind.choices)
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="rotation_exceptions"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["date", "kind"], name="rotation_exception_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=RotationKind.values), name="rotation_exception_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}: {self.employee.name}"
