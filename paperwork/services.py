"""Writes of the paperwork app: portal sign-in per user, the report cache.

The portal is called outside any transaction (it is slow); each write that follows is
its own short transaction. A user's portal session is read for that user only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import ApplicationError, InvalidInputError
from events.models import Event
from paperwork.crypto import Undecryptable, seal, unseal
from paperwork.models import EventReport, PortalSession, ReportStatus
from paperwork.portal import PortalClient, PortalSignInRequired, PortalState
from paperwork.reports import browse_event_numbers

logger = logging.getLogger(__name__)

CODE_WAIT = dt.timedelta(minutes=15)  # an SMS code is good for minutes, not hours
CODE_PATTERN = re.compile(r"^\d{4,10}$")

ClientFactory = Callable[[PortalState | None], PortalClient]


def _default_client(state: PortalState | None) -> PortalClient:
    return PortalClient.from_settings(state=state)


# --- portal sign-in ---------------------------------------------------------------------


def portal_sign_in_start(*, user: Any, client_factory: ClientFactory = _default_client) -> None:
    """Password, then an SMS code to the account's phone; remembers the half-open sign-in
    (encrypted) for this user until the code comes back."""
    with client_factory(None) as client:
        state = client.sign_in_start()
    now = timezone.now()
    with transaction.atomic():
        PortalSession.objects.filter(user=user).delete()
        session = PortalSession(
            user=user,
            state=PortalSession.State.AWAITING_CODE,
            sealed=seal(state.to_dict()),
            started_at=now,
            expires_at=now + CODE_WAIT,
        )
        session.full_clean()
        session.save()


def portal_sign_in_verify(
    *, user: Any, code: str, client_factory: ClientFactory = _default_client
) -> PortalSession:
    """The SMS code: on success the user's portal session (cookies + token) is stored."""
    code = (code or "").strip().replace(" ", "")
    if not CODE_PATTERN.match(code):
        raise InvalidInputError(
            "Enter the code from the SMS (digits only).",
            errors=[{"attr": "code", "code": "invalid", "detail": "Digits only."}],
        )
    pending = PortalSession.objects.filter(
        user=user, state=PortalSession.State.AWAITING_CODE, expires_at__gt=timezone.now()
    ).first()
    if pending is None:
        raise InvalidInputError(
            "No code is waiting: ask the portal for a new code first.", code="edr_no_code_sent"
        )
    try:
        state = PortalState.from_dict(unseal(pending.sealed))
    except Undecryptable:
        pending.delete()
        raise InvalidInputError("Ask the portal for a new code.", code="edr_no_code_sent") from None
    with client_factory(state) as client:
        try:
            signed_in = client.sign_in_finish(code=code, failure_count=pending.failure_count)
        except InvalidInputError:
            PortalSession.objects.filter(pk=pending.pk).update(failure_count=F("failure_count") + 1)
            raise
    assert signed_in.expires_at is not None  # noqa: S101
    with transaction.atomic():
        session = PortalSession.objects.select_for_update().get(pk=pending.pk)
        session.state = PortalSession.State.ACTIVE
        session.sealed = seal(signed_in.to_dict())
        session.signed_in_at = timezone.now()
        session.expires_at = signed_in.expires_at
        session.full_clean()
        session.save()
    logger.info("Portal session opened for user %s", user.pk)
    return session


def portal_session_end(*, user: Any) -> bool:
    """Forget the user's portal session (signed out of the app, revoked, or expired)."""
    deleted, _ = PortalSession.objects.filter(user=user).delete()
    return bool(deleted)


def portal_state_of(user: Any) -> PortalState:
    """The user's own signed-in portal session, or PortalSignInRequired (an expired one
    is deleted on the way)."""
    PortalSession.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
    session = PortalSession.objects.filter(
        user=user, state=PortalSession.State.ACTIVE, expires_at__gt=timezone.now()
    ).first()
    if session is None:
        raise PortalSignInRequired()
    try:
        return PortalState.from_dict(unseal(session.sealed))
    except Undecryptable:
        session.delete()
        raise PortalSignInRequired() from None


# --- the report cache -------------------------------------------------------------------


def report_max_age() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.EDR_REPORT_MAX_AGE_HOURS))


