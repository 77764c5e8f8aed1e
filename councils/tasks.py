"""Thin Celery tasks over the councils services: sending a batch of invitations, onboarding reminders."""

from celery import shared_task

from . import batches, onboarding


@shared_task(name="councils.tasks.invitation_batch_send")
def invitation_batch_send(batch_id: int) -> int:
    return batches.batch_send(batch_id=batch_id)


@shared_task(name="councils.tasks.invitation_batches_resume")
def invitation_batches_resume() -> int:
    """Batches confirmed but left sending (the broker was away, a worker stopped) are sent again."""
    return batches.batches_resume()


@shared_task(name="councils.tasks.onboarding_reminders")
def onboarding_reminders() -> int:
    """Invitations not accepted after 7 days and set-ups not finished after 14, each reminded a few times."""
    return onboarding.onboarding_reminders_send()
