"""Personal data: what the service holds about a person (to download), and erasing a person who has left.

Erasure keeps financial records whole: invoices and their lines (which name the specialist, as payroll
needs), timesheets, bookings and the audit log stay. The person's account, profile text, past projects,
skills, working hours, open weeks, invitations, feedback comments and approvers' notes about them, and
the e-mails sent to them are erased or anonymised. It waits until their hours have all been invoiced."""

import json

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from notifications.models import OutboundEmail

from .models import Council, Invitation, MembershipStatus, User
from .services import CouncilError, _locked, _member_locked, _refuse_unless_still_admin

ERASED_NAME = "Former member"


def personal_data(*, user: User) -> dict:
    """Everything held about `user`, as plain data (for a JSON download)."""
    from bookings.models import Booking, Timesheet
    from talentpool.models import SpecialistProfile

    data = {
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
    anonymised. Refused while they have weeks booked or held still to come, or hours not yet invoiced."""
    from bookings.models import BookingWeek, Feedback, Timesheet, WeekStatus
    from talentpool.models import ProfileStatus, SlotStatus, SpecialistProfile, calendar_token_new
    from talentpool.weeks import first_future_monday

    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
    if member.pk == by.pk:
        raise CouncilError("You cannot erase yourself. Ask another council administrator.")
    if member.is_erased:
        raise CouncilError("This person’s details have already been erased")
    if member.membership_status != MembershipStatus.REMOVED:
        raise CouncilError(f"Remove {member} from your council before erasing their details")
    profile = SpecialistProfile.objects.select_for_update().filter(user=member).first()
    today = timezone.localdate()
    if profile is not None:
        live = BookingWeek.objects.filter(
            booking__profile=profile,
            status__in=[WeekStatus.HELD, WeekStatus.BOOKED],
            week_start__gte=first_future_monday(today),
        )
        if live.exists():
            raise CouncilError(
                f"{member} still has weeks booked or held. Cancel or decline them before erasing their details."
            )
        unbilled = Timesheet.objects.filter(week__booking__profile=profile, invoiced_at__isnull=True)
        if unbilled.exists():
            raise CouncilError(
                f"{member} has hours not yet invoiced. Erase their details after the monthly settlement has "
                "invoiced them, so the invoice names who did the work."
            )
    old_email = member.email
    if not Council.objects.filter(finance_email__iexact=old_email).exists():  # never a council's own mail
        OutboundEmail.objects.filter(to__iexact=old_email).delete()
    EmailAddress.objects.filter(user=member).delete()
    Invitation.objects.filter(Q(accepted_user=member) | Q(email__iexact=old_email)).update(
        email=f"erased-{member.pk}@erased.invalid", full_name=""
    )
    member.full_name = ERASED_NAME
    member.email = f"erased-{member.pk}@erased.invalid"
    member.set_unusable_password()  # with is_active off, any session still open stops working
    member.is_active = False
    member.roles = []
    member.save()
    if profile is not None:
        profile.headline = "Erased"
        profile.summary = ""
        profile.returned_reason = ""
        profile.status = ProfileStatus.WITHDRAWN if profile.status != ProfileStatus.DRAFT else profile.status
        profile.calendar_token = calendar_token_new()
        profile.search_vector = None
        profile.contracted_hours = SpecialistProfile._meta.get_field("contracted_hours").get_default()
        profile.working_time_opt_out = False
        profile.save()
        profile.status_changes.update(note="")
        Feedback.objects.filter(booking__profile=profile).update(comment="")
        profile.skills.clear()
        profile.service_areas.clear()
        profile.past_projects.all().delete()
        profile.slots.filter(status=SlotStatus.OPEN).update(status=SlotStatus.WITHDRAWN)
        if hasattr(profile, "pattern"):
            profile.pattern.delete()
    audit_record(
        actor=by,
        action="member.erased",
        obj=member,
        councils=[council.pk],
        note="Personal details erased; financial records kept",
        label=f"Member {member.pk}",
    )
    return member
