"""The audit log pages: a council's administrators read their council's events; platform staff read all."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from audit.selectors import OBJECT_TYPES, audit_events
from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from councils.http import MemberRequest
from councils.models import Council, Role

from .selectors import audit_subjects

PAGE_SIZE = 50


class _AuditPage(TemplateView):
    template_name = "audit/events.html"

    def council_id(self) -> int | None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("type", "")
        kind = kind if kind in OBJECT_TYPES else ""
        events = audit_events(council_id=self.council_id(), object_type=kind)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        audit_subjects(page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page, kinds=OBJECT_TYPES.items(), kind=kind, query=query.urlencode(), **kwargs
        )


class CouncilAuditView(CouncilRoleRequiredMixin, _AuditPage):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)

    def council_id(self):
        return self.council.pk

    def get_context_data(self, **kwargs):
        return super().get_context_data(council=self.council, **kwargs)


class PlatformAuditView(PlatformAdminRequiredMixin, _AuditPage):
    request: MemberRequest

    def council_id(self):
        code = self.request.GET.get("council", "")
        self.council = get_object_or_404(Council, code=code) if code else None
        return self.council.pk if self.council else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["council"] = self.council
        context["platform"] = True
        return context
