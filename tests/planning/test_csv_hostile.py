"""CSV rows the csv module or the database cannot take are refused with the reason."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from events.models import Event
from planning.csv_io import MAX_FIELD_CHARS, csv_import
from planning.models import CsvImport, SyncRun

pytestmark = pytest.mark.django_db

HEADER = (
    "Project Name,Project Reference Number,Location MVID,Store Number,Store Name,"
    "Start Date/Time,Due Date/Time,Estimated Time,Rep Name,Employee ID,Schedule Date/Time\r\n"
)


def _row(name: str, ref: int, start: str = "12/14/2026 12:00:00 AM") -> str:
    return f"{name},{ref},11584,8135,Club 8135,{start},12/19/2026 12:00:00 AM,60,,,\r\n"


def _file() -> bytes:
    return (
        HEADER
        + _row("606501-Digital Refresh A", 9100501)
        + _row("606502-Digital\x00Refresh B", 9100502)
        + _row("606503-" + "x" * (MAX_FIELD_CHARS + 1), 9100503)
        + _row("606504-Digital Refresh D", 9100504, start="12/14/9999 12:00:00 AM")
        + _row("606505-Digital Refresh E", 9100505)
    ).encode()


def test_the_field_limit_is_the_csv_modules() -> None:
    assert MAX_FIELD_CHARS == 131_072


def test_nul_huge_and_out_of_range_rows_are_refused_and_the_rest_read() -> None:
    """A NUL byte reached PostgreSQL (500); a field over 131,072 characters raised
    csv.Error out of the reader (500); year 9999 overflowed later."""
    outcome, _ = csv_import(data=_file(), dry_run=False)

    assert (outcome.fetched, outcome.created, outcome.skipped) == (5, 2, 3)
    assert [(e.row, e.reason) for e in outcome.errors] == [
        (3, "a field contains a NUL character"),
        (4, "a field is over 131,072 characters"),
        (
            5,
            "start date/time '12/14/9999 12:00:00 AM': "
            "Must be a day from 2000-01-01 to 2100-12-31 (store time).",
        ),
    ]
    assert sorted(Event.objects.values_list("project_ref_num", flat=True)) == [9100501, 9100505]


def test_the_preview_page_names_the_refused_rows_and_writes_nothing(
    client: Client, manager_user: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(manager_user)
    upload = SimpleUploadedFile("export.csv", _file(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/planning/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "a field contains a NUL character" in page
    assert "a field is over 131,072 characters" in page
    assert CsvImport.objects.get().state == CsvImport.State.PREVIEWED
    assert Event.objects.count() == 0
    assert SyncRun.objects.count() == 0


def test_a_header_with_a_field_over_the_limit_refuses_the_file(
    client: Client, manager_user: User
) -> None:
    client.force_login(manager_user)
    data = ("x" * (MAX_FIELD_CHARS + 1) + "," + HEADER + _row("606501-A", 9100501)).encode()
    upload = SimpleUploadedFile("export.csv", data, content_type="text/csv")

    response = client.post("/planning/", {"file": upload})

    assert response.status_code == 400
    assert "The first row has a field over 131,072 characters." in response.content.decode()
    assert Event.objects.count() == 0
