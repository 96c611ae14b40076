"""Admin: runs and proposals are read-only; events' never-auto-schedule flag is
editable in the list and the form, and filterable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from scheduler.auto_services import auto_run_execute, auto_run_start
from scheduler.models import AutoProposal
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 12, 14)


def test_run_and_proposal_admin_pages_read_only(staff_client: Client) -> None:
    EmployeeFactory.create()
    EventFactory.create()
    run = auto_run_execute(
        run_id=auto_run_start(first_day=MON, last_day=MON, today=MON, enqueue=False).pk
    )
    proposal = AutoProposal.objects.get(run=run)
    for url in [
        "/admin/scheduler/autorun/",
        f"/admin/scheduler/autorun/{run.pk}/change/",
        "/admin/scheduler/autoproposal/?status__exact=proposed",
        f"/admin/scheduler/autoproposal/{proposal.pk}/change/",
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
    assert staff_client.get("/admin/scheduler/autorun/add/").status_code == 403
    response = staff_client.post(f"/admin/scheduler/autorun/{run.pk}/change/", {"status": "x"})
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "proposed"


def test_never_auto_schedule_is_filterable_and_editable_in_the_event_list(
    staff_client: Client,
) -> None:
    flagged = EventFactory.create(never_auto_schedule=True)
    plain = EventFactory.create()
    response = staff_client.get("/admin/events/event/?never_auto_schedule__exact=1")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [flagged]
    response = staff_client.get(f"/admin/events/event/{plain.pk}/change/")
    assert b'name="never_auto_schedule"' in response.content
    response = staff_client.get("/admin/events/event/")
    assert b"form-0-never_auto_schedule" in response.content