@dataclass
class RefreshOutcome:
    fetched: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # event number → why
    sign_in_required: bool = False
    skipped: list[str] = field(default_factory=list)  # not asked: the session had ended


def _store(*, number: str, report: dict[str, Any] | None, user: Any) -> None:
    now = timezone.now()
    status = ReportStatus.OK if report is not None else ReportStatus.UNKNOWN
    EventReport.objects.update_or_create(
        event_number=number,
        defaults={"status": status, "report": report, "fetched_at": now, "fetched_by": user},
    )


def reports_refresh(
    *,
    user: Any,
    events: Iterable[Event],
    first: dt.date,
    last: dt.date,
    force: bool = False,
    client_factory: ClientFactory = _default_client,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> RefreshOutcome:
    """Fetch the reports of `events` (their event numbers) not fresh in the cache, with
    the user's own portal session: one bulk browse per store for the days first..last
    (when the events are worked), then one
    report per event the portal knows. Each report is stored as it arrives, so a session
    the portal ends mid-batch keeps what was already fetched (`sign_in_required`)."""
    outcome = RefreshOutcome()
    wanted: dict[str, list[str]] = defaultdict(list)
    numbers: set[str] = set()
    for event in events:
        if event.event_number and event.event_number not in numbers:
            numbers.add(event.event_number)
            wanted[event.store_number].append(event.event_number)
    if not force:
        fresh = set(
            EventReport.objects.filter(
                event_number__in=numbers, fetched_at__gt=timezone.now() - report_max_age()
            ).values_list("event_number", flat=True)
        )
        for store in list(wanted):
            wanted[store] = [n for n in wanted[store] if n not in fresh]
            if not wanted[store]:
                del wanted[store]
        if on_progress is not None and fresh:
            on_progress(len(fresh))
    if not wanted:
        return outcome
    state = portal_state_of(user)  # raises PortalSignInRequired: nothing asked yet
    with client_factory(state) as client:
        to_fetch: list[str] = []
        try:
            for store, store_numbers in wanted.items():
                known = browse_event_numbers(client.browse(store=store, start=first, end=last))
                for number in store_numbers:
                    if number in known:
                        to_fetch.append(number)
                    else:
                        _store(number=number, report=None, user=user)
                        outcome.unknown.append(number)
                        if on_progress is not None:
                            on_progress(1)
        except PortalSignInRequired:
            portal_session_end(user=user)
            outcome.sign_in_required = True
            outcome.skipped = [n for ns in wanted.values() for n in ns if n not in outcome.unknown]
            return outcome
        _fetch_reports(client, to_fetch, user=user, outcome=outcome, on_progress=on_progress,
                       workers=workers or int(settings.PAPERWORK_FETCH_WORKERS))  # fmt: skip
    if outcome.sign_in_required:
        portal_session_end(user=user)
    return outcome


def _fetch_reports(
    client: PortalClient,
    numbers: list[str],
    *,
    user: Any,
    outcome: RefreshOutcome,
    on_progress: Callable[[int], None] | None,
    workers: int,
) -> None:
    """Reports fetched `workers` at a time; the database is written from this thread."""
    pending = list(reversed(numbers))
    running: dict[Future[dict[str, Any] | None], str] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="edr") as pool:
        while pending or running:
            while pending and len(running) < workers and not outcome.sign_in_required:
                number = pending.pop()
                running[pool.submit(client.report, number)] = number
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                number = running.pop(future)
                try:
                    report = future.result()
                except PortalSignInRequired:
                    outcome.sign_in_required = True
                    outcome.skipped.append(number)
                    continue
                except ApplicationError as exc:
                    outcome.failed[number] = exc.detail
                else:
                    _store(number=number, report=report, user=user)
                    (outcome.fetched if report is not None else outcome.unknown).append(number)
                if on_progress is not None:
                    on_progress(1)
        outcome.skipped.extend(reversed(pending))


# --- uploaded forms ---------------------------------------------------------------------


def paperwork_form_save(*, form: Any, upload: dict[str, Any] | None) -> Any:
    """Save a company form from the admin, with its new PDF when one was uploaded."""
    with transaction.atomic():
        if upload is not None:
            form.pdf = upload["data"]
            form.file_name = upload["name"]
            form.page_count = upload["pages"]
        form.full_clean()
        form.save()
    return form
