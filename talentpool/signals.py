"""Signals for side jobs in higher apps (never for the pool's own rules)."""

from django.dispatch import Signal

# Sent after an approver withdraws permission, inside the transaction: profile, committed_slots (the weeks
# held or booked from this week on) and email_context (what the e-mail to the specialist said).
profile_withdrawn = Signal()
