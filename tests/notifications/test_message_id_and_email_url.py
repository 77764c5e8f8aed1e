"""A resent outbox message keeps its Message-ID; every documented EMAIL_URL scheme configures a working backend."""

import os
import re
import smtplib
import socketserver
import ssl
import subprocess
import sys
import threading
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import locmem
from django.core.mail.utils import DNS_NAME
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from config.settings.base import email_settings
from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import outbound_email_send_task

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = "django.core.mail.backends"
THIS = "tests.notifications.test_message_id_and_email_url"


def enqueue(to: str = "a@example.gov.uk") -> OutboundEmail:
    return services.email_enqueue(kind="test", to=to, subject="Hello", body_text="Body")


# --- Message-ID ---------------------------------------------------------------------------------------


class FailsOnceBackend(locmem.EmailBackend):
    """Records each attempt's Message-ID; the first attempt fails, later ones deliver to mail.outbox."""

    attempts: list[str] = []

    def send_messages(self, email_messages):
        FailsOnceBackend.attempts.extend(m.message()["Message-ID"] for m in email_messages)
        if len(FailsOnceBackend.attempts) == 1:
            raise OSError("connection reset mid-send")
        return super().send_messages(email_messages)


class WorkerKilled(BaseException):
    """Stands for the worker process dying: not an Exception, so the send's transaction rolls back."""


class DeliversThenDiesBackend(locmem.EmailBackend):
    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise WorkerKilled


@pytest.fixture
def fails_once(settings):
    FailsOnceBackend.attempts = []
    settings.EMAIL_BACKEND = f"{THIS}.FailsOnceBackend"
    settings.DEFAULT_FROM_EMAIL = "Talent Pool <noreply@mail.council.example>"
    return FailsOnceBackend.attempts


@pytest.mark.django_db
def test_a_retried_message_carries_the_same_message_id_on_every_attempt(fails_once):
    email = enqueue()
    with pytest.raises(services.EmailSendFailed, match="connection reset mid-send"):
        services.outbound_email_send(email_id=email.pk)
    assert services.outbound_email_send(email_id=email.pk) is True

    email.refresh_from_db()
    assert email.attempts == 2
    assert len(fails_once) == 2
    assert fails_once[0] == fails_once[1]
    assert re.fullmatch(rf"<outbox\.{email.pk}\.\d{{20}}@mail\.council\.example>", fails_once[0])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == fails_once[0]
    assert services.outbound_email_message_id(email) == fails_once[0]


@pytest.mark.django_db
def test_the_tasks_own_retry_resends_with_the_same_message_id(fails_once):
    email = enqueue()
    result = outbound_email_send_task.apply(args=[email.pk])  # in-process: Celery retries at once
    assert result.successful()
    assert len(fails_once) == 2
    assert fails_once[0] == fails_once[1]


@pytest.mark.django_db
def test_a_message_resent_after_the_worker_died_mid_send_has_the_same_message_id(settings):
    email = enqueue()
    settings.EMAIL_BACKEND = f"{THIS}.DeliversThenDiesBackend"
    with pytest.raises(WorkerKilled):
        services.outbound_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 0)  # rolled back: the flush will send it again

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbound_email_send(email_id=email.pk) is True
    first, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == second


@pytest.mark.django_db
def test_different_outbox_rows_get_different_message_ids():
    with freeze_time(timezone.now()):  # even written in the same instant
        one, two = enqueue(), enqueue("b@example.gov.uk")
    assert one.created_at == two.created_at
    services.outbound_email_send(email_id=one.pk)
    services.outbound_email_send(email_id=two.pk)
    ids = {m.to[0]: m.message()["Message-ID"] for m in mail.outbox}
    assert ids["a@example.gov.uk"] != ids["b@example.gov.uk"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_email", "domain"),
    [
        ("noreply@talentpool.example", "talentpool.example"),
        ("LocalGov Talent Pool <noreply@Bücher.example>", "xn--bcher-kva.example"),
        ("noreply", str(DNS_NAME)),
    ],
)
def test_the_message_id_domain_is_the_senders(settings, from_email, domain):
    settings.DEFAULT_FROM_EMAIL = from_email
    message_id = services.outbound_email_message_id(enqueue())
    assert message_id.endswith(f"@{domain}>")
    assert message_id.isascii()


# --- EMAIL_URL ----------------------------------------------------------------------------------------

SMTP = f"{BACKENDS}.smtp.EmailBackend"


