"""Showing audit events to people: readable actions, field names and values."""

from django import template

register = template.Library()

ACTIONS = {
    "profile.submitted": "Profile sent for approval",
    "profile.approved": "Permission given",
    "profile.returned": "Profile returned for changes",
    "profile.withdrawn": "Permission withdrawn",
    "profile.expired": "Permission ended",
    "profile.rate_set": "Hourly rate set",
    "booking.requested": "Booking requested",
    "booking.accepted": "Booking accepted",
    "booking.declined": "Booking declined",
    "booking.expired": "Booking request expired",
    "booking.cancelled": "Booking cancelled",
    "booking.weeks_cancelled": "Weeks cancelled",
    "timesheet.submitted": "Hours recorded",
    "timesheet.confirmed": "Hours confirmed",
    "timesheet.disputed": "Hours disputed",
    "timesheet.resolved": "Disputed hours agreed",
    "invoice.issued": "Invoice issued",
    "invoice.payment_recorded": "Payment recorded",
    "invoice.credit_note_issued": "Credit note issued",
    "invoice.answered": "Invoice confirmed or disputed",
    "member.joined": "Joined from an invitation",
    "member.roles_changed": "Roles changed",
    "member.removed": "Removed from the council",
    "member.signup_approved": "Sign-up approved",
    "member.signup_rejected": "Sign-up rejected",
    "member.erased": "Personal details erased",
    "member.signed_up": "Asked to join (sign-up)",
    "project.verified": "Past project verified",
    "invitation.sent": "Invitation sent",
    "invitation.cancelled": "Invitation cancelled",
    "council.finance_details_changed": "Finance details changed",
    "council.agreement_accepted": "Platform agreement accepted",
    "council.bank_vat_changed": "Bank and VAT details changed",
    "settlement.requested": "Settlement run requested",
}


@register.filter
def action_label(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    if action.startswith("council."):
        return f"Council status: {action.split('.', 1)[1].replace('_', ' ')}"
    return action.replace(".", ": ").replace("_", " ").capitalize()


@register.filter
def field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


@register.filter
def shown(value) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value).replace("_", " ") if isinstance(value, str) and " " not in value else str(value)
