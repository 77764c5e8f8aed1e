"""The audit log: one row per change to an approval, booking, timesheet, invoice, payment, role or council
setting. Rows are written in the same transaction as the change and the database refuses to change or
delete them (the AppendOnly trigger in Meta)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from core.clock import clock_now
from core.triggers import AppendOnly


class AuditEvent(models.Model):
    at = models.DateTimeField(default=clock_now)
    # None when the service itself acted (expiry, auto-confirmation, settlement).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60)  # "booking.accepted", "member.roles_changed", ...
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200)
    # The councils whose administrators may read this event (both parties to a booking or invoice).
    councils = ArrayField(models.BigIntegerField(), default=list)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            GinIndex(fields=["councils"], name="audit_event_councils"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            models.Index(fields=["-at"], name="audit_event_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(action=""), name="audit_event_has_action"),
        ]
        triggers = [AppendOnly(name="audit_event_append_only", what="the audit log")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field named on either side, in a stable order."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [(key, self.before.get(key, ""), self.after.get(key, "")) for key in keys]
