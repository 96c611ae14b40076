"""Background tasks of the paperwork app (the same django-tasks set-up as the
auto-scheduler: immediate by default, a database worker in production)."""

from __future__ import annotations

from django_tasks import task

from paperwork.packet import packet_build_execute


@task()
def build_packet(build_id: int) -> dict[str, int]:
    """Build a packet: its progress, problems and PDF land on the PacketBuild row."""
    build = packet_build_execute(build_id=build_id)
    return {"pages": build.page_count, "problems": len(build.problems)}
