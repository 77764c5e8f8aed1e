"""What bookings adds to pages owned by lower apps (core.sections)."""

from .selectors import feedback_for_profile


def profile_feedback(request, *, profile) -> dict:
    """A specialist's profile page shows the feedback left on their bookings."""
    return {"feedback": feedback_for_profile(profile_id=profile.pk)}
