"""The sign-in's first question (which council's sign-in, if any), the password forms refusing "single sign-on
only" councils' people, and the settings and check forms."""

import re

from django import forms

from core.forms import GovForm, MultiLineTextField, OneLineTextField, WebAddressField
from councils import account_forms

from .models import UUID_PATTERN, SsoKind
from .services import issuer_refusal, passwords_refused_for


def _sso_only_message(sso) -> str:
    return (
        f"{sso.council.short_name} signs its people in with their council account, not a password here. "
        "Go back to the sign-in page and choose “Continue with your council account”."
    )


class EmailStepForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.gov.uk",
        },
    )


class LoginForm(account_forms.LoginForm):
    def clean(self):
        sso = passwords_refused_for(email=str(self.data.get("login", "")))
        if sso is not None:  # before the password is checked: no attempt is counted, nothing is revealed
            raise forms.ValidationError(_sso_only_message(sso))
        return super().clean()


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def clean_email(self):
        email = super().clean_email()
        sso = passwords_refused_for(email=email)
        if sso is not None:
            raise forms.ValidationError(
                f"{sso.council.short_name} signs its people in with their council account, so there is no "
                "password to reset here. Ask your council's IT team if you cannot sign in to your council account."
            )
        return email


class SignupForm(account_forms.SignupForm):
    def clean_email(self):
        email = super().clean_email()
        sso = passwords_refused_for(email=email)
        if sso is not None:
            raise forms.ValidationError(_sso_only_message(sso))
        return email


class SsoSettingsForm(GovForm):
    submit_label = "Save and send for checking"

    kind = forms.ChoiceField(
        label="Which sign-in service does your council use?",
        choices=SsoKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which sign-in service your council uses"},
    )
    tenant_id = OneLineTextField(
        label="Directory (tenant) ID (Microsoft Entra ID only)",
        what="Directory (tenant) ID",
        required=False,
        max_length=36,
        help_text="On the app registration's Overview page in the Entra admin centre, like "
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
    )
    issuer = WebAddressField(
        label="Issuer URL (other providers only)",
        what="Issuer URL",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="The address the provider's /.well-known/openid-configuration is under, like "
        "https://login.example.gov.uk/realms/staff",
    )
    client_id = OneLineTextField(
        label="Application (client) ID",
        max_length=255,
        error_messages={"required": "Enter the application (client) ID"},
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    passwords_allowed = forms.TypedChoiceField(
        label="Can your people still sign in with a password on this service?",
        choices=[("yes", "Yes, as well as with their council account"), ("no", "No, single sign-on only")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether your people can still sign in with a password"},
    )

    def __init__(self, *args, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        self.fields["client_secret"].help_text = (
            "A secret is saved. It is never shown again. Leave this empty to keep it, or enter a new one."
            if has_secret
            else "The secret's value (not its ID) from Certificates & secrets."
        )

    def clean(self):
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == SsoKind.ENTRA:
            tenant = (data.get("tenant_id") or "").strip().lower()
            if not tenant:
                self.add_error("tenant_id", "Enter your directory (tenant) ID")
            elif not re.fullmatch(UUID_PATTERN, tenant):
                self.add_error(
                    "tenant_id",
                    "Enter the directory (tenant) ID as it is shown, like 72f988bf-86f1-41af-91ab-2d7cd011db47",
                )
            data["tenant_id"] = tenant
        elif kind == SsoKind.OIDC:
            issuer = data.get("issuer") or ""
            if not issuer and "issuer" not in self.errors:
                self.add_error("issuer", "Enter the issuer URL")
            elif issuer and issuer_refusal(issuer):
                self.add_error("issuer", issuer_refusal(issuer))
        if not self.has_secret and not data.get("client_secret"):
            self.add_error("client_secret", "Enter the client secret")
        return data


class SsoCheckForm(GovForm):
    submit_label = "Save the check"

    decision = forms.ChoiceField(
        label="Can this council's people sign in through these settings?",
        choices=[("on", "Yes, turn single sign-on on"), ("return", "No, return the settings to the council")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to turn single sign-on on or return the settings"},
    )
    reason = MultiLineTextField(
        label="What the council needs to change (if you return the settings)",
        what="What the council needs to change",
        required=False,
        max_length=1000,
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter what the council needs to change")
        return data
