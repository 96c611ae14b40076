"""Fixtures of the planning-system tests: a fake planning system on loopback."""

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from planning.client import Credentials, PlanningClient, RetryPolicy
from tests.planning.fake_planning import PASSWORD, USERNAME, FakePlanningSystem


@pytest.fixture(scope="session")
def _planning_server_process() -> Iterator[HTTPServer]:
    """One threaded server for the session (a slow answer must not hold up the next
    request); each test gets it with its handlers and log cleared."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture
def planning_server(_planning_server_process: HTTPServer) -> Iterator[HTTPServer]:
    _planning_server_process.clear()
    yield _planning_server_process
    _planning_server_process.clear()


@pytest.fixture
def fake(planning_server: HTTPServer) -> FakePlanningSystem:
    return FakePlanningSystem(planning_server)


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff delays the client asked for (it does not really sleep in tests)."""
    return []


@pytest.fixture
def planning_client(fake: FakePlanningSystem, sleeps: list[float]) -> Iterator[PlanningClient]:
    client = PlanningClient(
        Credentials(base_url=fake.base_url, username=USERNAME, password=PASSWORD),
        timeout=0.5,
        retry=RetryPolicy(attempts=4, base=0.01, sleep=sleeps.append),
    )
    yield client
    client.close()


@pytest.fixture
def sync_on(settings: pytest.FixtureRequest, fake: FakePlanningSystem) -> FakePlanningSystem:
    """The sync feature on, pointed at the fake, with tiny real backoff delays."""
    settings.SYNC_ENABLED = True  # type: ignore[attr-defined]
    settings.SYNC_BASE_URL = fake.base_url  # type: ignore[attr-defined]
    settings.SYNC_USERNAME = USERNAME  # type: ignore[attr-defined]
    settings.SYNC_PASSWORD = PASSWORD  # type: ignore[attr-defined]
    settings.SYNC_TIMEOUT_SECONDS = 0.5  # type: ignore[attr-defined]
    settings.SYNC_RETRY_BASE_SECONDS = 0.001  # type: ignore[attr-defined]
    return fake
