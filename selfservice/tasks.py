"""Background tasks of the self-service app (django-tasks; a worker runs them in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notices() -> dict[str, int]:
    """Send the due rows of the notification outbox."""
    from selfservice.notices import notice_deliver

    return notice_deliver()
