"""A person downloads their data; a council administrator erases a removed member's details."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views import View

from core.forms import ConfirmForm
from core.views import ServiceFormView
from councils.http import MemberRequest
from councils.models import MembershipStatus
from councils.views import MemberMixin

from . import services


class MemberEraseView(MemberMixin, ServiceFormView):
    """Erase a removed member's personal details (they have left); financial records stay."""

    request: MemberRequest

    form_class = ConfirmForm
    template_name = "council/member_erase.html"
    success_message = "Their personal details have been erased"
    member_status = MembershipStatus.REMOVED

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit_label": "Erase personal details",
            "submit_class": "govuk-button--warning",
        }

    def perform(self, form):
        return services.member_erase(member=self.member, by=self.request.user)


class MyDataView(LoginRequiredMixin, View):
    """A person downloads the data the service holds about them."""

    request: MemberRequest

    def get(self, request):
        response = HttpResponse(services.personal_data_json(user=request.user), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="your-talent-pool-data.json"'
        return response
