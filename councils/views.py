"""Thin views: parse the request with a form, call one service or selector, render or redirect."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from core.forms import ConfirmForm
from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from core.views import ServiceActionView, ServiceFormView

from . import forms, invitations, members, onboarding, selectors, services
from .http import MemberRequest
from .models import Council, Invitation, MembershipStatus, Role, User


def council_home_section(request) -> dict:
    """The home page's council part: which council, whether it can book yet, the admin's links."""
    user = request.user
    if not user.council_id:
        return {}
    context = {
        "council": user.council,
        "pending": user.membership_status == MembershipStatus.PENDING,
        "is_council_admin": user.has_role(Role.COUNCIL_ADMIN),
        "can_transact": selectors.council_can_transact(council=user.council),
    }
    if context["is_council_admin"] and user.is_active_member:
        context["admin_tasks"] = selectors.council_admin_tasks(council=user.council)
    return context


# --- platform administrators --------------------------------------------------------------------


class PlatformDashboardView(PlatformAdminRequiredMixin, TemplateView):
    request: MemberRequest
    template_name = "platform/dashboard.html"

    def get_context_data(self, **kwargs):
        form = forms.CouncilSearchForm(self.request.GET or None)
        form.is_valid()  # a filter with an error is shown with its message and left out
        filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
        councils = onboarding.onboarding_councils(
            status=filters.get("status", ""), nation=filters.get("nation", ""), q=filters.get("q", "").strip()
        )
        page = Paginator(councils, 50).get_page(self.request.GET.get("page"))
        now = timezone.now()
        for council in page:
            setattr(council, "days_in_state", onboarding.days_in_state(council, now=now))  # noqa: B010
            setattr(council, "steps_left", onboarding.steps_left(council))  # noqa: B010
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form, page=page, counts=selectors.council_counts(), query=query.urlencode(), **kwargs
        )


class PlatformCouncilMixin(PlatformAdminRequiredMixin):
    request: MemberRequest

    @cached_property
    def council(self) -> Council:
        return get_object_or_404(Council, code=self.kwargs["code"])

    def get_success_url(self):
        return reverse("platform:council_detail", kwargs={"code": self.council.code})

    def get_context_data(self, **kwargs):
        return super().get_context_data(council=self.council, **kwargs)


class CouncilDetailView(PlatformCouncilMixin, TemplateView):
    request: MemberRequest
    template_name = "platform/council_detail.html"

    def get_context_data(self, **kwargs):
        council = self.council
        return super().get_context_data(
            invitations=selectors.council_invitations(council=council),
            admins=selectors.council_admins(council=council),
            history=council.status_changes.select_related("changed_by")[:20],
            acceptance=selectors.council_acceptance_latest(council=council),
            has_current_agreement=selectors.council_has_accepted_current_agreement(council=council),
            domains=council.domains.all(),
            **kwargs,
        )


class CouncilInviteView(PlatformCouncilMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.InviteAdminForm
    template_name = "platform/council_invite.html"
    success_message = "Invitation sent to {result.email}"

    def perform(self, form):
        invitation, _token = invitations.invitation_create(
            council=self.council,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            roles=[Role.COUNCIL_ADMIN],
            invited_by=self.request.user,
        )
        return invitation


class CouncilSuspendView(PlatformCouncilMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.SuspendForm
    template_name = "platform/council_suspend.html"
    success_message = "{result.short_name} is suspended"

    def perform(self, form):
        return services.council_suspend(council=self.council, by=self.request.user, reason=form.cleaned_data["reason"])


class CouncilReinstateView(PlatformCouncilMixin, ServiceFormView):
    request: MemberRequest
    form_class = ConfirmForm
    template_name = "platform/council_reinstate.html"
    success_message = "{result.short_name} is reinstated"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Reinstate council"}

    def perform(self, form):
        return services.council_reinstate(council=self.council, by=self.request.user)


# --- invitations (platform administrators and council administrators) --------------------------


class InvitationActionMixin:
    """Platform staff act on any invitation; a council administrator only on their council's."""

    request: MemberRequest
    kwargs: dict[str, Any]
    council_scope = False

    @cached_property
    def invitation(self) -> Invitation:
        invitations = Invitation.objects.select_related("council")
        if self.council_scope:
            invitations = invitations.filter(council=self.request.user.council)
        return get_object_or_404(invitations, pk=self.kwargs["pk"])

    def get_success_url(self):
        if self.council_scope:
            return reverse("council:people")
        return reverse("platform:council_detail", kwargs={"code": self.invitation.council.code})


