"""core/outbox.py, the send loop, backoff and dispatch shared by the push and reissue
outboxes. Rows here are real ones: users, whose `date_joined` stands in for
`next_attempt_at` (the loop reads nothing else of a row)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.outbox import backoff, deliver_due, dispatch_on_commit, retry_later

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
OUTCOMES = ("sent", "retry", "failed")


class FakeClient:
    """Only records whether it was closed (a stand-in for an HTTP client's `close`)."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def _rows(*minutes_from_now: int) -> list[int]:
    return [
        User.objects.create(username=f"u{i}", date_joined=NOW + dt.timedelta(minutes=m)).pk
        for i, m in enumerate(minutes_from_now)
    ]


def _pending():
    return User.objects.annotate(next_attempt_at=F("date_joined"))


@pytest.mark.parametrize(
    ("attempts", "ceiling"), [(0, 30), (1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)]
)
def test_backoff_doubles_to_a_cap_jittered_in_the_upper_half(attempts, ceiling):
    for _ in range(50):
        wait = backoff(attempts).total_seconds()
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.django_db
def test_due_rows_go_oldest_first_and_later_ones_wait():
    due_late, not_yet, due_early = _rows(-1, 5, -10)
    seen: list[int] = []
    opened: list[FakeClient] = []

    def connect() -> FakeClient:
        opened.append(FakeClient())
        return opened[-1]

    def deliver_one(pk: int, client: FakeClient) -> str:
        assert client is opened[0]
        seen.append(pk)
        return "sent" if pk == due_early else "retry"

    counts = deliver_due(
        _pending(), deliver_one, outcomes=OUTCOMES, client=None, connect=connect, now=NOW
    )

    assert seen == sorted([due_early, due_late])  # by id, as the rows were queued
    assert not_yet not in seen
    assert counts == {"sent": 1, "retry": 1, "failed": 0}
    assert list(counts) == list(OUTCOMES)
    assert len(opened) == 1 and opened[0].closed


@pytest.mark.django_db
def test_nothing_due_opens_no_client(django_assert_num_queries):
    _rows(5)

    def connect() -> FakeClient:
        raise AssertionError("no client needed")

    with django_assert_num_queries(1):
        counts = deliver_due(
            _pending(), lambda pk, c: "sent", outcomes=OUTCOMES, client=None, connect=connect,
            now=NOW,
        )  # fmt: skip

    assert counts == {"sent": 0, "retry": 0, "failed": 0}


@pytest.mark.django_db
def test_a_given_client_is_used_and_left_open():
    _rows(-1, -2)
    given = FakeClient()

    counts = deliver_due(
        _pending(), lambda pk, c: "sent" if c is given else "failed", outcomes=OUTCOMES,
        client=given, connect=FakeClient, now=NOW,
    )  # fmt: skip

    assert counts["sent"] == 2
    assert not given.closed


@pytest.mark.django_db
def test_an_opened_client_is_closed_when_a_send_raises():
    _rows(-1)
    opened: list[FakeClient] = []

    def connect() -> FakeClient:
        opened.append(FakeClient())
        return opened[-1]

    def deliver_one(pk: int, client: FakeClient) -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        deliver_due(
            _pending(), deliver_one, outcomes=OUTCOMES, client=None, connect=connect, now=NOW
        )
    assert opened[0].closed


@pytest.mark.django_db
def test_now_defaults_to_the_clock():
    past, future = _rows(-60 * 24 * 365 * 10, 60 * 24 * 365 * 10)  # ±10 years from NOW
    seen: list[int] = []

    def deliver_one(pk: int, client: FakeClient) -> str:
        seen.append(pk)
        return "sent"

    deliver_due(_pending(), deliver_one, outcomes=OUTCOMES, client=FakeClient(), connect=FakeClient)

    assert seen == [past]
    assert future not in seen


def test_retry_later_waits_a_backoff_until_the_last_attempt():
    row = SimpleNamespace(attempts=2, state="pending", next_attempt_at=None)
    before = timezone.now()

    assert retry_later(row, max_attempts=3, failed_state="failed") == "retry"
    assert row.state == "pending"
    assert before + dt.timedelta(seconds=30) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + dt.timedelta(seconds=60)

    row.attempts = 3
    row.next_attempt_at = None
    assert retry_later(row, max_attempts=3, failed_state="gave up") == "failed"
    assert row.state == "gave up"
    assert row.next_attempt_at is None


calls: list[str] = []


def _dispatch() -> None:
    calls.append("sent")


@pytest.mark.django_db(transaction=True)
def test_dispatch_runs_once_per_transaction_after_commit():
    calls.clear()
    with transaction.atomic():
        dispatch_on_commit(_dispatch)
        dispatch_on_commit(_dispatch)
        assert calls == []
    assert calls == ["sent"]


@pytest.mark.django_db(transaction=True)
def test_dispatch_rolled_back_with_a_savepoint_is_queued_again():
    calls.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():
                dispatch_on_commit(_dispatch)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        dispatch_on_commit(_dispatch)
    assert calls == ["sent"]

    calls.clear()
    with transaction.atomic():
        dispatch_on_commit(_dispatch)
        transaction.set_rollback(True)
    assert calls == []
