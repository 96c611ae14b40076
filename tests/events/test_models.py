import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from events.models import Event
from events.services import event_pair_supervisors, event_save
from events.types import EventType
from tests.employees.test_models import assert_rejected
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db


def test_project_ref_num_unique() -> None:
    EventFactory.create(project_ref_num=9100000)
    assert_rejected(EventFactory, project_ref_num=9100000)


@pytest.mark.parametrize(
    "bad",
    [
        {"due_datetime": store_local(2026, 12, 14)},  # due == start
        {"due_datetime": store_local(2026, 12, 13)},  # due before start
        {"event_type": "party"},
        {"condition": "lost"},
        {"estimated_minutes": 0},
        {"project_name": ""},
        {"project_ref_num": -1},
    ],
    ids=[
        "due-equals-start",
        "due-before-start",
        "type",
        "condition",
        "zero-minutes",
        "name",
        "ref",
    ],
)
def test_event_checks_reject_bad_rows(bad: dict[str, Any]) -> None:
    assert_rejected(EventFactory, start_datetime=store_local(2026, 12, 14), **bad)


def test_only_supervisor_events_are_paired() -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel",
        event_type=EventType.SUPERVISOR,
        core_event=core,
    )
    other_core = EventFactory.create(project_name="606035-CORE-Trail Mix")
    assert_rejected(EventFactory, event_type=EventType.CORE, core_event=other_core)


def test_a_core_event_has_at_most_one_supervisor() -> None:
    core = EventFactory.create()
    EventFactory.create(event_type=EventType.SUPERVISOR, core_event=core)
    assert_rejected(EventFactory, event_type=EventType.SUPERVISOR, core_event=core)


def test_event_cannot_pair_with_itself() -> None:
    event = EventFactory.create(event_type=EventType.SUPERVISOR)
    event.core_event_id = event.pk
    with pytest.raises(Exception, match=r"event_not_paired_with_itself|CHECK constraint"):
        Event.objects.filter(pk=event.pk).update(core_event_id=event.pk)


def test_duration_defaults_to_the_type() -> None:
    assert EventFactory.create(estimated_minutes=45).duration == dt.timedelta(minutes=45)
    supervisor = EventFactory.create(event_type=EventType.SUPERVISOR, estimated_minutes=None)
    assert supervisor.duration == dt.timedelta(minutes=5)
    juicer = EventFactory.create(event_type=EventType.JUICER_PRODUCTION, estimated_minutes=None)
    assert juicer.duration == dt.timedelta(minutes=540)


def test_clean_rejects_pairing_with_a_non_core_event() -> None:
    not_core = EventFactory.create(event_type=EventType.FREEOSK)
    supervisor = EventFactory.build(event_type=EventType.SUPERVISOR, core_event=not_core)
    with pytest.raises(ValidationError) as excinfo:
        supervisor.full_clean()
    assert "core_event" in excinfo.value.message_dict


def test_pairing_by_shared_event_number() -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    supervisor = EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel", event_type=EventType.SUPERVISOR
    )
    lonely = EventFactory.create(
        project_name="606099-Supervisor-No Core", event_type=EventType.SUPERVISOR
    )
    assert event_pair_supervisors(event_numbers=["606034", "606099"]) == 1
    supervisor.refresh_from_db()
    lonely.refresh_from_db()
    assert supervisor.core_event == core
    assert lonely.core_event is None
    # Idempotent: a second pass changes nothing.
    assert event_pair_supervisors(event_numbers=["606034", "606099"]) == 0


def test_pairing_leaves_a_number_shared_by_two_supervisors_alone() -> None:
    core = EventFactory.create(project_name="606034-CORE-Super Pretzel")
    for suffix in ("", " (repeat)"):
        EventFactory.create(
            project_name=f"606034-Supervisor-Super Pretzel{suffix}",
            event_type=EventType.SUPERVISOR,
        )
    # Both cannot pair with the one Core event (one-to-one): neither is, and no error.
    assert event_pair_supervisors(event_numbers=["606034"]) == 0
    assert not Event.objects.filter(core_event=core).exists()


def test_pairing_leaves_ambiguous_numbers_alone() -> None:
    EventFactory.create(project_name="606034-CORE-Super Pretzel")
    EventFactory.create(project_name="606034-CORE-Super Pretzel (repeat)")
    supervisor = EventFactory.create(
        project_name="606034-Supervisor-Super Pretzel", event_type=EventType.SUPERVISOR
    )
    assert event_pair_supervisors(event_numbers=["606034"]) == 0
    supervisor.refresh_from_db()
    assert supervisor.core_event is None


def test_pairing_runs_a_constant_number_of_queries(django_assert_num_queries: Any) -> None:
    numbers = []
    for n in range(20):
        EventFactory.create(project_name=f"{700000 + n}-CORE-Product {n}")
        EventFactory.create(
            project_name=f"{700000 + n}-Supervisor-Product {n}", event_type=EventType.SUPERVISOR
        )
        numbers.append(str(700000 + n))
    # select cores, select supervisors, one UPDATE of the ones that change.
    with django_assert_num_queries(3):
        assert event_pair_supervisors(event_numbers=numbers) == 20


def test_event_save_derives_number_and_pairs_both_ways() -> None:
    supervisor = event_save(
        event=EventFactory.build(
            project_name="606034-Supervisor-Super Pretzel",
            event_type=EventType.SUPERVISOR,
            event_number="",
        )
    )
    assert supervisor.event_number == "606034"
    assert supervisor.core_event is None
    core = event_save(
        event=EventFactory.build(project_name="606034-CORE-Super Pretzel", event_number="")
    )
    supervisor.refresh_from_db()
    assert supervisor.core_event == core


def test_event_save_refuses_invalid_and_writes_nothing() -> None:
    bad = EventFactory.build(
        start_datetime=store_local(2026, 12, 14), due_datetime=store_local(2026, 12, 14)
    )
    with pytest.raises(ValidationError):
        event_save(event=bad)
    assert Event.objects.count() == 0


def test_overlapping_window_queryset() -> None:
    inside = EventFactory.create(
        start_datetime=store_local(2026, 12, 14), due_datetime=store_local(2026, 12, 16)
    )
    EventFactory.create(
        start_datetime=store_local(2026, 12, 16), due_datetime=store_local(2026, 12, 18)
    )
    found = Event.objects.overlapping(store_local(2026, 12, 15), store_local(2026, 12, 16))
    assert list(found) == [inside]


def test_a_scheduled_event_keeps_its_type() -> None:
    from tests.scheduler.factories import ScheduleFactory

    schedule = ScheduleFactory.create()
    event = Event.objects.get(pk=schedule.event_id)
    event.event_type = EventType.FREEOSK
    with pytest.raises(ValidationError) as refused:
        event_save(event=event)
    assert "event_type" in refused.value.message_dict
    assert Event.objects.get(pk=event.pk).event_type == EventType.CORE
    event.event_type = EventType.CORE
    event.project_name = "606034-CORE-Renamed"
    assert event_save(event=event).project_name == "606034-CORE-Renamed"
