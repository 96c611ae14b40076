"""What the outboxes share: rows written in the transaction of a change, sent after commit
by a background task, retried with backoff until they are sent or give up.

An outbox row has `state`, `attempts` and `next_attempt_at` (the model and what a send
does are the app's). The send loop here claims nothing itself: `deliver_due` hands each
due id, oldest first, to the app's `deliver_one`, which locks its row, sends it and
records the outcome (`retry_later` after a failed attempt).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: doubling from 30 s to a 1 h cap, each
    wait drawn from the upper half of its step (so many rows failing together spread)."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


def deliver_due(
    pending: QuerySet[Any],
    deliver_one: Callable[[int, C], str],
    *,
    outcomes: Iterable[str],
    client: C | None,
    connect: Callable[[], C],
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Hand every row of `pending` that is due to `deliver_one`, oldest first.

    Returns how many rows had each outcome (`deliver_one`'s answers, all of them among
    `outcomes`). The client is `client`, or one `connect()` opens, and then closes, when
    some row is due; nothing is opened when none is.
    """
    counts = dict.fromkeys(outcomes, 0)
    ids = list(
        pending.filter(next_attempt_at__lte=now or timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return counts
    own = client is None
    if client is None:
        client = connect()
    try:
        for pk in ids:
            counts[deliver_one(pk, client)] += 1
    finally:
        if own:
            client.close()
    return counts


def retry_later(row: Any, *, max_attempts: int, failed_state: str) -> str:
    """After a failed attempt (already counted in `row.attempts`): "failed" once
    `max_attempts` are spent (the row takes `failed_state`), else "retry", due again
    after a backoff. The caller saves the row."""
    if row.attempts >= max_attempts:
        row.state = failed_state
        return "failed"
    row.next_attempt_at = timezone.now() + backoff(row.attempts)
    return "retry"


def dispatch_on_commit(dispatch: Callable[[], None]) -> None:
    """Run `dispatch` (which enqueues the send task) after this transaction commits, once
    however many rows the transaction writes: one approval of many proposals sends once.

    A callback still queued is one that no rollback has removed: the savepoints it was
    registered under are either released (no longer undoable) or still open around
    this point, so undoing them undoes these rows too. Reusing it never loses a send.
    """
    queued = getattr(transaction.get_connection(), "run_on_commit", [])
    if not any(func is dispatch for _, func, *_ in queued):
        transaction.on_commit(dispatch, robust=True)
