"""What people read for a code: the rules engine's, the auto-scheduler's reasons and the
scheduling errors. Pages, messages, PDFs and the admin show these labels; the API keeps
the codes."""

from __future__ import annotations

from scheduler.rules import LABELS as RULE_LABELS

# Why the auto-scheduler left an event out (scheduler.auto), and errors of the services.
OTHER_LABELS: dict[str, str] = {
    "no_day_left": "No day left in the run",
    "core_not_scheduled": "Its Core event is not scheduled",
    "core_not_placed": "Its Core event was not placed",
    "no_candidates": "Nobody has the job title",
    "no_supervisor": "Nobody to supervise",
    "gave_way": "Gave way to other events",
    "no_one_free": "No one free",
    "unavailable": "Not working that day",
    "rule_violation": "Breaks a scheduling rule",
    "unacknowledged_warnings": "Warnings not confirmed",
    "supervisor_would_be_dropped": "Its Supervisor event would be unscheduled",
    "conflict": "Changed by someone else meanwhile",
    "not_found": "No longer there",
}

LABELS: dict[str, str] = {
    **{str(code): label for code, label in RULE_LABELS.items()},
    **OTHER_LABELS,
}


def label_of(code: str) -> str:
    """The label of any code a person may meet; an unknown one is made readable."""
    return LABELS.get(code) or code.replace("_", " ").capitalize()
