"""The scheduler's "schedule changed" hook: handlers are keyed, ordered, called once per
change inside its transaction, and a failing handler refuses the whole change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.checks import run_checks
from django.db import transaction

from scheduler import hooks
from scheduler.hooks import ScheduleChanged, on_schedule_changed, schedule_changed
from scheduler.models import ChangeSource, Schedule, ScheduleAction, ScheduleChange
from scheduler.services import schedule_create, schedule_unschedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db

START = store_local(2026, 12, 15, 10, 45)


@pytest.fixture
def seen() -> Iterator[list[tuple[str, ScheduleChanged, bool]]]:
    """Two test handlers, registered after the apps' own; removed afterwards."""
    calls: list[tuple[str, ScheduleChanged, bool]] = []

    def first(change: ScheduleChanged) -> None:
        calls.append(("first", change, transaction.get_connection().in_atomic_block))

    def second(change: ScheduleChanged) -> None:
        calls.append(("second", change, transaction.get_connection().in_atomic_block))

    on_schedule_changed(key="tests.first", handler=first)
    on_schedule_changed(key="tests.second", handler=second)
    yield calls
    hooks.unregister("tests.first")
    hooks.unregister("tests.second")


def test_each_change_calls_each_handler_once_in_order_inside_the_transaction(seen):
    event, employee = EventFactory.create(), EmployeeFactory.create()

    result = schedule_create(event=event, employee=employee, start=START, source=ChangeSource.PAGE)
    schedule_unschedule(schedule=result.schedule, source=ChangeSource.API)

    audit = list(ScheduleChange.objects.order_by("id"))
    assert [(name, c.action, c.source, c.change, inside) for name, c, inside in seen] == [
        ("first", ScheduleAction.CREATE, ChangeSource.PAGE, audit[0], True),
        ("second", ScheduleAction.CREATE, ChangeSource.PAGE, audit[0], True),
        ("first", ScheduleAction.UNSCHEDULE, ChangeSource.API, audit[1], True),
        ("second", ScheduleAction.UNSCHEDULE, ChangeSource.API, audit[1], True),
    ]
    assert all(c.schedule.pk == result.schedule.pk for _, c, _ in seen)


def test_registering_a_key_again_replaces_it(seen):
    """`AppConfig.ready()` running twice must not call a handler twice."""
    calls: list[str] = []
    on_schedule_changed(key="tests.first", handler=lambda change: calls.append("again"))
    on_schedule_changed(key="tests.first", handler=lambda change: calls.append("again"))

    schedule_create(event=EventFactory.create(), employee=EmployeeFactory.create(), start=START)

    assert calls == ["again"]
    assert [name for name, *_ in seen] == ["second"]
    assert [r.key for r in hooks.registrations()].count("tests.first") == 1


def test_a_failing_handler_refuses_the_whole_change(seen):
    def refuse(change: ScheduleChanged) -> None:
        raise RuntimeError("handler failed")

    on_schedule_changed(key="tests.second", handler=refuse)
    with pytest.raises(RuntimeError, match="handler failed"):
        schedule_create(event=EventFactory.create(), employee=EmployeeFactory.create(), start=START)

    assert not Schedule.objects.exists()
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_hook_refuses_to_run_outside_a_transaction():
    schedule = Schedule(pk=1)
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        schedule_changed(
            ScheduleChanged(
                schedule=schedule,
                action=ScheduleAction.CREATE,
                source=ChangeSource.API,
                change=ScheduleChange(),
            )
        )


def test_an_unknown_feature_is_refused_at_registration():
    with pytest.raises(LookupError, match="Unknown feature 'nope'"):
        on_schedule_changed(key="tests.bad", handler=lambda change: None, feature="nope")
    assert "tests.bad" not in {r.key for r in hooks.registrations()}


def _hook_errors() -> list[str]:
    return [message.id or "" for message in run_checks() if message.id == "scheduler.E001"]


def test_system_check_reports_an_enabled_feature_without_its_handler(settings):
    settings.SYNC_ENABLED = True
    assert _hook_errors() == []  # the planning app registers its outbox handler

    removed = hooks.unregister("planning.push_outbox")
    try:
        assert _hook_errors() == ["scheduler.E001"]
        settings.SYNC_ENABLED = False
        assert _hook_errors() == []
    finally:
        assert removed is not None
        on_schedule_changed(key=removed.key, handler=removed.handler, feature=removed.feature)
