"""PostgreSQL only: the database itself forbids overlapping live schedules of one employee.

An exclusion constraint over (employee, [start, end)) needs btree_gist for the equality
part. SQLite has no such constraint; there the services' transaction (IMMEDIATE, so
writers queue) and the rules engine keep schedules apart.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CREATE = """
ALTER TABLE scheduler_schedule ADD CONSTRAINT schedule_no_overlap
EXCLUDE USING gist (employee_id WITH =, tstzrange("start", "end", '[)') WITH &&)
WHERE (unscheduled_at IS NULL)
"""
DROP = "ALTER TABLE scheduler_schedule DROP CONSTRAINT IF EXISTS schedule_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduler", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(forwards, backwards),
    ]
