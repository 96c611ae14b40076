from collections.abc import Iterable

from django.db import transaction

from events.models import Event
from events.types import EventType, event_number


def event_pair_supervisors(*, event_numbers: Iterable[str]) -> int:
    """Pair each Supervisor event with the Core event sharing its 6-digit number.

    Two queries and one bulk update, whatever the number of events. Supervisor events
    without a Core event stay unpaired; a number shared by several Core events is
    ambiguous and left alone. Returns how many Supervisor events changed.
    """
    numbers = {n for n in event_numbers if n}
    if not numbers:
        return 0
    cores: dict[str, list[int]] = {}
    for number, pk in Event.objects.filter(
        event_type=EventType.CORE, event_number__in=numbers
    ).values_list("event_number", "pk"):
        cores.setdefault(number, []).append(pk)
    changed = []
    for supervisor in Event.objects.filter(
        event_type=EventType.SUPERVISOR, event_number__in=numbers
    ).only("pk", "event_number", "core_event_id"):
        candidates = cores.get(supervisor.event_number, [])
        core_id = candidates[0] if len(candidates) == 1 else None
        if core_id is not None and supervisor.core_event_id != core_id:
            supervisor.core_event_id = core_id
            changed.append(supervisor)
    Event.objects.bulk_update(changed, ["core_event"])
    return len(changed)


@transaction.atomic
def event_save(*, event: Event) -> Event:
    """Validate and save one event, derive its event number and refresh its pairing."""
    event.event_number = event_number(event.project_name)
    if event.event_type != EventType.SUPERVISOR:
        event.core_event = None
    event.full_clean()
    event.save()
    event_pair_supervisors(event_numbers=[event.event_number])
    event.refresh_from_db(fields=["core_event"])
    return event
