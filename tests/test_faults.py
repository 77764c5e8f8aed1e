"""If PostgreSQL drops the web server's connections (a restart does exactly this), the next request works
without restarting the web server: persistent connections are health-checked before reuse."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
APP = "talentpool-fault-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(tmp_path):
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}?application_name={APP}",
        "CONN_MAX_AGE": "600",  # keep connections, as production does
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "1", "--control-socket", str(tmp_path / "gunicorn.ctl")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=30)
    log.close()


def drop_the_servers_connections() -> int:
    """What a PostgreSQL restart does to the web server: its connections end (only the server's, found by
    the application name it connects with, so nothing else using the database is touched)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s", [APP]
        )
        return cursor.fetchone()[0]


def test_the_next_request_after_the_database_drops_connections_works(server):
    assert get(f"{server}/healthz") == (200, "ok")
    assert drop_the_servers_connections() == 1  # the connection the server kept
    assert get(f"{server}/healthz") == (200, "ok")
    status, page = get(f"{server}/accounts/login/")
    assert status == 200
    assert "Sign in" in page
