"""Writing e-mails to the outbox and sending them.

`email_enqueue` is called inside the transaction that causes the message; the send task is queued only
when that transaction commits. `outbound_email_send` sends one message at most once: it locks the row,
skips it if already sent, and marks it sent in the same transaction.
"""

import logging
from collections.abc import Iterable
from datetime import UTC, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import punycode

from core.queue import task_queue

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def email_enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    body_text: str = "",
    body_html: str = "",
    template: str | None = None,
    context=None,
) -> OutboundEmail:
    """Write one message to the outbox and queue its sending for when the current transaction commits.

    With `template`, the body is rendered from `<template>.txt` (and `<template>.html` if present).
    """
    if template:
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **(context or {})}
        body_text = render_to_string(f"{template}.txt", context)
    # One line: a line break (say from a name typed with one) would make every sending attempt fail.
    subject = " ".join(subject.split())
    email = OutboundEmail.objects.create(kind=kind, to=to, subject=subject, body_text=body_text, body_html=body_html)
    transaction.on_commit(lambda: _queue_send(email.pk))
    return email


def email_people(people: Iterable[Any], *, kind: str, subject: str, template: str, context: dict | None = None) -> int:
    """One e-mail to each person (each address once), their own record as `recipient` in the template's
    context. People are anything with `.email` (users). Returns how many were queued."""
    queued = 0
    for person in {p.email.lower(): p for p in people if p.email}.values():
        email_enqueue(
            kind=kind,
            to=person.email,
            subject=subject,
            template=template,
            context={**(context or {}), "recipient": person},
        )
        queued += 1
    return queued


def _queue_send(email_id: int) -> None:
    try:
        task_queue("notifications.tasks.outbound_email_send_task", email_id)
    except Exception as exc:  # noqa: BLE001 - a broker outage must not fail the request; outbox_flush sends it later
        logger.warning(
            "Could not queue e-mail %s (%s: %s); the periodic outbox flush will send it.",
            email_id,
            type(exc).__name__,
            exc,
        )


def outbound_email_send(*, email_id: int) -> bool:
    """Send one outbox message unless it was already sent. Returns True if it was sent now.

    The row stays locked while the backend sends, so two workers never send the same message. A failed
    attempt is recorded (attempts, last_error) and then `EmailSendFailed` is raised so the task retries.
    """
    failure = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Message-ID": outbound_email_message_id(email)},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        email.last_attempt_at = timezone.now()
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any backend failure is recorded, then retried
            failure = f"{type(exc).__name__}: {exc}"[:2000]
            email.last_error = failure
        else:
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["attempts", "last_attempt_at", "last_error", "sent_at"])
    if failure:
        raise EmailSendFailed(failure)
    return True


def outbound_email_message_id(email: OutboundEmail) -> str:
    """The message's Message-ID: the same on every attempt, so a receiver can tell a resend is the same message.

    Made from the row's pk and created_at; the domain is DEFAULT_FROM_EMAIL's (this host's name if it has none).
    """
    stamp = email.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"<outbox.{email.pk}.{stamp}@{_message_id_domain()}>"


def _message_id_domain() -> str:
    _local, at, domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")
    if at and domain.strip():
        try:
            return punycode(domain.strip())
        except UnicodeError:
            pass
    return str(DNS_NAME)


class EmailSendFailed(Exception):
    """The mail backend refused or failed; the attempt is recorded on the outbox row."""


MAX_ATTEMPTS = 20
FLUSH_AFTER_FAILURE = timedelta(minutes=30)


def outbox_unsent_ids(*, older_than: timedelta = timedelta(minutes=1), limit: int = 500) -> list[int]:
    """Messages still unsent some time after they were written (their queued task was lost or failed).

    A message whose last attempt failed recently is left to its own task's retries; one that has failed
    MAX_ATTEMPTS times is left for a person to look at (it stays in the outbox, visible in the admin)."""
    now = timezone.now()
    return list(
        OutboundEmail.objects.filter(sent_at__isnull=True, created_at__lte=now - older_than, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - FLUSH_AFTER_FAILURE))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
