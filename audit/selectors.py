"""Reading the audit log: a council's administrators see events about their council; platform staff
see all."""

from django.db.models import QuerySet

from .models import AuditEvent

OBJECT_TYPES = {
    "specialistprofile": "Specialist approvals and rates",
    "booking": "Bookings",
    "timesheet": "Timesheets",
    "invoice": "Invoices and payments",
    "user": "People and roles",
    "council": "Council settings",
    "invitation": "Invitations",
}


def audit_events(*, council_id: int | None = None, object_type: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if council_id is not None:
        events = events.filter(councils__contains=[council_id])
    if object_type in OBJECT_TYPES:
        events = events.filter(object_type=object_type)
    return events.order_by("-at", "-pk")
