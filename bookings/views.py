"""Bookings arrive with their own issue; for now the page a booking officer reaches from a profile."""

from datetime import date

from django.http import Http404
from django.views.generic import TemplateView

from councils.models import Role
from councils.permissions import CouncilRoleRequiredMixin
from talentpool.models import SlotStatus
from talentpool.selectors import profile_detail, profile_is_listed


class RequestWeekView(CouncilRoleRequiredMixin, TemplateView):
    required_roles = (Role.BOOKING_OFFICER,)
    template_name = "bookings/request_week.html"

    def get_context_data(self, **kwargs):
        profile = profile_detail(pk=self.kwargs["profile_pk"])
        try:
            week = date.fromisoformat(self.kwargs["week"])
        except ValueError as exc:
            raise Http404 from exc
        if (
            profile is None
            or profile.council_id == self.request.user.council_id
            or not profile_is_listed(profile=profile)
        ):
            raise Http404
        slot = profile.slots.filter(week_start=week, status=SlotStatus.OPEN).first()
        if slot is None:
            raise Http404
        kwargs.update(profile=profile, week=week, slot=slot)
        return super().get_context_data(**kwargs)
