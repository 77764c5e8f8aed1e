"""Thin views over the pool's services and selectors."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from core.permissions import CouncilRoleRequiredMixin
from core.sections import sections_context
from core.views import ServiceActionView, ServiceFormView
from councils.http import MemberRequest
from councils.models import Role
from councils.selectors import council_can_transact

from . import approval, forms, selectors, services, vocabulary, weekly_hours
from .models import PastProject, ProfileStatus, SlotStatus, SpecialistProfile
from .reference import lgdss_points
from .weeks import first_future_monday


class PoolFormView(ServiceFormView):
    """A pool form page: a PoolError from the service is shown in the error summary."""


# --- the specialist's own profile ---------------------------------------------------------------


class SpecialistMixin(CouncilRoleRequiredMixin):
    request: MemberRequest
    required_roles = (Role.SPECIALIST,)
    profile_first = ""  # pages that need a profile: what to tell someone who has none yet

    @cached_property
    def profile(self) -> SpecialistProfile | None:
        return selectors.profile_detail_of_user(user=self.request.user)

    @property
    def existing_profile(self) -> SpecialistProfile:
        """The profile, on a page that needs one: dispatch sent anyone without one to write it first."""
        assert self.profile is not None, "a page with profile_first (or MyProfileView, which redirects)"
        return self.profile

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if self.profile_first and user.is_authenticated and user.has_role(Role.SPECIALIST) and self.profile is None:
            messages.info(request, self.profile_first)
            return redirect("talentpool:profile_edit")
        return super().dispatch(request, *args, **kwargs)


class MyProfileView(SpecialistMixin, TemplateView):
    request: MemberRequest
    template_name = "talentpool/my_profile.html"

    def get(self, request, *args, **kwargs):
        if self.profile is None:
            return redirect("talentpool:profile_edit")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            profile=self.profile,
            lgdss=lgdss_points(),
            can_submit=self.existing_profile.can_submit,
            **kwargs,
        )


class ProfileEditView(SpecialistMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.ProfileForm
    template_name = "talentpool/profile_edit.html"
    success_message = "Profile saved"

    def get_initial(self):
        p = self.profile
        if p is None:
            return {"contracted_hours": "37"}
        controlled = [s for s in p.skills.all() if s.controlled]
        own = [s.name for s in p.skills.all() if not s.controlled]
        return {
            "headline": p.headline,
            "summary": p.summary,
            "skills": controlled,
            "own_tags": ", ".join(own),
            "service_areas": list(p.service_areas.all()),
            "lgdss_points": p.lgdss_points,
            "contracted_hours": p.contracted_hours,
            "working_time_opt_out": p.working_time_opt_out,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.profile_save(
            user=self.request.user,
            headline=data["headline"],
            summary=data["summary"],
            skills=list(data["skills"]),
            own_tags=data["own_tags"],
            service_areas=list(data["service_areas"]),
            lgdss_points=data["lgdss_points"],
            contracted_hours=data["contracted_hours"],
            working_time_opt_out=data["working_time_opt_out"],
        )

    def get_success_url(self):
        return reverse("talentpool:my_profile")


class PastProjectView(SpecialistMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.PastProjectForm
    template_name = "talentpool/past_project.html"
    success_message = "Past project saved"
    profile_first = "Write your profile first, then add past projects"

    @cached_property
    def project(self) -> PastProject | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(PastProject, pk=self.kwargs["pk"], profile__user=self.request.user)

    def get_initial(self):
        if self.project is None:
            return {}
        p = self.project
        return {
            "title": p.title,
            "problem": p.problem,
            "what_i_did": p.what_i_did,
            "outcome": p.outcome,
            "service_area": p.service_area,
            "year": p.year,
            "link": p.link,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)

    def perform(self, form):
        return services.past_project_save(
            profile=self.existing_profile, by=self.request.user, project=self.project, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("talentpool:my_profile")


class PastProjectDeleteView(SpecialistMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.GovForm
    profile_first = "Write your profile first"
    template_name = "talentpool/past_project_delete.html"
    success_message = "Past project removed"

    @cached_property
    def project(self) -> PastProject:
        return get_object_or_404(PastProject, pk=self.kwargs["pk"], profile__user=self.request.user)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit_label": "Remove past project",
            "submit_class": "govuk-button--warning",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)

    def perform(self, form):
        return services.past_project_delete(project=self.project, by=self.request.user)

    def get_success_url(self):
        return reverse("talentpool:my_profile")


class ProfileSubmitView(SpecialistMixin, ServiceActionView):
    request: MemberRequest
    profile_first = "Write your profile first, then send it for approval"
    success_message = "Sent to your council’s approvers. We will e-mail you when they decide."
    success_url = reverse_lazy("talentpool:my_profile")

    def perform(self):
        return approval.profile_submit(profile=self.existing_profile, by=self.request.user)


# --- weekly hours -------------------------------------------------------------------------------


class HoursView(SpecialistMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.PatternForm
    template_name = "talentpool/hours.html"
    success_message = "Weekly hours saved"
    profile_first = "Write your profile first, then set your hours"

    def get_initial(self):
        pattern = getattr(self.profile, "pattern", None)
        if pattern is None:
            return {"starts_on": first_future_monday(timezone.localdate())}
        return {
            "hours": pattern.hours,
            "starts_on": pattern.starts_on,
            "ends_on": pattern.ends_on,
            "skip_weeks": [d.isoformat() for d in pattern.skip_weeks],
        }

    def get_context_data(self, **kwargs):
        grid = selectors.week_grid(profile=self.existing_profile)
        return super().get_context_data(profile=self.profile, grid=grid, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return weekly_hours.pattern_set(
            profile=self.existing_profile,
            by=self.request.user,
            hours=data["hours"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            skip_weeks=data["skip_weeks"],
        )

    def get_success_url(self):
        return reverse("talentpool:hours")


class WeekView(SpecialistMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.WeekForm
    template_name = "talentpool/week.html"
    profile_first = "Write your profile first, then set your hours"
    success_message = "Hours saved for the week of {form.week:%-d %B %Y}"

    @cached_property
    def week(self) -> date:
        try:
            return date.fromisoformat(self.kwargs["week"])
        except ValueError as exc:
            raise Http404 from exc

    @cached_property
    def slot(self):
        return self.existing_profile.slots.filter(week_start=self.week).first()

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.week = self.week
        return form

    def get_form_kwargs(self):
        # Its own address, also when the page is shown at the withdraw address (whose POST withdraws).
        return {**super().get_form_kwargs(), "action": reverse("talentpool:week", args=[self.week.isoformat()])}

    def get_initial(self):
        return {"hours": self.slot.hours} if self.slot else {}

    def get_context_data(self, **kwargs):
        locked = self.slot is not None and self.slot.status in (SlotStatus.HELD, SlotStatus.BOOKED)
        return super().get_context_data(week=self.week, slot=self.slot, locked=locked, profile=self.profile, **kwargs)

    def perform(self, form):
        return weekly_hours.slot_hours_set(
            profile=self.existing_profile, by=self.request.user, week_start=self.week, hours=form.cleaned_data["hours"]
        )

    def get_success_url(self):
        return reverse("talentpool:hours")


class WeekWithdrawView(WeekView):
    request: MemberRequest

    def post(self, request, *args, **kwargs):
        try:
            weekly_hours.slot_withdraw(profile=self.existing_profile, by=request.user, week_start=self.week)
        except services.PoolError as exc:
            messages.error(request, str(exc))
            return redirect("talentpool:week", week=self.week.isoformat())
        messages.success(request, f"You are no longer offering hours in the week of {self.week:%-d %B %Y}")
        return redirect("talentpool:hours")


# --- approvers ----------------------------------------------------------------------------------


class ApproverMixin(CouncilRoleRequiredMixin):
    request: MemberRequest
    required_roles = (Role.APPROVER,)

    @cached_property
    def profile(self) -> SpecialistProfile:
        return get_object_or_404(
            SpecialistProfile.objects.select_related("user"),
            pk=self.kwargs["pk"],
            council=self.request.user.council,
        )

    def get_success_url(self):
        return reverse("talentpool:approval", kwargs={"pk": self.profile.pk})


class ApprovalsView(ApproverMixin, TemplateView):
    request: MemberRequest
    template_name = "talentpool/approvals.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(profiles=selectors.profiles_for_approver(approver=self.request.user), **kwargs)


class ApprovalView(ApproverMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.ApproveForm
    template_name = "talentpool/approval.html"
    success_message = "Approved: {result.user.full_name} is listed in the talent pool"

    def get_initial(self):
        p = self.profile
        if p.weekly_cap:
            return {"weekly_cap": p.weekly_cap, "ends_on": p.approval_ends_on}
        return {}

    def get_form_kwargs(self):
        # an approved profile's cap and end date are being changed, not approved afresh
        self.changing = self.profile.is_approved
        return {**super().get_form_kwargs(), **({"submit_label": "Save changes"} if self.changing else {})}

    def get_success_message(self, result, form) -> str:
        if self.changing:
            return f"Saved: {result.user.full_name} may offer up to {result.weekly_cap.normalize():f} hours a week"
        return super().get_success_message(result, form)

    def get_context_data(self, **kwargs):
        detail = selectors.profile_detail(pk=self.profile.pk)
        if detail is None:
            raise Http404
        return super().get_context_data(
            profile=detail,
            lgdss=lgdss_points(),
            return_form=forms.ReasonForm(
                action=reverse("talentpool:approval_return", kwargs={"pk": self.profile.pk}),
                label="What do they need to change?",
                submit_label="Return for changes",
                submit_class="govuk-button--secondary",
            ),
            withdraw_form=forms.ReasonForm(
                action=reverse("talentpool:approval_withdraw", kwargs={"pk": self.profile.pk}),
                label="Why are you withdrawing permission?",
                submit_label="Withdraw permission",
                submit_class="govuk-button--warning",
            ),
            history=detail.status_changes.select_related("changed_by")[:10],
            **kwargs,
        )

    def perform(self, form):
        return approval.profile_approve(
            profile=self.profile,
            by=self.request.user,
            weekly_cap=form.cleaned_data["weekly_cap"],
            ends_on=form.cleaned_data["ends_on"],
        )


class ReasonActionView(ApproverMixin, PoolFormView):
    """Return a profile for changes, or withdraw permission: both need a reason."""

    request: MemberRequest

    form_class = forms.ReasonForm
    template_name = "talentpool/reason.html"
    action = ""  # "return" | "withdraw"

    TEXT = {
        "return": (
            "Return for changes",
            "What do they need to change?",
            "Enter what the specialist needs to change",
            "Returned to {result.user.full_name} for changes",
            "govuk-button--secondary",
        ),
        "withdraw": (
            "Withdraw permission",
            "Why are you withdrawing permission?",
            "Enter the reason for withdrawing permission",
            "Permission withdrawn: {result.user.full_name} is no longer listed",
            "govuk-button--warning",
        ),
    }

    def get_form_kwargs(self):
        title, label, required, _success, css = self.TEXT[self.action]
        return {
            **super().get_form_kwargs(),
            "label": label,
            "required_message": required,
            "submit_label": title,
            "submit_class": css,
        }

    def get_success_message(self, result, form) -> str:
        return self.TEXT[self.action][3].format(result=result, form=form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, title=self.TEXT[self.action][0], **kwargs)

    def perform(self, form):
        act = approval.profile_return if self.action == "return" else approval.profile_withdraw
        return act(profile=self.profile, by=self.request.user, reason=form.cleaned_data["reason"])


class ProjectVerifyView(CouncilRoleRequiredMixin, ServiceActionView):
    request: MemberRequest
    required_roles = (Role.APPROVER, Role.COUNCIL_ADMIN)
    success_message = "“{result.title}” is marked verified by your council"

    @cached_property
    def project(self) -> PastProject:
        return get_object_or_404(PastProject, pk=self.kwargs["pk"], profile__council=self.council)

    def perform(self):
        return services.past_project_verify(project=self.project, by=self.request.user)

    def get_success_url(self) -> str:
        page = "talentpool:approval" if self.request.user.has_role(Role.APPROVER) else "talentpool:profile"
        return reverse(page, kwargs={"pk": self.project.profile_id})


# --- rates (finance officers and council administrators) ---------------------------------------


class RatesMixin(CouncilRoleRequiredMixin):
    request: MemberRequest
    required_roles = (Role.FINANCE_OFFICER, Role.COUNCIL_ADMIN)


class RatesView(RatesMixin, TemplateView):
    request: MemberRequest
    template_name = "talentpool/rates.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(profiles=selectors.profiles_of_council(council_id=self.council.pk), **kwargs)


class RateView(RatesMixin, PoolFormView):
    request: MemberRequest
    form_class = forms.RateForm
    template_name = "talentpool/rate.html"
    success_message = "Hourly rate saved for {result.user.full_name}"

    @cached_property
    def profile(self) -> SpecialistProfile:
        return get_object_or_404(
            SpecialistProfile.objects.select_related("user"),
            pk=self.kwargs["pk"],
            council=self.request.user.council,
        )

    def get_initial(self):
        return {"hourly_rate": self.profile.hourly_rate.amount} if self.profile.hourly_rate else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, **kwargs)

    def perform(self, form):
        return services.profile_rate_set(
            profile=self.profile, by=self.request.user, amount=form.cleaned_data["hourly_rate"]
        )

    def get_success_url(self):
        return reverse("talentpool:rates")


# --- search and profile pages (any approved member of a council) --------------------------------


class SearchView(CouncilRoleRequiredMixin, TemplateView):
    request: MemberRequest
    template_name = "talentpool/search.html"

    def get_context_data(self, **kwargs):
        form = forms.SearchForm(self.request.GET or None)
        params = form.params() if self.request.GET else forms.SearchForm({}).params()
        paginator = selectors.SearchPaginator(viewer=self.request.user, params=params)
        page = paginator.get_page(self.request.GET.get("page"))
        if self.request.GET and form.is_valid() and paginator.count == 0:
            filters = {k: v for k, v in form.cleaned_data.items() if k not in ("q", "sort")}
            services.search_without_results_record(words=params.q, filters=filters)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form,
            page=page,
            params=params,
            suggestion=self._suggestion(params.q, query),
            query=query.urlencode(),
            searched=bool(self.request.GET),
            **kwargs,
        )

    @staticmethod
    def _suggestion(words: str, query) -> dict | None:
        """ "Did you mean …": the same search with the corrected words."""
        fixed = vocabulary.search_corrected(words)
        if fixed is None:
            return None
        corrected = query.copy()
        corrected["q"] = fixed
        return {"words": fixed, "query": corrected.urlencode()}


class ProfileView(CouncilRoleRequiredMixin, TemplateView):
    """A specialist's page: listed profiles for everyone signed in; unlisted ones only for their council."""

    request: MemberRequest

    template_name = "talentpool/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        profile = selectors.profile_detail(pk=self.kwargs["pk"])
        if profile is None:
            raise Http404
        listed = selectors.profile_is_listed(profile=profile)
        same_council = profile.council_id == user.council_id
        if not listed and not same_council:
            raise Http404
        can_request = (
            listed
            and not same_council
            and user.has_role(Role.BOOKING_OFFICER)
            and council_can_transact(council=user.council)
        )
        return super().get_context_data(
            profile=profile,
            listed=listed,
            same_council=same_council,
            can_request=can_request,
            lgdss=lgdss_points(),
            grid=selectors.week_grid(profile=profile, weeks=12),
            can_verify=same_council
            and (user.has_role(Role.APPROVER) or user.has_role(Role.COUNCIL_ADMIN))
            and profile.user_id != user.pk,
            **sections_context("talentpool:profile", self.request, profile=profile),
            ProfileStatus=ProfileStatus,
            **kwargs,
        )
