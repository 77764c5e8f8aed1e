"""The needs pages: thin, each calling one service or selector."""

from datetime import timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from core.views import ServiceActionView, ServiceFormView
from councils.http import MemberRequest
from councils.models import Role
from talentpool.models import SpecialistProfile

from . import selectors, services
from .forms import AnswerForm, BookFromAnswerForm, EmailsForm, NeedForm, ReasonForm
from .models import Need, NeedAnswer, NeedAnswerOutcome

OFFICER = (Role.BOOKING_OFFICER,)
UNMET_DAYS = 30  # the platform's needs page counts unmet demand over this many days


class NeedListView(CouncilRoleRequiredMixin, TemplateView):
    """A booking officer's council's needs and those other councils share; a specialist's needs to answer
    and their answers."""

    request: MemberRequest
    required_roles = (Role.BOOKING_OFFICER, Role.SPECIALIST)
    template_name = "needs/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        if user.has_role(Role.BOOKING_OFFICER):
            context["own"] = selectors.needs_of_council(council_id=self.council.pk)
            context["shared"] = selectors.needs_shared_by_others(viewer=user)
        if user.has_role(Role.SPECIALIST):
            context["to_answer"] = selectors.needs_to_answer(user=user)
            context["answered"] = selectors.answers_of_specialist(user=user)
            context["emails_off"] = selectors.need_emails_off(user=user)
        return context


class _OwnNeed(CouncilRoleRequiredMixin):
    """A need of the officer's own council; any other gives 404."""

    required_roles = OFFICER

    @cached_property
    def need(self) -> Need:
        need = Need.objects.filter(pk=self.kwargs["pk"], council=self.council).first()
        if need is None:
            raise Http404
        return need

    def get_success_url(self) -> str:
        return reverse("needs:detail", args=[self.need.pk])


class NeedCreateView(CouncilRoleRequiredMixin, ServiceFormView):
    request: MemberRequest
    required_roles = OFFICER
    form_class = NeedForm
    title = "Post a need"
    template_name = "needs/need_form.html"
    success_message = "Saved as a draft. Check it, then publish it to tell the specialists who fit."

    def perform(self, form):
        return services.need_save(officer=self.request.user, details=form.details())

    def get_success_url(self) -> str:
        return reverse("needs:detail", args=[self.result.pk])


class NeedEditView(_OwnNeed, ServiceFormView):
    request: MemberRequest
    form_class = NeedForm
    title = "Change the need"
    template_name = "needs/need_form.html"
    success_message = "Need saved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Save changes"}

    def get_initial(self):
        need = self.need
        return {
            "title": need.title,
            "problem": need.problem,
            "help_wanted": need.help_wanted,
            "service_area": need.service_area.code if need.service_area else None,
            "skills": [str(pk) for pk in need.skills.values_list("pk", flat=True)],
            "weeks": [w.isoformat() for w in need.weeks],
            "hours": need.hours,
            "closes_on": need.closes_on,
            "shared": need.shared,
        }

    def perform(self, form):
        return services.need_save(officer=self.request.user, details=form.details(), need=self.need)


class NeedPublishView(_OwnNeed, ServiceActionView):
    request: MemberRequest

    def get_success_message(self, result) -> str:
        told = len(result)
        if told == 0:
            return (
                "Published. No listed specialist fits yet: officers can still find it if you share it, and "
                "you can change the words or weeks"
            )
        if told == 1:
            return "Published. 1 specialist who fits has been told"
        return f"Published. {told} specialists who fit have been told"

    def perform(self):
        return services.need_publish(need=self.need, by=self.request.user)


class NeedWithdrawView(_OwnNeed, ServiceFormView):
    request: MemberRequest
    form_class = ReasonForm
    template_name = "needs/withdraw.html"
    title = "Withdraw the need"
    success_message = "Need withdrawn; everyone who answered has been told"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Why are you withdrawing it?",
            "required_message": "Enter why you are withdrawing the need, so the people who answered know",
            "submit_label": "Withdraw the need",
            "submit_class": "govuk-button--warning",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            need=self.need, answered=self.need.answers.exists(), back_url=self.get_success_url(), **kwargs
        )

    def perform(self, form):
        return services.need_withdraw(need=self.need, by=self.request.user, reason=form.cleaned_data["reason"])


class NeedDetailView(LoginRequiredMixin, TemplateView):
    """A need: for its council, the answers side by side with each profile and the actions; for a
    specialist told about it, the answer form's link or their answer; for other officers, when shared; for
    platform staff, any published need. Anyone else finds no such page."""

    request: MemberRequest
    template_name = "needs/detail.html"

    @cached_property
    def need(self) -> Need:
        need = Need.objects.select_related("council", "officer", "service_area").filter(pk=self.kwargs["pk"]).first()
        if need is None or not selectors.need_visible(need=need, user=self.request.user):
            raise Http404
        return need

    def get_context_data(self, **kwargs):
        page = selectors.need_page(need=self.need, user=self.request.user)
        return super().get_context_data(need=self.need, **vars(page), **kwargs)


