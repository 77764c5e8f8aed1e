"""django-allauth's forms, worded and marked up for GOV.UK pages (see ACCOUNT_FORMS in settings)."""

from allauth.account import forms as allauth_forms
from django import forms

from . import members


def _plain_inputs(form: forms.Form) -> None:
    """GOV.UK pages use labels and hints, never placeholders."""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_inputs(self)
        self.fields["login"].label = "E-mail address"
        self.fields["password"].help_text = ""
        self.fields["remember"].label = "Keep me signed in on this device"


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_inputs(self)
        self.fields["email"].label = "Work e-mail address"
        self.fields["password1"].label = "Create a password"
        self.fields["password2"].label = "Confirm your password"
        self.order_fields(["full_name", "email", "password1", "password2"])

    def clean_email(self):
        email = super().clean_email()
        if members.council_for_signup_email(email=email) is None:
            raise forms.ValidationError(
                "You can only create an account with a work e-mail address on a domain your council has "
                "registered with this service. Ask your council administrator for an invitation."
            )
        return email


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_inputs(self)
        self.fields["email"].label = "E-mail address"


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_inputs(self)
