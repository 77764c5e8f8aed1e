"""A real Celery worker, over real Redis, sends an invitation e-mail written to the outbox."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app
from councils import invitations
from councils.models import Role
from notifications.models import OutboundEmail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    celery_app.control.purge()  # drop messages left by earlier runs in the test broker database
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield tmp_path
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_real_worker_sends_the_invitation_email(worker, new_council, staff):
    _invitation, token = invitations.invitation_create(
        council=new_council, email="chief@newtown.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    email = OutboundEmail.objects.get(kind="invitation")

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.sent_at:
            break
        time.sleep(0.5)
    log = (worker / "worker.log").read_text()
    assert email.sent_at is not None, f"the worker did not send the e-mail; its log:\n{log}"
    assert email.attempts == 1
    sent = "".join(p.read_text() for p in (worker / "mail").iterdir())
    assert "To: chief@newtown.gov.uk" in sent
    assert f"/invitation/{token}/" in sent
    assert "outbound_email_send_task" in log
