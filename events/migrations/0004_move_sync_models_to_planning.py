"""SyncRun and PendingPush move to the planning app (planning/migrations/0001_initial.py).

State only: the tables `events_syncrun` and `events_pendingpush` stay as they are, with
every row; the planning app's models keep those names (`db_table`).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_sync_runs_and_push_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PendingPush"),
                migrations.DeleteModel(name="SyncRun"),
            ],
            database_operations=[],
        ),
    ]
