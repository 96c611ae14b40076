"""Triggers: POST /api/v1/sync/, the dashboard button and last run, the sync_events
command, the CSV import page and the export download; who may use them."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from events.models import Event
from planning.models import CsvImport, PendingPush, SyncRun
from scheduler.services import schedule_create
from tests.employees.factories import EmployeeFactory
from tests.events.factories import EventFactory, store_local
from tests.planning.fake_planning import Fault, mplan
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SAMPLE = "tests/planning/fixtures/planning_export_sample.csv"
BODY = {"date_from": "2026-12-14", "date_to": "2026-12-20"}


def _plans(fake, n=3):
    for i in range(n):
        fake.add(
            mplan(
                9100001 + i,
                f"{606100 + i}-CORE-P {i}",
                dt.date(2026, 12, 14),
                dt.date(2026, 12, 19),
            )
        )


# --- API ---------------------------------------------------------------------------------


def test_api_sync_disabled_is_a_400_problem(api_as, manager_user):
    response = api_as(manager_user).post("/api/v1/sync/", BODY, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "sync_disabled"
    assert SyncRun.objects.count() == 0


def test_api_sync_needs_a_manager(api_as, reader_user, sync_on):
    assert api_as(None).post("/api/v1/sync/", BODY, format="json").status_code == 401
    response = api_as(reader_user).post("/api/v1/sync/", BODY, format="json")
    assert response.status_code == 403
    assert SyncRun.objects.count() == 0
    assert sync_on.calls["login"] == 0


def test_api_sync_runs_and_answers_the_counts(api_as, manager_user, sync_on):
    _plans(sync_on)

    response = api_as(manager_user).post("/api/v1/sync/", BODY, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["created"], body["unchanged"], body["row_errors"]) == (
        "succeeded",
        3,
        0,
        [],
    )
    assert (body["interval_start"], body["interval_end"]) == ("2026-12-14", "2026-12-20")
    assert SyncRun.objects.get().started_by == manager_user


def test_api_sync_upstream_failure_is_a_502_problem_with_error_id(manager_user, sync_on):
    from rest_framework.test import APIClient

    sync_on.fail("mplans", Fault(status=200, body="garbage"))
    client = APIClient(raise_request_exception=False)
    client.force_login(manager_user)

    response = client.post("/api/v1/sync/", BODY, format="json")

    assert response.status_code == 502
    body = response.json()
    assert body["code"] == "external_api_error"
    assert body["error_id"]
    assert "Traceback" not in response.content.decode()
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert body["sync_run"] == run.pk  # where the manager finds the recorded failure
    assert run.error_id == body["error_id"]


@pytest.mark.parametrize(
    "body",
    [{"date_from": "2026-12-20", "date_to": "2026-12-14"}, {"date_from": "tomorrow"}],
)
def test_api_sync_bad_interval(api_as, manager_user, sync_on, body):
    response = api_as(manager_user).post("/api/v1/sync/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert SyncRun.objects.count() == 0


# --- command -----------------------------------------------------------------------------


def test_command_progress_and_summary(sync_on, capsys):
    _plans(sync_on)

    call_command("sync_events", "--from", "2026-12-14", "--to", "2026-12-27")

    out, err = capsys.readouterr()
    assert "created 3, updated 0, unchanged 0, skipped 0" in out
    assert "fetch" in err and "2/2" in err  # the progress bar, on stderr


def test_command_refuses_when_sync_is_off():
    with pytest.raises(CommandError, match="SYNC_ENABLED"):
        call_command("sync_events")


def test_command_reports_a_failed_sync(sync_on):
    sync_on.fail("mplans", *[Fault(status=500)] * 4)
    with pytest.raises(CommandError, match="Sync failed"):
        call_command("sync_events", "--from", "2026-12-14", "--to", "2026-12-14", "--no-progress")


def test_deliver_pushes_command(sync_on):
    event = EventFactory.create(project_ref_num=9100001)
    sync_on.add(mplan(9100001, event.project_name, dt.date(2026, 12, 14), dt.date(2026, 12, 19)))
    schedule_create(
        event=event, employee=EmployeeFactory.create(), start=store_local(2026, 12, 15, 10, 45)
    )  # on_commit does not run inside the test transaction: the command delivers it
    out = io.StringIO()

    call_command("deliver_pushes", stdout=out)

    assert out.getvalue().startswith("sent 1")
    assert PendingPush.objects.get().state == "sent"


# --- pages -------------------------------------------------------------------------------


def test_dashboard_shows_the_last_run_and_the_button(client: Client, manager_user, sync_on):
    client.force_login(manager_user)
    SyncRun.objects.create(trigger="task", status="succeeded", created=4, skipped=1)

    page = client.get("/").content.decode()

    assert "Planning system" in page
    assert "4 new, 0 updated, 0 unchanged, 1 skipped, 0 conflicts" in page
    assert 'action="/planning/sync/"' in page


def test_dashboard_has_no_sync_panel_and_no_extra_query_while_off(client: Client, manager_user):
    client.force_login(manager_user)
    response = client.get("/")
    # While sync is off the planning app's panel only offers files (read without a query).
    assert [p.data for p in response.context["panels"]] == [{"enabled": False}]
    page = response.content.decode()
    assert "Sync now" not in page
    assert "import or export a file" in page


def test_dashboard_queries_do_not_grow_with_runs(client: Client, manager_user, sync_on):
    client.force_login(manager_user)
    SyncRun.objects.create(trigger="task")
    before, _ = count_queries(lambda: client.get("/"))
    for _ in range(5):
        SyncRun.objects.create(trigger="task")
    after, _ = count_queries(lambda: client.get("/"))
    assert before == after


def test_sync_button_runs_a_sync(client: Client, manager_user, sync_on, settings):
    _plans(sync_on)
    client.force_login(manager_user)

    response = client.post("/planning/sync/", follow=True)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and messages[0].endswith(
        "3 new, 0 updated, 0 unchanged, 0 skipped, 0 conflicts."
    )
    assert SyncRun.objects.get().trigger == "page"


def test_sync_button_failure_is_a_message(client: Client, manager_user, sync_on):
    sync_on.fail("login", *[Fault(status=503)] * 4)
    client.force_login(manager_user)

    response = client.post("/planning/sync/", follow=True)

    assert next(str(m) for m in response.context["messages"]).startswith("Sync failed:")


def test_sync_button_for_readers_and_when_off(client: Client, reader_user, manager_user):
    client.force_login(reader_user)
    assert client.post("/planning/sync/").status_code == 403
    client.force_login(manager_user)
    assert client.post("/planning/sync/").status_code == 400  # sync_disabled page
    assert client.get("/planning/sync/").status_code == 405
    assert SyncRun.objects.count() == 0


def test_csv_page_preview_then_confirm(
    client: Client, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    assert client.get("/planning/").status_code == 200

    with open(SAMPLE, "rb") as f, django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post("/planning/", {"file": f})

    upload = CsvImport.objects.get()
    assert uploaded.status_code == 302
    assert uploaded["Location"] == f"/planning/imports/{upload.pk}/"
    preview = client.get(uploaded["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "nothing has been written yet" in html
    assert "project reference number &#x27;ABC-17&#x27; is not a number" in html
    assert Event.objects.count() == 0
    confirm = f"/planning/imports/{upload.pk}/confirm/"

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(confirm)
    done = client.get(started["Location"])

    assert started["Location"] == f"/planning/imports/{upload.pk}/"
    assert done.status_code == 200
    assert "Imported planning_export_sample.csv" in done.content.decode()
    assert Event.objects.count() == 30
    assert SyncRun.objects.get().kind == "csv"
    # The stored preview is used once.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(confirm, follow=True)
    assert "expired" in again.content.decode()
    assert Event.objects.count() == 30


def test_csv_page_refuses_a_non_export(client: Client, manager_user):
    client.force_login(manager_user)
    upload = io.BytesIO(b"just,some\ncolumns,here\n")
    upload.name = "x.csv"

    response = client.post("/planning/", {"file": upload})

    assert response.status_code == 400
    assert "not a planning-system export" in response.content.decode()
    assert Event.objects.count() == 0


def test_csv_pages_are_for_managers(client: Client, reader_user):
    client.force_login(reader_user)
    assert client.get("/planning/").status_code == 403
    assert (
        client.get("/planning/export/?date_from=2026-12-01&date_to=2026-12-31").status_code == 403
    )


def test_export_download(client: Client, manager_user):
    client.force_login(manager_user)
    call_command("import_events_csv", SAMPLE, stdout=io.StringIO())

    response = client.get("/planning/export/?date_from=2026-12-01&date_to=2026-12-31")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="schedules-2026-12-01-2026-12-31.csv"'
    )
    assert response.content.decode().startswith("Project Name,Project Reference Number,")


@pytest.mark.parametrize(
    "query", ["", "?date_from=2026-12-31&date_to=2026-12-01", "?date_from=x&date_to=y"]
)
def test_export_bad_range(client: Client, manager_user, query):
    client.force_login(manager_user)
    assert client.get(f"/planning/export/{query}").status_code == 400


def test_event_page_shows_the_push_state(client: Client, manager_user, sync_on):
    event = EventFactory.create(project_ref_num=9100001)
    result = schedule_create(
        event=event, employee=EmployeeFactory.create(), start=store_local(2026, 12, 15, 10, 45)
    )
    client.force_login(manager_user)

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert "Sent to the planning system" in page
    assert "Waiting" in page
    assert PendingPush.objects.get().schedule == result.schedule


def test_export_download_runs_constant_queries(client: Client, manager_user):
    from tests.queries import assert_constant_queries
    from tests.scheduler.factories import ScheduleFactory

    client.force_login(manager_user)

    def grow() -> None:
        for day in (15, 16, 17):
            ScheduleFactory.create(
                event=EventFactory.create(),
                employee=EmployeeFactory.create(),
                start=store_local(2026, 12, day, 10, 45),
            )

    grow()
    url = "/planning/export/?date_from=2026-12-01&date_to=2026-12-31"
    before, _ = count_queries(lambda: client.get(url))
    assert_constant_queries(lambda: client.get(url), grow, expected=before)
