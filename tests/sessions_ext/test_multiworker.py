"""Sessions hold across worker processes and restarts: a real gunicorn on loopback."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.sessions_ext.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [pytest.mark.postgres, pytest.mark.server, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, access_log: Path) -> None:
        self.port = port
        self.access_log = access_log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "multi-worker-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no TLS redirect and no Secure-only cookie.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SESSION_COOKIE_SECURE": "false",
            "DJANGO_CSRF_COOKIE_SECURE": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(GUNICORN),
                "core.wsgi:application",
                "--workers=2",
                f"--bind=127.0.0.1:{self.port}",
                f"--access-logfile={self.access_log}",
                "--access-logformat=%(p)s %(s)s %(U)s",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/api/health/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not come up within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def request(
    port: int, method: str, path: str, body: dict[str, str] | None = None, cookie: str = ""
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"User-Agent": "multiworker-test"}
    if cookie:
        headers["Cookie"] = cookie
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def fast_password_hashing() -> None:
    """The server process hashes with the real settings; so must the user we create."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(free_port(), tmp_path / "access.log")
    srv.start()
    yield srv
    srv.stop()


def test_a_session_works_on_every_worker_and_survives_a_restart(server: Server) -> None:
    user = UserFactory.create()
    code, headers, _ = request(
        server.port,
        "POST",
        "/api/v1/auth/login/",
        {"username": user.username, "password": PASSWORD},
    )
    assert code == 200
    set_cookie = headers["Set-Cookie"]
    session_cookie = next(
        part.strip().split(";")[0]
        for part in set_cookie.split(",")
        if part.strip().startswith("sessionid=")
    )

    def me(_: int) -> tuple[int, str]:
        status, _headers, body = request(
            server.port, "GET", "/api/v1/auth/me/", cookie=session_cookie
        )
        return status, json.loads(body).get("username", "")

    sequential = [me(i) for i in range(100)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(me, range(150)))
    results = sequential + concurrent
    assert len(results) == 250
    assert set(results) == {(200, user.username)}

    # Every request above was answered by some worker; both workers took part.
    lines = [ln.split() for ln in server.access_log.read_text().splitlines()]
    me_pids = {pid for pid, status_code, path in lines if path == "/api/v1/auth/me/"}
    assert len(me_pids) >= 2, me_pids

    server.stop()
    server.start()
    assert me(0) == (200, user.username)
