"""Fixtures of the attendance tests: a Tuesday morning at 7, before the day's events."""

from collections.abc import Iterator

import pytest
import time_machine

from tests.events.factories import store_local
from tests.planning.conftest import (  # noqa: F401 (the fake planning system on loopback)
    _planning_server_process,
    fake,
    planning_client,
    planning_server,
    sleeps,
    sync_on,
)
from tests.scheduler.conftest import club_supervisor, lead, manager, pair, reader  # noqa: F401

SEVEN_AM = store_local(2026, 12, 15, 7, 0)  # a Tuesday


@pytest.fixture
def seven_am() -> Iterator[None]:
    with time_machine.travel(SEVEN_AM, tick=False):
        yield
