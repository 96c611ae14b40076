"""SyncRun and PendingPush, moved here from the events app with their tables and rows.

The models keep their tables (`db_table`), so the schema operations are state only.
Two data steps follow the move: the content types (and so the admin permissions and
log entries that point at them) are relabelled from `events` to `planning`, and
background tasks queued under the old module path (`events.tasks.*`) are pointed at
`planning.tasks.*`, so a worker still runs them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MODELS = ("syncrun", "pendingpush")
TASKS = ("deliver_pushes", "sync_events")


def _relabel(apps: Apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True)
    )
    content_type.objects.filter(app_label=old, model__in=set(MODELS) - taken).update(app_label=new)
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    for name in TASKS:
        task_result.objects.filter(task_path=f"{old}.tasks.{name}").update(
            task_path=f"{new}.tasks.{name}"
        )


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "events", "planning")


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "planning", "events")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0001_initial"),
        ("events", "0004_move_sync_models_to_planning"),
        ("scheduler", "0002_postgres_no_overlap"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SyncRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("api", "Planning-system API"), ("csv", "CSV import")],
                                default="api",
                                max_length=8,
                            ),
                        ),
                        (
                            "trigger",
                            models.CharField(help_text="command, api, page or task", max_length=16),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                ],
                                default="running",
                                max_length=16,
                            ),
                        ),
                        ("interval_start", models.DateField(blank=True, null=True)),
                        ("interval_end", models.DateField(blank=True, null=True)),
                        (
                            "started_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("fetched", models.PositiveIntegerField(default=0)),
                        ("created", models.PositiveIntegerField(default=0)),
                        ("updated", models.PositiveIntegerField(default=0)),
                        ("unchanged", models.PositiveIntegerField(default=0)),
                        ("skipped", models.PositiveIntegerField(default=0)),
                        ("conflicts", models.PositiveIntegerField(default=0)),
                        ("schedules_imported", models.PositiveIntegerField(default=0)),
                        ("marked_missing", models.PositiveIntegerField(default=0)),
                        (
                            "errors",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="[{row, ref, kind, reason}]: skipped rows, conflicts",
                            ),
                        ),
                        ("failure", models.CharField(blank=True, max_length=300)),
                        ("error_id", models.CharField(blank=True, max_length=64)),
                        (
                            "started_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_syncrun",
                        "ordering": ["-started_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="PendingPush",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[("schedule", "Schedule"), ("unschedule", "Unschedule")],
                                max_length=16,
                            ),
                        ),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("skipped", "Skipped"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("last_error", models.CharField(blank=True, max_length=300)),
                        ("external_schedule_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pushes",
                                to="events.event",
                            ),
                        ),
                        (
                            "schedule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pushes",
                                to="scheduler.schedule",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_pendingpush",
                        "verbose_name": "pending push",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(fields=["state", "next_attempt_at"], name="push_due_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("action__in", ["schedule", "unschedule"])),
                                name="push_action_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("state__in", ["pending", "sent", "failed", "skipped"])
                                ),
                                name="push_state_valid",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
