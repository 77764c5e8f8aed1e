"""Beat: settle the previous month at 02:00 on the 1st; remind customers of overdue invoices daily."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .settlement import settlement_run


@shared_task(name="payments.tasks.settle_previous_month")
def settle_previous_month() -> int:
    first = timezone.localdate().replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return len(settlement_run(period=previous).invoices)


@shared_task(name="payments.tasks.settle_month")
def settle_month(period_iso: str) -> int:
    """Queued from the platform settlement page; the run records its own status and any error."""
    return len(settlement_run(period=date.fromisoformat(period_iso)).invoices)


@shared_task(name="payments.tasks.invoices_overdue")
def invoices_overdue() -> int:
    return services.invoices_overdue_remind()
