"""The planning app plugs into the apps below at start-up, once however often
`ready()` runs: one outbox row per change, one sync panel."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from core.panels import registered_panels
from planning.models import PendingPush, PushAction
from scheduler import hooks
from scheduler.services import schedule_create
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local

pytestmark = pytest.mark.django_db


def test_ready_twice_registers_once(settings):
    settings.SYNC_ENABLED = True
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    apps.get_app_config("planning").ready()
    apps.get_app_config("planning").ready()

    schedule_create(
        event=EventFactory.create(),
        employee=EmployeeFactory.create(),
        start=store_local(2026, 12, 15, 10, 45),
    )

    assert [r.key for r in hooks.registrations()].count("planning.push_outbox") == 1
    assert list(PendingPush.objects.values_list("action", flat=True)) == [PushAction.SCHEDULE]
    assert [p.key for p in registered_panels("dashboard")] == ["planning.sync"]
    assert [p.key for p in registered_panels("event_facts")] == ["planning.push"]


def test_dashboard_shows_the_sync_panel_while_sync_is_on(client: Client, manager_user, settings):
    settings.SYNC_ENABLED = True
    client.force_login(manager_user)

    response = client.get("/")

    assert [p.template for p in response.context["panels"]] == ["planning/_sync_panel.html"]
    assert "Sync now" in response.content.decode()
