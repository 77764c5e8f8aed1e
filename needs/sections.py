"""What needs add to the home page (core.sections): for a specialist, the needs they were told about and
have not answered; for a booking officer, the answers waiting on their council's needs."""

from core.sections import shortlist
from councils.models import Role

from . import selectors


def home_tasks(request) -> dict:
    user = request.user
    if not user.is_authenticated or not user.council_id or not user.is_active_member:
        return {}
    tasks: dict = {}
    if user.has_role(Role.SPECIALIST):
        tasks["needs_to_answer"] = shortlist(selectors.needs_to_answer(user=user))
    if user.has_role(Role.BOOKING_OFFICER):
        tasks["needs_answered"] = shortlist(selectors.answers_to_read(council_id=user.council_id))
    return tasks
