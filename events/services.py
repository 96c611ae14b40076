from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from events.live_schedules import live_schedules
from events.models import Event
from events.types import EventType, event_number


def event_pair_supervisors(*, event_numbers: Iterable[str]) -> int:
    """Pair each Supervisor event with the Core event sharing its 6-digit number.

    Three queries whatever the number of events: the Core events and the Supervisor
    events of those numbers, then one UPDATE of the Supervisor events that change (each
    set to the one Core event of its number by a correlated subquery; a CASE over
    thousands of ids costs more to build than to run). Supervisor events without a
    Core event stay unpaired; a number shared by several Core events, or by several
    Supervisor events (they cannot all pair with one Core event), is ambiguous and
    left alone. Returns how many Supervisor events changed.
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
        pk
        for pk, number, core_event_id in supervisors
        if len(cores.get(number, [])) == 1
        and per_number[number] == 1
        and core_event_id != cores[number][0]
    ]
    if not changed:
        return 0
    lone_core = Event.objects.filter(
        event_type=EventType.CORE, event_number=OuterRef("event_number")
    ).values("pk")[:1]
    return Event.objects.filter(pk__in=changed).update(core_event_id=Subquery(lone_core))


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
