"""No notification is lost while Redis is down: the action succeeds, its e-mail waits in the outbox, and is
sent once the broker is back; a repeated task never sends a message already sent.

A Redis server of the test's own (its own port) is the broker, so stopping it touches nothing else. The
web side and the worker run as separate processes, as in production.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import OutboundEmail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A throwaway redis-server that can be stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def broker():
    b = Broker()
    yield b
    b.stop()


@pytest.fixture
def env(broker, tmp_path):
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_CELERY_BROKER_URL": broker.url,
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }


def run_python(env, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


INVITE = """
from councils import services
from councils import invitations
from councils.models import Council, User
council = Council.objects.get(code="NEW")
staff = User.objects.get(email="platform@talentpool.example")
invitations.invitation_create(council=council, email="chief@newtown.gov.uk", roles=["council_admin"], invited_by=staff)
print("invited")
"""


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_an_email_written_while_redis_is_down_is_sent_once_it_is_back(broker, env, tmp_path, new_council, staff):
    # Redis down: the invitation is still made, and its e-mail waits in the outbox.
    started = time.monotonic()
    result = run_python(env, INVITE)
    assert result.returncode == 0, result.stderr
    assert "invited" in result.stdout
    assert "Could not queue e-mail" in result.stderr
    assert time.monotonic() - started < 60
    email = OutboundEmail.objects.get(kind="invitation")
    assert email.sent_at is None
    assert email.attempts == 0

    # Redis back, a worker running: the periodic flush finds the message (a minute later) and sends it.
    broker.start()
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        flushed = run_python(env, "from notifications.tasks import outbox_flush; print(outbox_flush())")
        assert flushed.returncode == 0, flushed.stderr
        assert flushed.stdout.strip() == "1"
        assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None), (
            tmp_path / "worker.log"
        ).read_text()
        # The task again (a retry, or a second flush racing the first): nothing is sent twice.
        again = run_python(
            env, f"from notifications.tasks import outbound_email_send_task as t; t.delay({email.pk}); print('ok')"
        )
        assert again.returncode == 0, again.stderr
        assert wait_for(lambda: (tmp_path / "worker.log").read_text().count("succeeded") >= 2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    email.refresh_from_db()
    assert email.attempts == 1
    sent = list((tmp_path / "mail").iterdir())
    assert len(sent) == 1
    assert "To: chief@newtown.gov.uk" in sent[0].read_text()
