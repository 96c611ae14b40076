"""Background tasks of the attendance app (django-tasks; a worker runs them in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_reissues() -> dict[str, int]:
    """Send the due reissues to the planning system."""
    from attendance.reissue import reissue_deliver

    return reissue_deliver()
