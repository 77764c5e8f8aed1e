"""Side jobs on signals from lower apps: telling booking officers (never the rules themselves)."""

from django.dispatch import receiver

from councils.models import User
from notifications.services import email_people
from talentpool.signals import profile_withdrawn

from .models import BookingWeek, WeekStatus


@receiver(profile_withdrawn, dispatch_uid="bookings.profile_withdrawn_tell_officers")
def profile_withdrawn_tell_officers(sender, *, profile, committed_slots, email_context, **kwargs) -> None:
    """The officers whose live bookings hold or book the withdrawn specialist's weeks hear of it."""
    weeks = BookingWeek.objects.filter(slot__in=committed_slots, status__in=[WeekStatus.HELD, WeekStatus.BOOKED])
    email_people(
        User.objects.filter(pk__in=weeks.values("booking__officer")).exclude(council=profile.council),
        kind="profile_withdrawn",
        subject=f"Permission withdrawn: {profile.user.full_name} is no longer listed in the talent pool",
        template="emails/profile_withdrawn",
        context=email_context,
    )
