"""CSV import of a realistic planning-system export (good and bad rows) and CSV export."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Event
from planning.csv_io import csv_import, export_rows, write_csv
from planning.models import SyncRun
from scheduler.models import Schedule
from tests.employees.factories import EmployeeFactory
from tests.events.factories import store_local

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "planning_export_sample.csv"


@pytest.fixture
def reps() -> None:
    for external_id, name in [
        ("US101552", "Aisha Khan"),
        ("US100871", "James Carter"),
        ("US100234", "Maria Lopez"),
    ]:
        EmployeeFactory.create(external_id=external_id, name=name)


def _report(outcome) -> dict[str, tuple[int, str, str]]:
    return {e.ref: (e.row, e.kind, e.reason) for e in outcome.errors}


def test_dry_run_reports_everything_and_writes_nothing(reps):
    outcome, run = csv_import(data=SAMPLE.read_bytes(), dry_run=True)

    assert run is None
    assert (outcome.fetched, outcome.created, outcome.skipped) == (35, 30, 5)
    assert outcome.schedules_imported == 11
    assert outcome.conflicts == 4
    assert Event.objects.count() == 0
    assert Schedule.objects.count() == 0
    assert SyncRun.objects.count() == 0
    skipped = {e.row: e.reason for e in outcome.errors if e.kind == "skipped"}
    assert skipped == {
        32: "project reference number 'ABC-17' is not a number",
        33: "the window ends before it starts (due is not after start)",
        34: "project name is missing",
        35: "start date/time '2026-13-45 25:61' is not a date (MM/DD/YYYY)",
        36: "duplicate project reference number 9300003: "
        "record 28 (607001-FREEOSK-Sample Kiosk Refill) was kept",
    }


def test_import_stores_good_rows_schedules_through_the_rules_and_is_idempotent(reps):
    outcome, run = csv_import(data=SAMPLE.read_bytes(), dry_run=False, trigger="test")

    assert run is not None and run.kind == SyncRun.Kind.CSV
    assert (run.created, run.skipped, run.schedules_imported, run.conflicts) == (30, 5, 11, 4)
    core = Event.objects.get(project_ref_num=9100000)
    assert core.start_datetime == store_local(2026, 12, 14)
    assert core.due_datetime == store_local(2026, 12, 19)
    assert core.estimated_minutes == 390
    assert core.location_id == "11584"
    assert Event.objects.get(project_ref_num=9200000).core_event_id == core.pk
    aisha = Schedule.objects.live().get(event=core)
    assert (aisha.employee.name, aisha.start) == ("Aisha Khan", store_local(2026, 12, 15, 10, 45))
    conflicts = {e.ref: e.reason for e in outcome.errors if e.kind == "conflict"}
    # Aisha already works a Core event on 12/15: the second one is reported, not forced.
    assert "core_daily_limit" in conflicts["9100037"]
    assert not Schedule.objects.filter(event__project_ref_num=9100037).exists()

    again, _ = csv_import(data=SAMPLE.read_bytes(), dry_run=False)

    assert (again.created, again.updated, again.unchanged, again.schedules_imported) == (
        0,
        0,
        30,
        0,
    )
    assert again.conflicts == 4  # the same upstream conflicts, still reported
    assert Schedule.objects.count() == 11


def test_unknown_employee_is_reported_and_the_event_still_stored():
    outcome, _ = csv_import(data=SAMPLE.read_bytes(), dry_run=False)

    assert outcome.created == 30
    assert outcome.schedules_imported == 0
    assert _report(outcome)["9100000"][2] == (
        "schedule not imported: no employee with employee id US101552"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b,c\n1,2,3\n", "missing column(s) Project Name"),
        (b"\xff\xfe\x00\x00" * 10, "missing column"),
    ],
)
def test_not_an_export_is_refused(data, message):
    from core.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        csv_import(data=data, dry_run=True)
    assert Event.objects.count() == 0


def test_quoted_fields_and_bom_are_read_by_the_csv_module():
    text = (
        "\ufeffProject Name,Project Reference Number,Location MVID,Store Number,Store Name,"
        "Start Date/Time,Due Date/Time,Estimated Time,Rep Name,Employee ID,Schedule Date/Time\r\n"
        '"606500-CORE-Chips, Salsa ""Hot""",9100500,11584,8135,"Club 8135, Indy",'
        "12/14/2026 12:00:00 AM,12/19/2026 12:00:00 AM,390,,,\r\n"
    )

    outcome, _ = csv_import(data=text.encode("utf-8"), dry_run=False)

    assert outcome.created == 1
    event = Event.objects.get()
    assert event.project_name == '606500-CORE-Chips, Salsa "Hot"'
    assert event.store_name == "Club 8135, Indy"


def test_export_writes_the_planning_columns_and_imports_back(reps):
    csv_import(data=SAMPLE.read_bytes(), dry_run=False)
    import datetime as dt

    buffer = io.StringIO()
    write_csv(export_rows(first=dt.date(2026, 12, 15), last=dt.date(2026, 12, 15)), buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))

    assert [r["Project Reference Number"] for r in rows] == ["9100000"]
    assert rows[0]["Employee ID"] == "US101552"
    assert rows[0]["Schedule Date/Time"] == "12/15/2026 10:45:00 AM"
    assert rows[0]["Start Date/Time"] == "12/14/2026 12:00:00 AM"

    back, _ = csv_import(data=buffer.getvalue().encode(), dry_run=True)
    assert (back.unchanged, back.skipped, back.conflicts) == (1, 0, 0)


def test_export_neutralises_formulas():
    from planning.csv_io import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("606034-CORE") == "606034-CORE"


def test_import_command_dry_run_and_real(reps):
    out = io.StringIO()
    call_command("import_events_csv", str(SAMPLE), "--dry-run", stdout=out)

    assert "Dry run (nothing written): rows 35, created 30" in out.getvalue()
    assert "line 32 (ref ABC-17): project reference number 'ABC-17' is not a number" in (
        out.getvalue()
    )
    assert Event.objects.count() == 0

    call_command("import_events_csv", str(SAMPLE), stdout=io.StringIO())
    assert Event.objects.count() == 30


def test_export_command(reps, tmp_path):
    csv_import(data=SAMPLE.read_bytes(), dry_run=False)
    target = tmp_path / "out.csv"

    call_command(
        "export_schedules_csv", "--from", "2026-12-08", "--to", "2026-12-18", "-o", str(target)
    )

    rows = list(csv.DictReader(target.open(newline="")))
    assert len(rows) == 11
