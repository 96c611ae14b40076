from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from employees.models import JobTitle
from scheduler.admin import ScheduleAdminForm
from scheduler.models import Schedule
from scheduler.services import schedule_unschedule
from tests.employees.factories import EmployeeFactory, TimeOffFactory
from tests.events.factories import EventFactory, store_local
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:scheduler_schedule_add")
CHANGELIST = reverse("admin:scheduler_schedule_changelist")


def _change(schedule: Schedule) -> str:
    return reverse("admin:scheduler_schedule_change", args=[schedule.pk])


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _schedule_form(event_id: int, employee_id: int, day: str, time: str) -> dict[str, str]:
    return {
        "event": str(event_id),
        "employee": str(employee_id),
        "start_0": day,
        "start_1": time,
    }


# --- Add form -------------------------------------------------------------------------


def test_add_form_computes_the_end_and_records_who_scheduled(
    staff_client: Client, staff_user: User
) -> None:
    event = EventFactory.create(estimated_minutes=390)
    employee = EmployeeFactory.create()

    response = staff_client.post(ADD, _schedule_form(event.pk, employee.pk, "2026-12-15", "10:45"))

    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.event, schedule.employee) == (event, employee)
    assert schedule.start == store_local(2026, 12, 15, 10, 45)
    assert schedule.end == store_local(2026, 12, 15, 17, 15)
    assert schedule.created_by == staff_user
    assert schedule.is_live


def test_a_second_live_schedule_for_an_event_is_a_form_error_and_writes_nothing(
    staff_client: Client,
) -> None:
    existing = ScheduleFactory.create()

    response = staff_client.post(
        ADD, _schedule_form(existing.event_id, EmployeeFactory.create().pk, "2026-12-16", "11:15")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "event": ["This event already has a live schedule; unschedule that one first."]
    }
    assert list(Schedule.objects.all()) == [existing]


def test_an_event_whose_schedule_was_unscheduled_can_be_scheduled_again(
    staff_client: Client,
) -> None:
    old = ScheduleFactory.create()
    schedule_unschedule(schedule=old, by=None)

    response = staff_client.post(
        ADD, _schedule_form(old.event_id, EmployeeFactory.create().pk, "2026-12-16", "11:15")
    )

    assert response.status_code == 302
    assert Schedule.objects.live().get().start == store_local(2026, 12, 16, 11, 15)


def test_a_write_refused_by_the_service_after_the_form_passed_shows_an_error(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent write lands between the form check and the save: no 500, nothing written."""
    existing = ScheduleFactory.create()
    monkeypatch.setattr(ScheduleAdminForm, "clean", lambda form: form.cleaned_data)

    response = staff_client.post(
        ADD,
        _schedule_form(existing.event_id, EmployeeFactory.create().pk, "2026-12-16", "11:15"),
        follow=True,
    )

    assert response.status_code == 200
    assert _messages(response) == ["This event is already scheduled; reschedule or unschedule it."]
    assert list(Schedule.objects.all()) == [existing]


# --- Change form ----------------------------------------------------------------------


def test_change_form_moves_the_schedule_and_recomputes_the_end(staff_client: Client) -> None:
    schedule = ScheduleFactory.create(event=EventFactory.create(estimated_minutes=30))
    other = EmployeeFactory.create()

    response = staff_client.post(
        _change(schedule),
        {"employee": str(other.pk), "start_0": "2026-12-17", "start_1": "12:15"},
    )

    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.employee == other
    assert (schedule.start, schedule.end) == (
        store_local(2026, 12, 17, 12, 15),
        store_local(2026, 12, 17, 12, 45),
    )


def test_an_unscheduled_schedule_can_be_viewed_but_not_changed(staff_client: Client) -> None:
    schedule = ScheduleFactory.create()
    schedule_unschedule(schedule=schedule, by=None)

    viewed = staff_client.get(_change(schedule))
    changed = staff_client.post(
        _change(schedule),
        {"employee": str(EmployeeFactory.create().pk), "start_0": "2026-12-17", "start_1": "12:15"},
    )

    assert viewed.status_code == 200
    assert changed.status_code == 403
    assert Schedule.objects.get().start == schedule.start


# --- Changelist -----------------------------------------------------------------------


def test_unschedule_action_unschedules_exactly_the_selected_live_schedules(
    staff_client: Client, staff_user: User
) -> None:
    picked = ScheduleFactory.create_batch(2)
    untouched = ScheduleFactory.create()

    response = staff_client.post(
        CHANGELIST,
        {"action": "unschedule", "_selected_action": [s.pk for s in picked]},
        follow=True,
    )

    assert _messages(response) == ["2 schedules unscheduled."]
    assert set(Schedule.objects.live()) == {untouched}
    for schedule in picked:
        schedule.refresh_from_db()
        assert schedule.unscheduled_by == staff_user
        assert schedule.unscheduled_at is not None


@pytest.mark.parametrize(("status", "expected"), [("live", "live"), ("unscheduled", "past")])
def test_status_filter(staff_client: Client, status: str, expected: str) -> None:
    rows = {"live": ScheduleFactory.create(), "past": ScheduleFactory.create()}
    schedule_unschedule(schedule=rows["past"], by=None)

    response = staff_client.get(CHANGELIST, {"status": status})

    assert list(response.context["cl"].result_list) == [rows[expected]]


def test_the_employee_picker_offers_only_active_employees(staff_client: Client) -> None:
    active = EmployeeFactory.create()
    EmployeeFactory.create(is_active=False)

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "scheduler", "model_name": "schedule", "field_name": "employee"},
    )

    assert [int(r["id"]) for r in response.json()["results"]] == [active.pk]


def test_rule_errors_in_the_admin_speak_labels_not_codes(staff_client: Client) -> None:
    event = EventFactory.create(estimated_minutes=390)
    employee = EmployeeFactory.create(name="Cy Super", job_title=JobTitle.CLUB_SUPERVISOR)
    TimeOffFactory.create(employee=employee, start_date=store_local(2026, 12, 15).date())

    response = staff_client.post(ADD, _schedule_form(event.pk, employee.pk, "2026-12-15", "10:45"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Time off: Cy Super has time off on Tue 15 Dec.",
        "Warning, Club Supervisor on a Core event: Cy Super is a Club Supervisor on a Core event.",
    ]
    assert Schedule.objects.count() == 0
