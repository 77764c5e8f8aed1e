"""What bookings adds to pages owned by lower apps (core.sections)."""

from django.utils import timezone

from core.sections import shortlist
from councils.models import Role

from . import selectors
from .models import BookingStatus
from .selectors import feedback_for_profile


def profile_feedback(request, *, profile) -> dict:
    """A specialist's profile page shows the feedback left on their bookings."""
    return {"feedback": feedback_for_profile(profile_id=profile.pk)}


def home_tasks(request) -> dict:
    """The home page's booking tasks: for a specialist, requests to answer, weeks to record hours for and
    the next booked weeks; for a booking officer, their council's requests awaiting an answer, hours to
    confirm (with the deadline), disputes open, the weeks booked this week and next, feedback to leave."""
    user = request.user
    if not user.is_authenticated or not user.council_id or not user.is_active_member:
        return {}
    today = timezone.localdate()
    tasks: dict = {}
    if user.has_role(Role.SPECIALIST):
        tasks["specialist_tasks"] = {
            "to_answer": shortlist(selectors.booking_requests_waiting(user=user)),
            "to_record": shortlist(selectors.timesheets_due(user=user, today=today)),
            "next_weeks": list(selectors.weeks_booked(specialist=user, today=today)[:3]),
        }
    if user.has_role(Role.BOOKING_OFFICER):
        council_id = user.council_id
        tasks["officer_tasks"] = {
            "awaiting_answer": shortlist(
                selectors.bookings_made_by_council(council_id=council_id)
                .filter(status=BookingStatus.REQUESTED)
                .order_by("answer_by")
            ),
            "to_confirm": shortlist(selectors.timesheets_to_confirm(council_id=council_id).order_by("confirm_by")),
            "disputes": shortlist(
                selectors.timesheets_disputed(council_id=council_id).filter(
                    week__booking__customer_council_id=council_id
                )
            ),
            "this_and_next_week": shortlist(
                selectors.weeks_booked(customer_council_id=council_id, today=today, weeks=2)
            ),
            "feedback_due": shortlist(selectors.bookings_awaiting_feedback(council_id=council_id)),
        }
    return tasks