class NeedAnswerView(CouncilRoleRequiredMixin, ServiceFormView):
    request: MemberRequest
    required_roles = (Role.SPECIALIST,)
    form_class = AnswerForm
    title = "Answer the need"
    template_name = "needs/answer_form.html"
    success_message = "Answer sent. The officer has been told; you will hear the outcome by e-mail."

    @cached_property
    def need(self) -> Need:
        need = Need.objects.select_related("council").filter(pk=self.kwargs["pk"]).first()
        if need is None or not selectors.need_visible(need=need, user=self.request.user):
            raise Http404
        return need

    @cached_property
    def profile(self) -> SpecialistProfile | None:
        return SpecialistProfile.objects.filter(user=self.request.user).first()

    def get_form_kwargs(self):
        weeks = []
        if self.profile is not None:
            weeks = services.answer_weeks(need=self.need, profile=self.profile, today=timezone.localdate())
        return {**super().get_form_kwargs(), "weeks": weeks}

    def get_context_data(self, **kwargs):
        return super().get_context_data(need=self.need, back_url=reverse("needs:detail", args=[self.need.pk]), **kwargs)

    def perform(self, form):
        return services.need_answer(
            need=self.need, by=self.request.user, note=form.cleaned_data["note"], weeks=form.cleaned_data["weeks"]
        )

    def get_success_url(self) -> str:
        return reverse("needs:detail", args=[self.need.pk])


class AnswerBookView(CouncilRoleRequiredMixin, ServiceFormView):
    """Request a booking of the weeks an answer offers, through the normal booking service."""

    request: MemberRequest
    required_roles = OFFICER
    form_class = BookFromAnswerForm
    template_name = "needs/book_form.html"

    @cached_property
    def answer(self) -> NeedAnswer:
        answer = (
            NeedAnswer.objects.select_related("need", "profile__user", "profile__council")
            .filter(pk=self.kwargs["pk"], need__council=self.council)
            .first()
        )
        if answer is None:
            raise Http404
        return answer

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "po_required": self.council.po_required}

    def get_context_data(self, **kwargs):
        answer = self.answer
        return super().get_context_data(
            title=f"Request a booking of {answer.profile.user.full_name}",
            answer=answer,
            need=answer.need,
            waiting=answer.outcome == NeedAnswerOutcome.WAITING,
            back_url=reverse("needs:detail", args=[answer.need_id]),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.need_book(
            answer=self.answer,
            by=self.request.user,
            po_number=data["po_number"],
            cost_centre=data["cost_centre"],
            keep_open=data["keep_open"],
        )

    def get_success_message(self, result, form) -> str:
        who, until = result.profile.user.full_name, result.answer_by_day
        return f"Booking request sent to {who}, who has until {until:%-d %B} to answer"

    def get_success_url(self) -> str:
        return reverse("bookings:detail", args=[self.result.pk])


class NeedEmailsView(CouncilRoleRequiredMixin, ServiceFormView):
    request: MemberRequest
    required_roles = (Role.SPECIALIST,)
    form_class = EmailsForm
    title = "E-mails about needs"
    success_message = "Saved"

    def get_initial(self):
        return {"emails": "off" if selectors.need_emails_off(user=self.request.user) else "on"}

    def perform(self, form):
        services.need_emails_set(user=self.request.user, on=form.cleaned_data["emails"] == "on")

    def get_success_url(self) -> str:
        return reverse("needs:list")


class StaffNeedsView(PlatformAdminRequiredMixin, TemplateView):
    template_name = "needs/staff_list.html"

    def get_context_data(self, **kwargs):
        since = timezone.localdate() - timedelta(days=UNMET_DAYS)
        return super().get_context_data(
            needs=selectors.needs_for_staff()[:200],
            unmet_days=UNMET_DAYS,
            needs_unanswered=selectors.needs_unanswered(since=since).count(),
            searches_empty=selectors.searches_without_results(since=since).count(),
            **kwargs,
        )


class StaffHideView(PlatformAdminRequiredMixin, ServiceFormView):
    request: MemberRequest
    form_class = ReasonForm
    title = "Hide the need"
    success_message = "Need hidden from everyone but its own council"

    @cached_property
    def need(self) -> Need:
        need = Need.objects.filter(pk=self.kwargs["pk"]).first()
        if need is None:
            raise Http404
        return need

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Why is it hidden? Its council’s officers see this",
            "required_message": "Enter why the need is hidden",
            "submit_label": "Hide the need",
            "submit_class": "govuk-button--warning",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(need=self.need, back_url=reverse("needs:platform"), **kwargs)

    def perform(self, form):
        return services.need_hide(need=self.need, by=self.request.user, reason=form.cleaned_data["reason"])

    def get_success_url(self) -> str:
        return reverse("needs:platform")


class StaffShowView(PlatformAdminRequiredMixin, ServiceActionView):
    request: MemberRequest
    success_message = "Need shown again"

    def perform(self):
        need = Need.objects.filter(pk=self.kwargs["pk"]).first()
        if need is None:
            raise Http404
        return services.need_hide(need=need, by=self.request.user, reason="")

    def get_success_url(self) -> str:
        return reverse("needs:platform")
