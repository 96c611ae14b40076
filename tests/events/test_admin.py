import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event
from events.types import EventType
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory
from tests.scheduler.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:events_event_add")
AUTOCOMPLETE = reverse("admin:autocomplete")


def _event_form(**overrides: str) -> dict[str, str]:
    data = {
        "project_ref_num": "31750001",
        "project_name": "606034-Supervisor-Super Pretzel",
        "event_type": EventType.SUPERVISOR,
        "condition": "unstaffed",
        "store_number": "8135",
        "store_name": "Club 8135 Indianapolis",
        "location_id": "11584",
        "start_datetime_0": "2026-12-14",
        "start_datetime_1": "00:00:00",
        "due_datetime_0": "2026-12-19",
        "due_datetime_1": "00:00:00",
        "estimated_minutes": "",
        "sales_tool_url": "",
        "core_event": "",
    }
    data.update(overrides)
    return data


def _autocomplete_ids(client: Client, model_name: str, field_name: str, app: str) -> set[int]:
    response = client.get(
        AUTOCOMPLETE,
        {"term": "", "app_label": app, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_adding_a_supervisor_event_derives_its_number_and_pairs_it_with_its_core(
    staff_client: Client,
) -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    EventFactory.create(project_name="606035-CORE-Other Product")

    response = staff_client.post(ADD, _event_form())

    assert response.status_code == 302
    supervisor = Event.objects.get(project_ref_num=31750001)
    assert supervisor.event_number == "606034"
    assert supervisor.event_type == EventType.SUPERVISOR
    assert supervisor.core_event == core


def test_adding_a_core_event_pairs_the_supervisor_already_waiting_for_it(
    staff_client: Client,
) -> None:
    supervisor = EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel", event_type=EventType.SUPERVISOR
    )

    response = staff_client.post(
        ADD,
        _event_form(
            project_name="606034-CORE-Super Pretzel",
            event_type=EventType.CORE,
            estimated_minutes="390",
        ),
    )

    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.core_event == Event.objects.get(project_ref_num=31750001)


def test_a_blank_event_type_is_detected_from_the_project_name(staff_client: Client) -> None:
    response = staff_client.post(
        ADD, _event_form(project_name="612001-Juicer-Survey-Mango", event_type="")
    )

    assert response.status_code == 302
    event = Event.objects.get(project_ref_num=31750001)
    assert (event.event_type, event.event_number) == (EventType.JUICER_SURVEY, "612001")


def test_a_window_that_ends_before_it_starts_is_a_form_error(staff_client: Client) -> None:
    response = staff_client.post(ADD, _event_form(due_datetime_0="2026-12-13"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "due_datetime": ["Due must be after the window start."]
    }
    assert not Event.objects.exists()


def test_only_a_supervisor_event_may_be_paired(staff_client: Client) -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")

    response = staff_client.post(
        ADD,
        _event_form(project_name="606099-Freeosk", event_type="freeosk", core_event=str(core.pk)),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "core_event": ["Only a Supervisor event is paired with a Core event."]
    }
    assert list(Event.objects.all()) == [core]


def test_change_page_lists_the_schedules_read_only(staff_client: Client) -> None:
    event = EventFactory.create()
    past = ScheduleFactory.create(event=event, employee=EmployeeFactory.create(name="Ann Past"))
    Schedule.objects.filter(pk=past.pk).update(unscheduled_at=past.start)
    ScheduleFactory.create(event=event, employee=EmployeeFactory.create(name="Bo Live"))

    response = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert inline.formset.model is Schedule
    assert (inline.has_add_permission, inline.has_change_permission) == (False, False)
    assert inline.has_delete_permission is False
    content = response.content.decode()
    assert "Ann Past" in content
    assert "Bo Live" in content


def test_the_core_event_picker_offers_only_core_events(staff_client: Client) -> None:
    core = EventFactory.create()
    EventFactory.create(project_name="606099-Freeosk", event_type=EventType.FREEOSK)

    assert _autocomplete_ids(staff_client, "event", "core_event", "events") == {core.pk}


def test_the_schedule_event_picker_offers_only_events_without_a_live_schedule(
    staff_client: Client,
) -> None:
    open_event = EventFactory.create()
    ScheduleFactory.create()  # its event is taken
    unscheduled = ScheduleFactory.create()
    Schedule.objects.filter(pk=unscheduled.pk).update(unscheduled_at=unscheduled.start)

    assert _autocomplete_ids(staff_client, "schedule", "event", "scheduler") == {
        open_event.pk,
        unscheduled.event_id,
    }
