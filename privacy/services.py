"""Personal data: what the service holds about a person (to download), and erasing a person who has left.

Erasure keeps financial records whole: invoices and their lines (which name the specialist, as payroll
needs), timesheets, bookings and the audit log stay. The person's account, profile text, past projects,
skills, working hours, open weeks, invitations, feedback comments, answers to needs, approvers' notes about them, and
the e-mails sent to them are erased or anonymised. It waits until their hours have all been invoiced."""

import json
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import Booking, Timesheet
from core.errors import DomainError
from councils import members
from councils.models import User
from needs import services as need_services
from needs.models import Need, NeedAnswer
from notifications.models import OutboundEmail
from talentpool import approval
from talentpool.models import SpecialistProfile


class PrivacyError(DomainError):
    """An erasure refused; the message is shown to the administrator."""


def personal_data(*, user: User) -> dict:
    """Everything held about `user`, as plain data (for a JSON download)."""
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "council": user.council.name if user.council else None,
            "roles": list(user.roles),
            "membership_status": user.membership_status,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        "council_sign_in_links": list(
            SocialAccount.objects.filter(user=user).values("provider", "uid", "date_joined", "last_login", "extra_data")
        ),
    }
    profile = SpecialistProfile.objects.filter(user=user).prefetch_related("skills", "service_areas").first()
    if profile is not None:
        data["specialist_profile"] = {
            "headline": profile.headline,
            "summary": profile.summary,
            "skills": [s.name for s in profile.skills.all()],
            "service_areas": [a.description for a in profile.service_areas.all()],
            "contracted_hours": profile.contracted_hours,
            "working_time_opt_out": profile.working_time_opt_out,
            "status": profile.status,
            "weekly_cap": profile.weekly_cap,
            "approval_ends_on": profile.approval_ends_on,
            "hourly_rate": profile.hourly_rate.amount if profile.hourly_rate else None,
            "past_projects": list(profile.past_projects.values("title", "problem", "what_i_did", "outcome", "link")),
            "weeks_offered": list(profile.slots.order_by("week_start").values("week_start", "hours", "status")),
        }
        data["bookings_of_you"] = list(
            Booking.objects.filter(profile=profile)
            .order_by("pk")
            .values("pk", "customer_council__name", "brief", "status", "requested_at", "hourly_rate")
        )
        data["your_answers_to_needs"] = list(
            NeedAnswer.objects.filter(profile=profile)
            .order_by("at")
            .values("need__title", "need__council__name", "note", "weeks", "outcome", "at")
        )
        data["your_timesheets"] = list(
            Timesheet.objects.filter(week__booking__profile=profile)
            .order_by("week__week_start")
            .values("week__week_start", "booked_hours", "hours_worked", "agreed_hours", "status", "note")
        )
    data["bookings_you_made"] = list(
        Booking.objects.filter(officer=user)
        .order_by("pk")
        .values("pk", "profile__council__name", "brief", "status", "requested_at")
    )
    data["needs_you_posted"] = list(
        Need.objects.filter(officer=user).order_by("pk").values("pk", "title", "problem", "help_wanted", "status")
    )
    data["emails_sent_to_you"] = list(
        OutboundEmail.objects.filter(to__iexact=user.email).order_by("pk").values("subject", "created_at")
    )
    data["changes_you_made"] = list(
        AuditEvent.objects.filter(actor=user).order_by("at").values("at", "action", "object_label")
    )
    return data


def personal_data_json(*, user: User) -> str:
    return json.dumps(personal_data(user=user), indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)


@transaction.atomic
def member_erase(*, member: User, by: User) -> User:
    """A council administrator erases a person who has left (and has been removed): their personal details
    anonymised through each app's own service. Refused while they have weeks booked or held still to come,
    or hours not yet invoiced."""
    member = members.member_erase_check(member=member, by=by)
    profile = SpecialistProfile.objects.select_for_update().filter(user=member).first()
    if profile is not None:
        if booking_selectors.profile_has_weeks_to_come(profile=profile):
            raise PrivacyError(
                f"{member} still has weeks booked or held. Cancel or decline them before erasing their details."
            )
        if booking_selectors.profile_has_hours_not_invoiced(profile=profile):
            raise PrivacyError(
                f"{member} has hours not yet invoiced. Erase their details after the monthly settlement has "
                "invoiced them, so the invoice names who did the work."
            )
        booking_services.feedback_comments_erase(profile=profile)
        need_services.need_answer_notes_erase(profile=profile)
        approval.profile_erase(profile=profile, by=by)
    return members.member_anonymise(member=member, by=by)
