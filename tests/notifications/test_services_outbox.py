"""The outbox: written with the change, sent once, retried on failure, flushed if a task is lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import outbound_email_send_task

pytestmark = pytest.mark.django_db


def enqueue(**kwargs):
    return services.email_enqueue(kind="test", to="a@example.gov.uk", subject="Hello", body_text="Body", **kwargs)


def test_a_message_is_written_in_the_callers_transaction_and_rolled_back_with_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                enqueue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not OutboundEmail.objects.exists()
    assert callbacks == []  # nothing queued for a change that did not happen


def test_sending_marks_the_message_sent_and_a_second_send_does_nothing():
    email = enqueue()
    assert services.outbound_email_send(email_id=email.pk) is True
    assert services.outbound_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Hello"
    assert mail.outbox[0].to == ["a@example.gov.uk"]


def test_a_failed_send_is_recorded_and_raised_for_retry(settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    email = enqueue()
    with pytest.raises(services.EmailSendFailed, match="SMTP server said no"):
        services.outbound_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert "SMTP server said no" in email.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbound_email_send(email_id=email.pk) is True
    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (2, "")


def test_the_send_task_retries_when_the_backend_fails(settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    email = enqueue()
    # apply() runs the task in-process, where Celery performs each retry at once.
    result = outbound_email_send_task.apply(args=[email.pk])
    email.refresh_from_db()
    assert email.attempts == 1 + outbound_email_send_task.max_retries
    assert result.state == "FAILURE"
    assert email.sent_at is None  # left in the outbox for outbox_flush


def test_flush_finds_only_messages_left_unsent():
    old = enqueue()
    sent = enqueue()
    services.outbound_email_send(email_id=sent.pk)
    with freeze_time(timezone.now() + timedelta(minutes=5)):
        recent = enqueue()
        ids = services.outbox_unsent_ids()
    assert ids == [old.pk]
    assert recent.pk not in ids


def test_the_task_is_queued_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(outbound_email_send_task, "delay", lambda email_id: queued.append(email_id))
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue()
        assert queued == []
    assert queued == [email.pk]


def test_a_broker_outage_does_not_fail_the_change(django_capture_on_commit_callbacks, monkeypatch):
    def broker_down(email_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(outbound_email_send_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue()
    email.refresh_from_db()
    assert email.sent_at is None  # still in the outbox for outbox_flush


def test_flush_leaves_recent_failures_to_their_retries_and_gives_up_after_many():
    recent = enqueue()
    stale = enqueue()
    exhausted = enqueue()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=recent.pk).update(attempts=1, last_attempt_at=now)
    OutboundEmail.objects.filter(pk=stale.pk).update(attempts=3, last_attempt_at=now - timedelta(hours=1))
    OutboundEmail.objects.filter(pk=exhausted.pk).update(
        attempts=services.MAX_ATTEMPTS, last_attempt_at=now - timedelta(hours=1)
    )
    with freeze_time(now + timedelta(minutes=5)):
        assert services.outbox_unsent_ids() == [stale.pk]
