"""What the pool adds to pages owned by lower apps (core.sections): the home page's pool tasks."""

from datetime import timedelta

from django.utils import timezone

from core.sections import shortlist
from councils.models import Role

from .models import PastProject, ProfileStatus, SpecialistProfile

ENDING_SOON_DAYS = 14  # an approval ending within this many days is on the approver's home page


def home_tasks(request) -> dict:
    """For a specialist, their profile's state (draft, waiting, returned with the reason, approved until);
    for an approver, the profiles waiting, approvals ending within 14 days and past projects to verify."""
    user = request.user
    if not user.is_authenticated or not user.council_id or not user.is_active_member:
        return {}
    tasks: dict = {}
    if user.has_role(Role.SPECIALIST):
        tasks["my_profile"] = SpecialistProfile.objects.filter(user=user).first()
        tasks["has_specialist_role"] = True
    if user.has_role(Role.APPROVER):
        today = timezone.localdate()
        council_profiles = SpecialistProfile.objects.filter(council_id=user.council_id).select_related("user")
        tasks["approver_tasks"] = {
            "waiting": shortlist(council_profiles.filter(status=ProfileStatus.SUBMITTED).order_by("updated_at")),
            "ending": shortlist(
                council_profiles.filter(
                    status=ProfileStatus.APPROVED,
                    approval_ends_on__gte=today,
                    approval_ends_on__lte=today + timedelta(days=ENDING_SOON_DAYS),
                ).order_by("approval_ends_on")
            ),
            "to_verify": shortlist(
                PastProject.objects.filter(
                    profile__council_id=user.council_id,
                    profile__status__in=[ProfileStatus.SUBMITTED, ProfileStatus.APPROVED],
                    verified_at__isnull=True,
                )
                .select_related("profile__user")
                .order_by("profile__user__full_name", "title")
            ),
        }
    return tasks
