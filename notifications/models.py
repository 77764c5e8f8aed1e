"""The e-mail outbox: every message is written here in the transaction that causes it, then sent."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmail(models.Model):
    kind = models.CharField(max_length=60)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"