def smtp(host: str, port: int, user: str = "", password: str = "", tls: bool = False, ssl: bool = False) -> dict:
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("consolemail://", {"EMAIL_BACKEND": f"{BACKENDS}.console.EmailBackend"}),
        ("memorymail://", {"EMAIL_BACKEND": f"{BACKENDS}.locmem.EmailBackend"}),
        ("dummymail://", {"EMAIL_BACKEND": f"{BACKENDS}.dummy.EmailBackend"}),
        (
            "filemail:///var/mail/talent%20pool",
            {"EMAIL_BACKEND": f"{BACKENDS}.filebased.EmailBackend", "EMAIL_FILE_PATH": "/var/mail/talent pool"},
        ),
        ("smtp://mail.example", smtp("mail.example", 25)),
        ("smtp://relay.example:2525", smtp("relay.example", 2525)),
        ("smtp+tls://user:p%40ss@smtp.example:587", smtp("smtp.example", 587, "user", "p@ss", tls=True)),
        ("smtp+tls://smtp.example", smtp("smtp.example", 587, tls=True)),
        ("smtps://smtp.example", smtp("smtp.example", 587, tls=True)),  # django-environ's alias of smtp+tls
        ("smtp+ssl://apikey:secret@smtp.example", smtp("smtp.example", 465, "apikey", "secret", ssl=True)),
        ("smtp+ssl://smtp.example:2465", smtp("smtp.example", 2465, ssl=True)),
    ],
)
def test_email_settings_for_each_scheme(url, expected):
    assert email_settings(url) == expected


@pytest.mark.parametrize(
    "url",
    ["filemail://", "filemail://relative/dir", "nosuchmail://", "smtp://mail.example?use_tls=false", "localhost"],
)
def test_email_settings_refuse_what_they_cannot_honour(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)


def test_every_example_in_the_readme_row_is_accepted():
    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `EMAIL_URL`"))
    examples = re.findall(r"`([a-z+]+://[^`]*)`", row)
    schemes = {url.split("://")[0] for url in examples}
    assert schemes >= {"consolemail", "smtp", "smtp+tls", "smtp+ssl", "filemail", "memorymail", "dummymail"}
    for url in examples:
        email_settings(url)


@pytest.mark.django_db
def test_filemail_writes_outbox_messages_into_the_directory(tmp_path):
    directory = tmp_path / "sent mail"
    with override_settings(**email_settings(f"filemail://{quote(str(directory))}")):
        email = enqueue()
        assert services.outbound_email_send(email_id=email.pk) is True
    [written] = directory.iterdir()
    sent = written.read_text()
    assert "To: a@example.gov.uk" in sent
    assert f"Message-ID: {services.outbound_email_message_id(email)}" in sent


def test_the_settings_apply_email_url_so_filemail_sends(tmp_path):
    """The bug: with EMAIL_URL=filemail:///dir every send raised, as EMAIL_FILE_PATH was never set."""
    directory = tmp_path / "mail"
    script = "from django.core.mail import send_mail; send_mail('Hi', 'Body', None, ['x@example.gov.uk'])"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "EMAIL_URL": f"filemail://{quote(str(directory))}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    [written] = directory.iterdir()
    assert "To: x@example.gov.uk" in written.read_text()


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: offers STARTTLS but refuses it (no certificate here)."""

    timeout = 5

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper().decode("ascii", "replace")
            self.server.commands.append(verb)
            if verb == "EHLO":
                self.reply("250-localhost\r\n250-STARTTLS\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            elif verb == "STARTTLS":
                self.reply("454 4.7.0 TLS not available")
            elif verb == "AUTH":
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = iter(self.rfile.readline, b".\r\n")
                self.server.messages.append(b"".join(x[1:] if x.startswith(b"..") else x for x in lines))
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.commands: list[str] = []
        self.messages: list[bytes] = []
        self.errors: list[BaseException] = []

    def handle_error(self, request, client_address) -> None:
        self.errors.append(sys.exc_info()[1])  # kept for the test, not printed


@pytest.fixture
def smtp_server():
    server = _SMTPServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def send_with(url: str) -> None:
    with override_settings(**email_settings(url), EMAIL_TIMEOUT=5):
        mail.send_mail("Hi", "Body", "noreply@talentpool.example", ["x@example.gov.uk"])


def test_smtp_sends_to_the_server_with_the_credentials(smtp_server):
    send_with(f"smtp://user:pw@127.0.0.1:{smtp_server.server_address[1]}")
    assert "AUTH" in smtp_server.commands
    assert "STARTTLS" not in smtp_server.commands
    [raw] = smtp_server.messages
    sent = message_from_bytes(raw)
    assert (sent["To"], sent["Subject"], sent.get_payload().strip()) == ("x@example.gov.uk", "Hi", "Body")


def test_smtp_tls_asks_the_server_for_starttls(smtp_server):
    with pytest.raises(smtplib.SMTPResponseException, match="TLS not available"):
        send_with(f"smtp+tls://127.0.0.1:{smtp_server.server_address[1]}")
    assert smtp_server.commands[:2] == ["EHLO", "STARTTLS"]
    assert smtp_server.messages == []  # nothing goes out in clear


def test_smtp_ssl_starts_with_a_tls_handshake(smtp_server):
    # The plain-text server's greeting is not a TLS record: the client fails before any SMTP command.
    with pytest.raises(ssl.SSLError):
        send_with(f"smtp+ssl://127.0.0.1:{smtp_server.server_address[1]}")
    assert "EHLO" not in smtp_server.commands
    assert smtp_server.messages == []