class _InvitationResend(InvitationActionMixin, ServiceActionView):
    request: MemberRequest

    def perform(self):
        return invitations.invitation_resend(invitation=self.invitation, by=self.request.user)

    def get_success_message(self, result) -> str:
        return f"Invitation sent again to {self.invitation.email}"


class _InvitationCancel(InvitationActionMixin, ServiceFormView):
    request: MemberRequest
    form_class = ConfirmForm
    template_name = "invitation_cancel.html"
    success_message = "Invitation to {result.email} cancelled"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit_label": "Cancel invitation",
            "submit_class": "govuk-button--warning",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, back_url=self.get_success_url(), **kwargs)

    def perform(self, form):
        return invitations.invitation_cancel(invitation=self.invitation, by=self.request.user)


class PlatformInvitationResendView(PlatformAdminRequiredMixin, _InvitationResend):
    request: MemberRequest


class PlatformInvitationCancelView(PlatformAdminRequiredMixin, _InvitationCancel):
    request: MemberRequest


class CouncilInvitationResendView(CouncilRoleRequiredMixin, _InvitationResend):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    council_scope = True


class CouncilInvitationCancelView(CouncilRoleRequiredMixin, _InvitationCancel):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    council_scope = True


class InvitationAcceptView(ServiceFormView):
    form_class = forms.AcceptInvitationForm
    template_name = "invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return render(
                request,
                "invitation_problem.html",
                {"problem": "You are signed in. Sign out first, then open the invitation link again."},
                status=409,
            )
        try:
            self.invitation = invitations.invitation_check(token=kwargs["token"])
        except services.CouncilError as exc:
            return render(request, "invitation_problem.html", {"problem": str(exc)}, status=410)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitation": self.invitation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def perform(self, form):
        user = invitations.invitation_accept(
            token=self.kwargs["token"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.user = user
        return user

    def get_success_url(self):
        if self.user.has_role(Role.COUNCIL_ADMIN):
            return reverse("council:setup")
        return reverse("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "user", None):
            messages.success(self.request, f"Welcome, {self.user.get_short_name()}. Your account is ready.")
        return response


# --- council administrators ---------------------------------------------------------------------


class CouncilAdminMixin(CouncilRoleRequiredMixin):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)

    def get_context_data(self, **kwargs):
        return super().get_context_data(council=self.council, **kwargs)


class CouncilSetupView(CouncilAdminMixin, TemplateView):
    request: MemberRequest
    template_name = "council/setup.html"

    def get_context_data(self, **kwargs):
        council = self.council
        return super().get_context_data(
            agreement=selectors.agreement_current(),
            acceptance=selectors.council_acceptance_latest(council=council),
            has_current_agreement=selectors.council_has_accepted_current_agreement(council=council),
            pending_count=council.users.filter(membership_status=MembershipStatus.PENDING).count(),
            member_count=council.users.filter(membership_status=MembershipStatus.ACTIVE).count(),
            **kwargs,
        )


class AgreementView(CouncilAdminMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.AgreementForm
    template_name = "council/agreement.html"
    success_message = "You accepted version {result.agreement.version} of the agreement for your council"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = selectors.agreement_current()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.agreement.version if self.agreement else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement,
            has_current_agreement=selectors.council_has_accepted_current_agreement(council=self.council),
            acceptances=self.council.agreement_acceptances.select_related("agreement", "accepted_by"),
            **kwargs,
        )

    def perform(self, form):
        if self.agreement is None or form.cleaned_data["version"] != self.agreement.version:
            raise services.CouncilError(
                "A newer version of the agreement has been published. Read it before you accept."
            )
        return services.agreement_accept(council=self.council, agreement=self.agreement, by=self.request.user)

    def get_success_url(self):
        return reverse("council:setup")


class FinanceDetailsView(CouncilAdminMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.FinanceDetailsForm
    template_name = "council/finance.html"
    success_message = "Finance details saved"

    def get_initial(self):
        council = self.council
        if not council.finance_details_complete:
            return {}
        return {
            "invoice_address": council.invoice_address,
            "finance_email": council.finance_email,
            "payment_terms_days": council.payment_terms_days,
            "po_required": "yes" if council.po_required else "no",
            "vat_status": council.vat_status,
            "vat_number": council.vat_number,
            "bank_account_name": council.bank_account_name,
            "bank_sort_code": council.sort_code_display,
            "bank_account_number": council.bank_account_number,
            "domains": "\n".join(council.domains.values_list("domain", flat=True)),
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.council_finance_update(
            council=self.council,
            by=self.request.user,
            invoice_address=data["invoice_address"],
            finance_email=data["finance_email"],
            payment_terms_days=data["payment_terms_days"],
            po_required=data["po_required"],
            vat_status=data["vat_status"],
            vat_number=data["vat_number"] or "",
            domains=form.cleaned_domains(),
            bank=form.bank_details(),
        )

    def get_success_url(self):
        return reverse("council:setup")


class PeopleView(CouncilAdminMixin, TemplateView):
    request: MemberRequest
    template_name = "council/people.html"

    def get_context_data(self, **kwargs):
        members = list(selectors.council_members(council=self.council))
        return super().get_context_data(
            active=[m for m in members if m.membership_status == MembershipStatus.ACTIVE],
            pending=[m for m in members if m.membership_status == MembershipStatus.PENDING],
            removed=[m for m in members if m.membership_status == MembershipStatus.REMOVED],
            invitations=selectors.council_invitations_open(council=self.council),
            **kwargs,
        )


class ColleagueInviteView(CouncilAdminMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.InviteColleagueForm
    template_name = "council/invite.html"
    success_message = "Invitation sent to {result.email}"

    def perform(self, form):
        invitation, _token = invitations.invitation_create(
            council=self.council,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            roles=form.cleaned_data["roles"],
            invited_by=self.request.user,
        )
        return invitation

    def get_success_url(self):
        return reverse("council:people")


class MemberMixin(CouncilAdminMixin):
    request: MemberRequest
    member_status: MembershipStatus | None = None

    @cached_property
    def member(self) -> User:
        members = User.objects.filter(council=self.request.user.council)
        if self.member_status:
            members = members.filter(membership_status=self.member_status)
        return get_object_or_404(members, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def get_success_url(self):
        return reverse("council:people")


class MemberRolesView(MemberMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.RolesForm
    template_name = "council/member_roles.html"
    success_message = "Roles saved for {result}"

    def get_initial(self):
        return {"roles": self.member.roles}

    def perform(self, form):
        return members.member_roles_change(member=self.member, roles=form.cleaned_data["roles"], by=self.request.user)


class MemberRemoveView(MemberMixin, ServiceFormView):
    request: MemberRequest
    form_class = ConfirmForm
    template_name = "council/member_remove.html"
    success_message = "{result} has been removed from your council"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit_label": "Remove",
            "submit_class": "govuk-button--warning",
        }

    def perform(self, form):
        return members.member_remove(member=self.member, by=self.request.user)


class SignupReviewView(MemberMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.ApproveSignupForm
    template_name = "council/signup_review.html"
    success_message = "{result} is approved and can now use the service"

    member_status = MembershipStatus.PENDING

    def perform(self, form):
        return members.member_signup_approve(member=self.member, roles=form.cleaned_data["roles"], by=self.request.user)


class SignupRejectView(MemberMixin, ServiceActionView):
    request: MemberRequest
    member_status = MembershipStatus.PENDING
    success_message = "{result} was not approved and cannot use the service"

    def perform(self):
        return members.member_signup_reject(member=self.member, by=self.request.user)
