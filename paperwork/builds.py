"""Starting a packet build: the row, then the background task after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.exceptions import InvalidInputError
from paperwork.models import PacketBuild
from paperwork.selectors import keep_period, packet_plan
from paperwork.tasks import build_packet


def packet_build_start(*, user: Any, day: dt.date, event_id: int | None = None) -> PacketBuild:
    """Queue a build of `day`'s packet (or of one event's); the task runs after commit."""
    plan = packet_plan(day, event_id=event_id)
    if not plan.sections:
        raise InvalidInputError(
            "Nothing to print: no Core or Juicer Production event is scheduled"
            + (" for this event." if event_id else " on this day."),
            code="nothing_to_print",
        )
    with transaction.atomic():
        # Packets are kept for the keep period only: older ones go as new ones come.
        PacketBuild.objects.filter(created_at__lte=timezone.now() - keep_period()).delete()
        build = PacketBuild(day=day, event_id=event_id, requested_by=user)
        build.full_clean()
        build.save()
        transaction.on_commit(lambda: build_packet.enqueue(build.pk))
    return build
