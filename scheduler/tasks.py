"""Background tasks of the scheduler (Django's tasks API through the django-tasks backport).

With the default immediate backend a task runs inside the request that enqueues it;
in production `TASKS_BACKEND=django_tasks_db.DatabaseBackend` and `manage.py db_worker`
run it in a worker process (README, "Operations").
"""

from __future__ import annotations

from django_tasks import task

from scheduler.auto_services import auto_run_execute


@task()
def run_auto_schedule(run_id: int) -> dict[str, int]:
    """Execute an auto-scheduler run: its proposals, counts and progress land on the row."""
    run = auto_run_execute(run_id=run_id)
    return {"placed": run.placed_count, "unplaced": run.unplaced_count}
