"""Writing the audit log. Call `audit_record` inside the transaction that makes the change, so the event
and the change commit or roll back together."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .models import AuditEvent


def _plain(value):
    """A JSON-safe form of a field value: money and decimals as strings, dates in ISO form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    amount = getattr(value, "amount", None)  # djmoney Money
    if amount is not None:
        return str(amount)
    return str(value)


def snapshot(obj: models.Model, *fields: str) -> dict:
    return {field: _plain(getattr(obj, field)) for field in fields}


def _event(*, actor, action, obj, councils, before, after, note, label) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:200],
        councils=sorted({c for c in councils if c}),
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        note=note or "",
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    councils: Iterable[int | None],
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    label: str = "",
) -> AuditEvent:
    event = _event(
        actor=actor, action=action, obj=obj, councils=councils, before=before, after=after, note=note, label=label
    )
    event.save()
    return event


def audit_record_many(events: Iterable[dict]) -> None:
    """Several events in one INSERT (settlement issues thousands of invoices)."""
    AuditEvent.objects.bulk_create([_event(**{"before": None, "note": "", "label": "", **e}) for e in events])
