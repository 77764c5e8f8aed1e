"""Thin views: the two-step sign-in (work e-mail first, then the council's own sign-in or the password), the
council's single sign-on settings, platform staff's check, and allauth's OpenID Connect login and callback
with the ID token's signature always checked (sso.provider)."""

from allauth.account.views import LoginView
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from core.forms import ConfirmForm
from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from core.views import ServiceFormView
from councils.http import MemberRequest
from councils.models import Role

from . import forms, selectors, services
from .adapters import refusal_page
from .models import SingleSignOn, SsoStatus
from .provider import CouncilOIDCAdapter


def allow_form_to(response, sso: SingleSignOn):
    """The page's form posts here, and the answer redirects to the provider: CSP's form-action must allow
    the provider's origin too (browsers apply it to the redirect)."""
    response._csp_update = {"form-action": [sso.provider_origin]}
    return response


class SignInView(LoginView):
    """Sign in, in two steps. The work e-mail address first: on the domain of a council whose single sign-on
    is on, "Continue with your council account" (and the password, unless the council allows single sign-on
    only); otherwise the password form. A POST with the e-mail address and password signs in as before."""

    def get(self, request, *args, **kwargs):
        return self._email_step(forms.EmailStepForm())

    def post(self, request, *args, **kwargs):
        step = request.POST.get("step")
        if step == "email":
            form = forms.EmailStepForm(request.POST)
            if not form.is_valid():
                return self._email_step(form)
            email = form.cleaned_data["email"]
            sso = selectors.sso_for_email(email=email)
            if sso is not None:
                return self._sso_step(sso, email)
            return self._password_step(email)
        if step == "password":
            return self._password_step(request.POST.get("email", ""))
        return super().post(request, *args, **kwargs)

    def _email_step(self, form):
        self.template_name = "account/login_email.html"
        return self.render_to_response(self.get_context_data(form=form))

    def _password_step(self, email: str):
        form = self.get_form_class()(initial={"login": email}, request=self.request)
        return self.render_to_response(self.get_context_data(form=form))

    def _sso_step(self, sso: SingleSignOn, email: str):
        self.template_name = "sso/continue.html"
        context = self.get_context_data(
            form=forms.EmailStepForm(initial={"email": email}),
            sso=sso,
            email=email,
            sso_login_url=reverse("openid_connect_login", kwargs={"provider_id": sso.provider_id}),
        )
        return allow_form_to(self.render_to_response(context), sso)


def provider_login(request, provider_id: str):
    """allauth's OpenID Connect login (a GET asks to confirm; a POST goes to the council's provider)."""
    sso = selectors.sso_for_provider(provider_id=provider_id)
    if sso is None:
        raise Http404
    refusal = services.sso_usable_refusal(sso=sso)
    if refusal:  # nobody has signed in anywhere yet: said, not audited (a refused callback is)
        return refusal_page(request, sso=sso, reason=refusal)
    try:
        view = OAuth2LoginView.adapter_view(CouncilOIDCAdapter(request, provider_id))
        response = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return allow_form_to(response, sso)


def provider_callback(request, provider_id: str):
    try:
        view = OAuth2CallbackView.adapter_view(CouncilOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


# --- the council administrator's settings ---------------------------------------------------------


class SsoSettingsView(CouncilRoleRequiredMixin, ServiceFormView):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    form_class = forms.SsoSettingsForm
    template_name = "sso/settings.html"
    title = "Single sign-on"
    success_message = "Saved. Platform staff will check the settings before anyone signs in with them."

    def dispatch(self, request, *args, **kwargs):
        self.sso = (
            selectors.sso_of_council(council_id=request.user.council_id) if request.user.is_authenticated else None
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.sso is None:
            return {"passwords_allowed": "yes"}
        return {
            "kind": self.sso.kind,
            "tenant_id": self.sso.tenant_id,
            "issuer": self.sso.issuer,
            "client_id": self.sso.client_id,
            "passwords_allowed": "yes" if self.sso.passwords_allowed else "no",
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "has_secret": self.sso is not None}

    def get_context_data(self, **kwargs):
        callback = reverse("openid_connect_callback", kwargs={"provider_id": f"council-{self.council.slug}"})
        return super().get_context_data(
            sso=self.sso,
            redirect_uri=self.request.build_absolute_uri(callback),
            SsoStatus=SsoStatus,
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.sso_save(
            council=self.council,
            by=self.request.user,
            kind=data["kind"],
            tenant_id=data.get("tenant_id") or "",
            issuer=data.get("issuer") or "",
            client_id=data["client_id"],
            secret=data.get("client_secret") or "",
            passwords_allowed=data["passwords_allowed"],
        )

    def get_success_url(self):
        return reverse("sso:settings")


class SsoTurnOffView(CouncilRoleRequiredMixin, ServiceFormView):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    form_class = ConfirmForm
    template_name = "sso/turn_off.html"
    title = "Turn off single sign-on"
    success_message = "Single sign-on is off. Your people sign in with their e-mail address and a password."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit_label": "Turn off single sign-on",
            "submit_class": "govuk-button--warning",
        }

    def perform(self, form):
        return services.sso_turn_off(council=self.council, by=self.request.user)

    def get_success_url(self):
        return reverse("sso:settings")


# --- platform staff ---------------------------------------------------------------------------------


class SsoListView(PlatformAdminRequiredMixin, TemplateView):
    template_name = "sso/staff_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(settings_list=selectors.sso_awaiting_check(), SsoStatus=SsoStatus, **kwargs)


class SsoCheckView(PlatformAdminRequiredMixin, ServiceFormView):
    request: MemberRequest
    form_class = forms.SsoCheckForm
    template_name = "sso/staff_check.html"
    title = "Check single sign-on"

    @cached_property
    def sso(self) -> SingleSignOn:
        return get_object_or_404(SingleSignOn.objects.select_related("council", "changed_by"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        waiting = self.sso.status == SsoStatus.SUBMITTED
        return super().get_context_data(
            sso=self.sso,
            waiting=waiting,
            discovery=services.sso_discovery_check(sso=self.sso) if waiting else None,
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.sso_check(
            sso=self.sso, by=self.request.user, turn_on=data["decision"] == "on", reason=data.get("reason") or ""
        )

    def get_success_message(self, result, form):
        if result.status == SsoStatus.ON:
            return f"Single sign-on is on for {result.council.short_name}"
        return f"Returned to {result.council.short_name} with your reason"

    def get_success_url(self):
        return reverse("sso:staff_list")
