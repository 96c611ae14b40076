from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from events.live_schedules import live_schedules
from events.models import Event
from events.types import EventType, event_number


def event_pair_supervisors(*, event_numbers: Iterable[str]) -> int:
    """Pair each Supervisor event with the Core event sharing its 6-digit number.

    Three queries whatever the number of events on PostgreSQL: the Core events and the
    Supervisor events of those numbers, then one UPDATE of the Supervisor events that
    change, each set to the one Core event of its number (elsewhere, one UPDATE per 500).
    Supervisor events without a Core event stay unpaired; a number shared by several
    Core events, or by several Supervisor events (they cannot all pair with one Core
    event), is ambiguous and left alone. Returns how many Supervisor events changed.
    """
    numbers = {n for n in event_numbers if n}
    if not numbers:
        return 0
    cores: dict[str, list[int]] = {}
    for number, pk in Event.objects.filter(
        event_type=EventType.CORE, event_number__in=numbers
    ).values_list("event_number", "pk"):
        cores.setdefault(number, []).append(pk)
    supervisors = list(
        Event.objects.filter(event_type=EventType.SUPERVISOR, event_number__in=numbers).values_list(
            "pk", "event_number", "core_event_id"
        )
    )
    per_number = Counter(number for _, number, _ in supervisors)
    changed = [
        (pk, number, core_event_id)
        for pk, number, core_event_id in supervisors
        if len(cores.get(number, [])) == 1
        and per_number[number] == 1
        and core_event_id != cores[number][0]
    ]
    if not changed:
        return 0
    # The pairs are known here, so they are sent as they are. (A correlated subquery
    # reads the table once per row when its statistics predate a large import in the
    # same transaction, and Django's CASE for thousands of rows takes seconds to build.)
    ids = [pk for pk, _, _ in changed]
    core_ids = [cores[number][0] for _, number, _ in changed]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Event._meta.db_table} AS e SET core_event_id = v.core_id "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, core_id) WHERE e.id = v.id",
                [ids, core_ids],
            )
            return cursor.rowcount
    return Event.objects.bulk_update(
        [Event(pk=pk, core_event_id=core_id) for pk, core_id in zip(ids, core_ids, strict=True)],
        ["core_event"],
        batch_size=500,
    )


@transaction.atomic
def event_save(*, event: Event) -> Event:
    """Validate and save one event, derive its event number and refresh its pairing."""
    event.event_number = event_number(event.project_name)
    if event.event_type != EventType.SUPERVISOR:
        event.core_event = None
    _refuse_type_change_while_scheduled(event)
    event.full_clean()
    event.save()
    event_pair_supervisors(event_numbers=[event.event_number])
    event.refresh_from_db(fields=["core_event"])
    return event


def _refuse_type_change_while_scheduled(event: Event) -> None:
    """A scheduled event keeps its type: its schedule was checked against that type's
    rules (who may work it, one Core a day), which a new type could break."""

    if event.pk is None:
        return
    old_type = Event.objects.filter(pk=event.pk).values_list("event_type", flat=True).first()
    if old_type not in (None, event.event_type) and live_schedules().filter(event=event).exists():
        raise ValidationError(
            {"event_type": "This event is scheduled; unschedule it before changing its type."}
        )
