from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.fields import BlankAsNullCharField, BlankAsNullEmailField
from employees.models import WEEKDAY_FIELDS, Employee

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class EmployeeSerializer(serializers.ModelSerializer[Employee]):
    """An employee as every signed-in user may see them (no contact details)."""

    job_title_display = serializers.CharField(source="get_job_title_display", read_only=True)
    available_weekdays = serializers.SerializerMethodField(
        help_text="Weekdays the employee works as a rule: mon … sun."
    )

    class Meta:
        model = Employee
        fields = [
            "id",
            "external_id",
            "rep_id",
            "name",
            "job_title",
            "job_title_display",
            "is_active",
            "termination_date",
            "available_weekdays",
        ]
        read_only_fields = fields

    def get_available_weekdays(self, obj: Employee) -> list[str]:
        return [
            name
            for name, field in zip(WEEKDAY_NAMES, WEEKDAY_FIELDS, strict=True)
            if getattr(obj, field)
        ]


class EmployeeContactSerializer(EmployeeSerializer):
    """With email and phone: for staff and managers (absent for read-only users).

    Either is null when not known.
    """

    email = BlankAsNullEmailField(required=False, allow_null=True)
    phone = BlankAsNullCharField(required=False, allow_null=True)

    class Meta(EmployeeSerializer.Meta):
        fields = [*EmployeeSerializer.Meta.fields, "email", "phone"]
        read_only_fields = EmployeeSerializer.Meta.fields


def employee_serializer_class(*, with_contact: bool) -> type[EmployeeSerializer]:
    return EmployeeContactSerializer if with_contact else EmployeeSerializer


__all__: list[Any] = [
    "EmployeeContactSerializer",
    "EmployeeSerializer",
    "employee_serializer_class",
]
