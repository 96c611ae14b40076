"""Fixtures of the paperwork tests: a fake retailer portal on loopback, EDR switched on."""

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from paperwork.http import RetryPolicy
from paperwork.portal import PortalClient, PortalConfig, PortalState
from tests.paperwork.fake_portal import CREDENTIAL_ID, PASSWORD, USERNAME, FakePortal


@pytest.fixture(scope="session")
def _portal_server_process() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture
def portal_server(_portal_server_process: HTTPServer) -> Iterator[HTTPServer]:
    _portal_server_process.clear()
    yield _portal_server_process
    _portal_server_process.clear()


@pytest.fixture
def portal(portal_server: HTTPServer) -> FakePortal:
    return FakePortal(portal_server)


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff delays the client asked for (it does not really sleep in tests)."""
    return []


@pytest.fixture
def make_client(portal: FakePortal, sleeps: list[float]):
    def make(state: PortalState | None = None) -> PortalClient:
        config = PortalConfig(
            login_url=portal.login_url,
            portal_url=portal.portal_url,
            username=USERNAME,
            password=PASSWORD,
            credential_id=CREDENTIAL_ID,
        )
        return PortalClient(
            config,
            state=state,
            timeout=0.5,
            retry=RetryPolicy(attempts=3, base=0.01, sleep=sleeps.append),
        )

    return make


@pytest.fixture
def edr_on(settings: pytest.FixtureRequest, portal: FakePortal) -> FakePortal:
    """The EDR feature on, pointed at the fake, with short timeouts and tiny backoffs."""
    settings.EDR_ENABLED = True  # type: ignore[attr-defined]
    settings.EDR_LOGIN_URL = portal.login_url  # type: ignore[attr-defined]
    settings.EDR_PORTAL_URL = portal.portal_url  # type: ignore[attr-defined]
    settings.EDR_USERNAME = USERNAME  # type: ignore[attr-defined]
    settings.EDR_PASSWORD = PASSWORD  # type: ignore[attr-defined]
    settings.EDR_MFA_CREDENTIAL_ID = CREDENTIAL_ID  # type: ignore[attr-defined]
    settings.EDR_TIMEOUT_SECONDS = 0.5  # type: ignore[attr-defined]
    settings.EDR_RETRY_BASE_SECONDS = 0.001  # type: ignore[attr-defined]
    settings.PAPERWORK_SALES_TOOL_TIMEOUT_SECONDS = 0.5  # type: ignore[attr-defined]
    return portal
