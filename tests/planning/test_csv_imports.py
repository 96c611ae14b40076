"""The CSV import page's background work: the upload lives in a CsvImport row (not the
session), the preview and the import run as tasks the page follows, a preview is
imported once, and abandoned previews expire and are deleted by the cleanup command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from events.models import Event
from planning.imports import csv_import_preview
from planning.models import CsvImport, SyncRun

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "planning_export_sample.csv"


@pytest.fixture
def other_manager(db: None) -> User:
    user = User.objects.create_user("other-manager", password="x")
    user.groups.add(Group.objects.get(name="Managers"))
    return user


def _upload(client: Client, capture) -> CsvImport:
    with SAMPLE.open("rb") as f, capture(execute=True):
        response = client.post("/planning/", {"file": f})
    assert response.status_code == 302
    return CsvImport.objects.get()


def test_the_upload_is_stored_in_its_row_not_in_the_session(
    client: Client, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    session_before = dict(client.session.items())

    upload = _upload(client, django_capture_on_commit_callbacks)

    assert bytes(upload.data) == SAMPLE.read_bytes()
    assert (upload.name, upload.size, upload.created_by) == (
        "planning_export_sample.csv",
        SAMPLE.stat().st_size,
        manager_user,
    )
    assert dict(client.session.items()) == session_before
    assert upload.state == CsvImport.State.PREVIEWED
    assert upload.report["counts"]["fetched"] == upload.progress_total == upload.progress_done
    assert upload.report["errors_total"] == len(upload.report["errors"]) > 0
    assert Event.objects.count() == 0  # a preview writes nothing
    assert timezone.now() < upload.expires_at <= timezone.now() + dt.timedelta(minutes=60)


def test_progress_endpoint(client: Client, manager_user, django_capture_on_commit_callbacks):
    client.force_login(manager_user)
    upload = _upload(client, django_capture_on_commit_callbacks)

    body = client.get(f"/planning/imports/{upload.pk}/progress/").json()

    assert body == {
        "state": "previewed",
        "stage": "Ready to import",
        "done": upload.progress_done,
        "total": upload.progress_total,
        "percent": 100,
        "finished": True,
    }


def test_a_working_upload_shows_the_progress_bar(client: Client, manager_user):
    client.force_login(manager_user)
    upload = CsvImport.objects.create(
        created_by=manager_user,
        expires_at=timezone.now() + dt.timedelta(hours=1),
        name="big.csv",
        data=b"x",
        stage="schedules",
        progress_done=3000,
        progress_total=20000,
    )

    page = client.get(f"/planning/imports/{upload.pk}/").content.decode()
    body = client.get(f"/planning/imports/{upload.pk}/progress/").json()

    assert f'data-url="/planning/imports/{upload.pk}/progress/"' in page
    assert '<progress max="20000" value="3000">15%</progress>' in page
    assert "js/progress.js" in page
    assert (body["stage"], body["percent"], body["finished"]) == (
        "Checking the schedules against the rules",
        15,
        False,
    )


def test_another_managers_upload_is_not_found(
    client: Client, manager_user, other_manager, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    upload = _upload(client, django_capture_on_commit_callbacks)
    client.force_login(other_manager)

    for url in ("", "progress/"):
        assert client.get(f"/planning/imports/{upload.pk}/{url}").status_code == 404
    assert client.post(f"/planning/imports/{upload.pk}/confirm/").status_code == 404
    upload.refresh_from_db()
    assert upload.state == CsvImport.State.PREVIEWED


def test_a_preview_is_imported_once(
    client: Client, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    upload = _upload(client, django_capture_on_commit_callbacks)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/planning/imports/{upload.pk}/confirm/")

    upload.refresh_from_db()
    assert upload.state == CsvImport.State.IMPORTED
    assert bytes(upload.data) == b""  # the file is not kept once imported
    assert SyncRun.objects.count() == 1
    assert upload.run == SyncRun.objects.get()
    assert Event.objects.count() == 30


def test_an_expired_preview_is_refused_and_writes_nothing(
    client: Client, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    upload = _upload(client, django_capture_on_commit_callbacks)
    CsvImport.objects.filter(pk=upload.pk).update(expires_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/planning/imports/{upload.pk}/confirm/", follow=True)

    assert callbacks == []
    assert "That preview has expired or was already imported" in response.content.decode()
    assert Event.objects.count() == 0
    assert not SyncRun.objects.exists()


def test_cleanup_deletes_expired_previews_but_not_running_imports(manager_user):
    now = timezone.now()

    def make(state: str, expires: dt.datetime) -> CsvImport:
        return CsvImport.objects.create(
            created_by=manager_user, expires_at=expires, state=state, data=b"x"
        )

    expired = make(CsvImport.State.PREVIEWED, now - dt.timedelta(seconds=1))
    failed = make(CsvImport.State.FAILED, now - dt.timedelta(minutes=5))
    fresh = make(CsvImport.State.PREVIEWED, now + dt.timedelta(minutes=5))
    running = make(CsvImport.State.IMPORTING, now - dt.timedelta(minutes=5))

    dry = StringIO()
    call_command("cleanup_sessions", "--dry-run", stdout=dry)
    assert "2 expired CSV import previews would be deleted." in dry.getvalue()
    assert CsvImport.objects.count() == 4

    out = StringIO()
    call_command("cleanup_sessions", stdout=out)

    assert "Deleted 2 expired CSV import previews." in out.getvalue()
    assert set(CsvImport.objects.values_list("pk", flat=True)) == {fresh.pk, running.pk}
    assert not CsvImport.objects.filter(pk__in=[expired.pk, failed.pk]).exists()


def test_a_file_the_task_cannot_read_fails_with_the_reason(client: Client, manager_user):
    upload = CsvImport.objects.create(
        created_by=manager_user,
        expires_at=timezone.now() + dt.timedelta(hours=1),
        name="odd.csv",
        data=b"just,some\ncolumns,here\n",
    )

    csv_import_preview(pk=upload.pk)

    upload.refresh_from_db()
    assert upload.state == CsvImport.State.FAILED
    assert upload.failure.startswith("This is not a planning-system export")
    assert upload.error_id
    client.force_login(manager_user)
    page = client.get(f"/planning/imports/{upload.pk}/").content.decode()
    assert "odd.csv could not be read." in page
    assert "Nothing was written." in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_dry_runs_transaction(manager_user):
    """The page must see the progress while the preview's transaction is still open
    (and after it is rolled back): it is written on its own connection."""
    from django.db import transaction

    from planning.imports import _progress_writer

    upload = CsvImport.objects.create(
        created_by=manager_user, expires_at=timezone.now() + dt.timedelta(hours=1), data=b"x"
    )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic(), _progress_writer(upload.pk) as progress:
        progress("events", 1000, 20000)  # the first write of a run is never throttled
        CsvImport.objects.filter(pk=upload.pk).update(name="rolled back")
        raise Rollback

    upload.refresh_from_db()
    assert (upload.name, upload.stage, upload.progress_done, upload.progress_total) == (
        "",
        "events",
        1000,
        20000,
    )
