"""The data version and the triggers that move it on every write to a watched table.

PostgreSQL: a deferred constraint trigger per watched table fires at COMMIT, after
every other statement of the transaction, so the version row is always the last lock a
writer takes (no deadlock with the schedulers' employee and event locks, and it is
held only for the commit). A transaction-local flag makes it one UPDATE per
transaction however many rows changed. TRUNCATE gets a plain statement trigger.

SQLite: row triggers (it has no others); writers are serialized by the database lock
already, so the counter adds no contention.
"""

from django.db import migrations, models

from core.data_version_sql import PG_DROP, PG_TRIGGERS, SQLITE_OPS, SQLITE_TRIGGER

WATCHED_TABLES = ("employees_employee", "events_event", "scheduler_schedule")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_data_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('core.data_version_bumped', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('core.data_version_bumped', txid_current()::text, true);
    INSERT INTO core_dataversion (id, epoch, version)
    VALUES (1, md5(random()::text || clock_timestamp()::text), 1)
    ON CONFLICT (id) DO UPDATE SET version = core_dataversion.version + 1;
    RETURN NULL;
END
$$
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in WATCHED_TABLES:
            schema_editor.execute(PG_TRIGGERS.format(table=table))
        schema_editor.execute(
            "INSERT INTO core_dataversion (id, epoch, version) "
            "VALUES (1, md5(random()::text || clock_timestamp()::text), 1)"
        )
    elif vendor == "sqlite":
        for table in WATCHED_TABLES:
            for op in SQLITE_OPS:
                schema_editor.execute(SQLITE_TRIGGER.format(table=table, op=op))
        schema_editor.execute(
            "INSERT INTO core_dataversion (id, epoch, version) "
            "VALUES (1, lower(hex(randomblob(16))), 1)"
        )
    else:  # pragma: no cover - the project supports these two
        raise NotImplementedError(f"no data-version triggers for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in WATCHED_TABLES:
            schema_editor.execute(PG_DROP.format(table=table))
        schema_editor.execute("DROP FUNCTION IF EXISTS core_data_version_bump()")
    elif vendor == "sqlite":
        for table in WATCHED_TABLES:
            for op in SQLITE_OPS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS core_data_version_{table}_{op}")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("employees", "0001_initial"),
        ("events", "0002_event_auto_and_upstream_flags"),
        ("scheduler", "0002_postgres_no_overlap"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("epoch", models.CharField(max_length=32)),
                ("version", models.PositiveBigIntegerField()),
            ],
            options={
                "verbose_name": "data version",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="dataversion_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
