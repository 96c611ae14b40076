"""What the page views share: how a refused change is shown, and where to go back to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import ApplicationError
from scheduler.labels import label_of
from scheduler.services import (
    RuleViolationError,
    SupervisorWouldBeDroppedError,
    UnacknowledgedWarningsError,
)


@dataclass
class Refusal:
    """Why a change was not made, as the page shows it."""

    status: int
    message: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # form errors
    confirm: bool = False  # only warnings: the form asks to acknowledge them
    missing: bool = False  # the confirmation was shown and not ticked
    drop_confirm: bool = False  # the paired Supervisor event would be unscheduled

    def __post_init__(self) -> None:
        # People read labels; the codes stay in the API.
        self.violations = [{**v, "label": label_of(v["code"])} for v in self.violations]

    @property
    def codes(self) -> list[str]:
        """The warning codes to acknowledge."""
        return sorted({v["code"] for v in self.violations if v["severity"] == "soft"})

    @property
    def to_confirm(self) -> list[dict[str, Any]]:
        """Each warning code once, with its messages."""
        grouped: dict[str, list[str]] = {}
        for v in self.violations:
            if v["severity"] == "soft":
                grouped.setdefault(v["code"], []).append(v["message"])
        return [
            {"code": code, "label": label_of(code), "messages": found}
            for code, found in grouped.items()
        ]

    @property
    def labels(self) -> str:
        """The warnings to confirm, by name: `Time off, Start already past`."""
        return ", ".join(item["label"] for item in self.to_confirm)


def refusal_of(exc: ApplicationError, *, confirming: bool = False) -> Refusal:
    """`confirming`: the form was sent from the confirmation step (its boxes were shown)."""
    if isinstance(exc, UnacknowledgedWarningsError):
        refusal = Refusal(400, "", exc.errors, confirm=True, missing=confirming)
        refusal.message = (
            f"Not saved: tick the box next to the button to go ahead despite {refusal.labels}."
            if confirming
            else f"Not saved yet: {refusal.labels}. Confirm next to the button to go ahead."
        )
        return refusal
    if isinstance(exc, SupervisorWouldBeDroppedError):
        return Refusal(400, f"Not saved: {exc.detail}", drop_confirm=True)
    if isinstance(exc, RuleViolationError):
        return Refusal(400, "Not saved: this breaks a scheduling rule.", exc.errors)
    return Refusal(exc.status, f"Not saved: {exc.detail}")


def refusal_of_form(form: forms.Form) -> Refusal:
    problems = [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]
    return Refusal(400, "Not saved: check the form.", problems=problems)


def safe_next(request: HttpRequest, raw: str | None) -> str | None:
    """A same-site path to go back to, or None."""
    if (
        raw
        and raw.startswith("/")
        and url_has_allowed_host_and_scheme(
            raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return raw
    return None
