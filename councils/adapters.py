"""django-allauth hooks: a sign-up joins its council as pending; every e-mail goes through the outbox."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from notifications.services import email_enqueue

from . import members
from .models import MembershipStatus


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "The e-mail address or password is not right",
        "too_many_login_attempts": "Too many failed attempts to sign in. Wait a few minutes, then try again.",
    }

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        user.membership_status = MembershipStatus.PENDING  # from its first save: pending is where sign-ups start
        user = super().save_user(request, user, form, commit=True)
        council = members.council_for_signup_email(email=user.email)
        assert council is not None  # SignupForm.clean_email let in only an address on such a council's domain
        members.member_signup_record(user=user, council=council)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        email_enqueue(
            kind=template_prefix.rsplit("/", 1)[-1],
            to=email,
            subject=message.subject,
            body_text=message.body if message.content_subtype == "plain" else "",
            body_html=html or (message.body if message.content_subtype == "html" else ""),
        )
