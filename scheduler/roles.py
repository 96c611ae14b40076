"""Who may work which event type (docs/rules.md table); shared by every rules path."""

from employees.models import JobTitle
from events.types import EventType

_LEADS = frozenset({JobTitle.LEAD_EVENT_SPECIALIST, JobTitle.CLUB_SUPERVISOR})

ALLOWED_TITLES: dict[str, frozenset[str]] = {
    EventType.JUICER_PRODUCTION: frozenset({JobTitle.JUICER_BARISTA}),
    EventType.JUICER_SURVEY: frozenset({JobTitle.JUICER_BARISTA}),
    EventType.FREEOSK: _LEADS,
    EventType.DIGITAL_SETUP: _LEADS,
    EventType.DIGITAL_REFRESH: _LEADS,
    EventType.DIGITAL_TEARDOWN: _LEADS,
    EventType.DIGITALS: _LEADS,
    # A Club Supervisor on Core is allowed with a warning (soft rule supervisor_on_core).
    EventType.CORE: frozenset(
        {
            JobTitle.EVENT_SPECIALIST,
            JobTitle.LEAD_EVENT_SPECIALIST,
            JobTitle.JUICER_BARISTA,
            JobTitle.CLUB_SUPERVISOR,
        }
    ),
    # The Supervisor cascade (docs/rules.md): the Club Supervisor on duty, else the Primary
    # Lead (a Lead).
    EventType.SUPERVISOR: _LEADS,
    EventType.OTHER: _LEADS,
}

JUICER_TYPES = frozenset({EventType.JUICER_PRODUCTION, EventType.JUICER_SURVEY})


def may_work(job_title: str, event_type: str) -> bool:
    return job_title in ALLOWED_TITLES[event_type]
