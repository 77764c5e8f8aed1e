"""Thin Celery tasks over the outbox services."""

from celery import shared_task

from . import services


@shared_task(
    name="notifications.tasks.outbound_email_send_task",
    autoretry_for=(services.EmailSendFailed,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def outbound_email_send_task(email_id: int) -> bool:
    return services.outbound_email_send(email_id=email_id)


@shared_task(name="notifications.tasks.outbox_flush")
def outbox_flush() -> int:
    """Beat: queue every message left unsent (lost task, broker outage, retries exhausted)."""
    ids = services.outbox_unsent_ids()
    for email_id in ids:
        outbound_email_send_task.delay(email_id)
    return len(ids)
