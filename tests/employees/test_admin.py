import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from employees.models import CompanyHoliday, Employee, JobTitle, TimeOff
from tests.employees.factories import CompanyHolidayFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:employees_employee_changelist")


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _inline_management(prefix: str, total: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _employee_form(**overrides: str) -> dict[str, str]:
    data = {
        "external_id": "US777001",
        "rep_id": "",
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "phone": "317-555-0101",
        "job_title": JobTitle.LEAD_EVENT_SPECIALIST,
        "is_active": "on",
        "termination_date": "",
        "available_mon": "on",
        "available_wed": "on",
        "available_fri": "on",
        "user": "",
        **_inline_management("time_off"),
        **_inline_management("unavailable_dates"),
    }
    data.update(overrides)
    return data


# --- Bulk actions ---------------------------------------------------------------------


def test_deactivate_action_changes_exactly_the_selected_employees(staff_client: Client) -> None:
    picked = EmployeeFactory.create_batch(2)
    already_inactive = EmployeeFactory.create(is_active=False)
    untouched = EmployeeFactory.create_batch(2)
    selected = [*picked, already_inactive]

    response = staff_client.post(
        CHANGELIST,
        {"action": "deactivate", "_selected_action": [e.pk for e in selected]},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Employee.objects.filter(is_active=False)) == set(selected)
    assert set(Employee.objects.filter(is_active=True)) == set(untouched)
    assert _messages(response) == ["2 employees deactivated."]


def test_activate_action_changes_exactly_the_selected_employees(staff_client: Client) -> None:
    picked = EmployeeFactory.create(is_active=False)
    untouched = EmployeeFactory.create_batch(2, is_active=False)

    response = staff_client.post(
        CHANGELIST, {"action": "activate", "_selected_action": [picked.pk]}, follow=True
    )

    assert list(Employee.objects.filter(is_active=True)) == [picked]
    assert set(Employee.objects.filter(is_active=False)) == set(untouched)
    assert _messages(response) == ["1 employee activated."]


# --- Add / change form ----------------------------------------------------------------


def test_add_form_saves_the_availability_grid_and_time_off_inline(staff_client: Client) -> None:
    data = _employee_form(
        **_inline_management("time_off", total=1),
        **{
            "time_off-0-start_date": "2026-12-21",
            "time_off-0-end_date": "2026-12-23",
            "time_off-0-reason": "Family visit",
        },
    )

    response = staff_client.post(reverse("admin:employees_employee_add"), data)

    assert response.status_code == 302
    employee = Employee.objects.get(external_id="US777001")
    assert employee.available_weekdays == frozenset({0, 2, 4})
    assert list(
        TimeOff.objects.filter(employee=employee).values_list("start_date", "end_date")
    ) == [(dt.date(2026, 12, 21), dt.date(2026, 12, 23))]


def test_add_form_refuses_an_email_that_differs_only_in_case(staff_client: Client) -> None:
    EmployeeFactory.create(email="dana@example.com")

    response = staff_client.post(
        reverse("admin:employees_employee_add"), _employee_form(email="Dana@Example.com")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["Another employee already has this email address."]
    }
    assert not Employee.objects.filter(external_id="US777001").exists()


def test_changelist_shows_weekly_availability_compactly(staff_client: Client) -> None:
    EmployeeFactory.create(available_sat=False, available_sun=False)

    response = staff_client.get(CHANGELIST)

    assert "Mon Tue Wed Thu Fri<" in response.content.decode()


def test_available_on_filter_keeps_who_works_that_weekday(staff_client: Client) -> None:
    works_saturday = EmployeeFactory.create()
    EmployeeFactory.create(available_sat=False)

    response = staff_client.get(CHANGELIST, {"available_on": "5"})

    assert list(response.context["cl"].result_list) == [works_saturday]


# --- Company holidays -----------------------------------------------------------------


HOLIDAY_ADD = reverse("admin:employees_companyholiday_add")


def test_holiday_form_saves_a_yearly_holiday(staff_client: Client) -> None:
    response = staff_client.post(
        HOLIDAY_ADD, {"name": "Independence Day", "date": "", "month": "7", "day": "4"}
    )

    assert response.status_code == 302
    holiday = CompanyHoliday.objects.get()
    assert (holiday.date, holiday.month, holiday.day) == (None, 7, 4)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"date": "2026-11-26", "month": "11", "day": "26"},
            {"date": ["Give either a date or a month and a day, not both."]},
        ),
        (
            {"date": "", "month": "7", "day": ""},
            {"day": ["Give a date for a one-off holiday, or a month and a day for a yearly one."]},
        ),
        (
            {"date": "", "month": "", "day": ""},
            {"date": ["Give a date for a one-off holiday, or a month and a day for a yearly one."]},
        ),
        ({"date": "", "month": "2", "day": "30"}, {"day": ["This month has no such day."]}),
    ],
    ids=["both", "no-day", "nothing", "no-such-day"],
)
def test_holiday_form_refuses_incomplete_or_ambiguous_dates(
    staff_client: Client, data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    CompanyHolidayFactory.create(name="Christmas Day")

    response = staff_client.post(HOLIDAY_ADD, {"name": "Thanksgiving", **data})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert list(CompanyHoliday.objects.values_list("name", flat=True)) == ["Christmas Day"]
