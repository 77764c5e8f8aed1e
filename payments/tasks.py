"""Beat: settle the previous month at 02:00 on the 1st."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .settlement import settlement_run


@shared_task(name="payments.tasks.settle_previous_month")
def settle_previous_month() -> int:
    first = timezone.localdate().replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return len(settlement_run(period=previous).invoices)
