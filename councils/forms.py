"""Forms: parse and validate input; the services decide. All render through crispy-forms-gds."""

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.validators import RegexValidator

from core.forms import GovForm, MultiLineTextField, OneLineTextField, WholeNumberField, choice_field

from .models import CouncilStatus, Nation, RechargeVat, Role, User, VatStatus
from .services import BankDetails

ROLE_HINTS = {
    Role.COUNCIL_ADMIN: "Sets up the council, its finance details and who can use the service",
    Role.APPROVER: "Line manager who gives colleagues permission to offer their hours",
    Role.BOOKING_OFFICER: "Finds specialists in other councils and books their time",
    Role.FINANCE_OFFICER: "Sees invoices, downloads settlement reports and records payments",
    Role.SPECIALIST: "Offers a few hours a week to other councils",
}


def _role_field(label="Roles"):
    return forms.MultipleChoiceField(
        label=label,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one role"},
    )


class InviteAdminForm(GovForm):
    submit_label = "Send invitation"
    full_name = OneLineTextField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(
        label="E-mail address",
        help_text="We will send an invitation link to this address. It works for 14 days.",
        error_messages={
            "required": "Enter the administrator’s e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.gov.uk",
        },
    )

    def layout_fields(self):
        return [
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
        ]


class InviteColleagueForm(InviteAdminForm):
    roles = _role_field()

    def layout_fields(self):
        return [*super().layout_fields(), Field.checkboxes("roles", legend_size=Size.SMALL)]


class RolesForm(GovForm):
    submit_label = "Save roles"
    roles = _role_field()

    def layout_fields(self):
        return [Field.checkboxes("roles", legend_size=Size.MEDIUM)]


class ApproveSignupForm(RolesForm):
    submit_label = "Approve"


class SuspendForm(GovForm):
    submit_label = "Suspend council"
    submit_class = "govuk-button--warning"
    reason = MultiLineTextField(
        label="Why are you suspending this council?",
        what="The reason",
        help_text="The council’s administrators will see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        error_messages={"required": "Enter the reason for suspending the council"},
    )


class AgreementForm(GovForm):
    submit_label = "Accept agreement"
    confirm = forms.BooleanField(
        label="I accept this agreement on behalf of my council and I have the authority to do so",
        error_messages={"required": "Confirm that you accept the agreement on behalf of your council"},
    )
    version = WholeNumberField(widget=forms.HiddenInput)  # an out-of-date version is the page's to explain

    def layout_fields(self):
        return [Field("confirm"), Field("version")]


class BankFieldsForm(GovForm):
    """The fields for paying and charging VAT, shared by the administrator's finance details and the finance
    officer's bank and VAT page: VAT status and number, and the three bank fields, checked for format and read
    back as digits only. Bank details are optional here (all three or none); a form that needs them sets
    `bank_required`."""

    bank_required = False
    bank_account_name = OneLineTextField(
        label="Name on the account",
        help_text="Shown on every invoice your council issues, so other councils can pay it.",
        max_length=70,
        required=False,
        error_messages={"required": "Enter the name on the account"},
    )
    bank_sort_code = OneLineTextField(
        label="Sort code",
        help_text="Must be 6 digits long, like 30-94-57.",
        validators=[
            RegexValidator(
                r"^\s*[0-9]{2}[\s-]*[0-9]{2}[\s-]*[0-9]{2}\s*$", "Enter a valid sort code like 30-94-57, 6 digits long"
            )
        ],
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter a sort code"},
    )
    bank_account_number = OneLineTextField(
        label="Account number",
        help_text="Must be 8 digits long, like 00733445.",
        validators=[RegexValidator(r"^\s*[0-9]{8}\s*$", "Enter a valid account number like 00733445, 8 digits long")],
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter an account number"},
    )
    vat_status = forms.ChoiceField(
        label="VAT status",
        choices=VatStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your council’s VAT status"},
    )
    vat_number = OneLineTextField(
        label="VAT registration number",
        help_text="Only if your council is VAT registered. For example, GB123456789.",
        validators=[
            RegexValidator(
                r"^\s*(GB)?\s*[0-9]{3}\s*[0-9]{4}\s*[0-9]{2}(\s*[0-9]{3})?\s*$",
                "Enter a VAT registration number in the correct format, like GB123456789",
            )
        ],
        required=False,
        max_length=20,
    )
    BANK = ("bank_account_name", "bank_sort_code", "bank_account_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.BANK:
            self.fields[name].required = self.bank_required
            if not self.bank_required:  # GOV.UK marks optional fields, not required ones
                self.fields[name].label = f"{self.fields[name].label} (optional)"

    def clean_bank_sort_code(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("bank_sort_code") or "" if ch in "0123456789")

    def clean_bank_account_number(self) -> str:
        return (self.cleaned_data.get("bank_account_number") or "").strip()

    def clean_bank_account_name(self) -> str:
        return " ".join((self.cleaned_data.get("bank_account_name") or "").split())

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("vat_status") == VatStatus.REGISTERED and not data.get("vat_number"):
            self.add_error("vat_number", "Enter your council’s VAT registration number")
        given = [n for n in self.BANK if data.get(n)]
        if given and len(given) < len(self.BANK):
            for name in self.BANK:
                if name not in given and name not in self.errors:
                    what = str(self.fields[name].label).removesuffix(" (optional)").lower()
                    self.add_error(name, f"Enter the {what}, or leave all three bank details empty")
        return data

    def bank_layout(self) -> list:
        return [
            Field.text("bank_account_name", field_width=Fluid.TWO_THIRDS),
            Field.text("bank_sort_code", field_width=Fixed.FIVE),
            Field.text("bank_account_number", field_width=Fixed.TEN),
        ]

    def bank_details(self) -> BankDetails:
        data = self.cleaned_data
        return BankDetails(
            account_name=data.get("bank_account_name") or "",
            sort_code=data.get("bank_sort_code") or "",
            account_number=data.get("bank_account_number") or "",
        )


class FinanceDetailsForm(BankFieldsForm):
    submit_label = "Save finance details"
    field_order = [
        "invoice_address",
        "finance_email",
        "payment_terms_days",
        "po_required",
        "vat_status",
        "vat_number",
        *BankFieldsForm.BANK,
        "domains",
    ]
    invoice_address = MultiLineTextField(
        label="Invoice address",
        help_text="The postal address that invoices to your council should show.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=1000,
        error_messages={"required": "Enter the invoice address"},
    )
    finance_email = forms.EmailField(
        label="Finance team e-mail address",
        help_text="Invoices and settlement statements are sent here.",
        error_messages={
            "required": "Enter the finance team’s e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like finance@example.gov.uk",
        },
    )
    payment_terms_days = WholeNumberField(
        label="Payment terms, in days",
        help_text="How many days after an invoice is issued your council pays it. Most councils use 30.",
        min_value=1,
        max_value=120,
        error_messages={
            "required": "Enter your payment terms in days",
            "invalid": "Payment terms must be a whole number of days, like 30",
            "range": "Payment terms must be between 1 and 120 days",
        },
    )
    po_required = forms.TypedChoiceField(
        label="Does your council need a purchase order (PO) number on every invoice it receives?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your council needs a purchase order number on invoices"},
    )
    domains = MultiLineTextField(
        label="E-mail domains your colleagues use",
        what="E-mail domains",
        help_text="One per line, for example example.gov.uk. People with an address on these domains can ask "
        "to join your council; you approve each one.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter at least one e-mail domain your colleagues use"},
    )

    def layout_fields(self):
        return [
            Field.textarea("invoice_address", rows=5),
            Field.text("finance_email", field_width=Fluid.TWO_THIRDS),
            Field.text("payment_terms_days", field_width=Fixed.FIVE),
            Field.radios("po_required", legend_size=Size.SMALL, inline=True),
            Field.radios("vat_status", legend_size=Size.SMALL),
            Field.text("vat_number", field_width=Fixed.TEN),
            *self.bank_layout(),
            Field.textarea("domains", rows=3),
        ]

    def cleaned_domains(self) -> list[str]:
        return [d for d in self.cleaned_data["domains"].replace(",", "\n").split() if d.strip()]


class AcceptInvitationForm(GovForm):
    submit_label = "Create account"
    full_name = OneLineTextField(label="Full name", max_length=150, error_messages={"required": "Enter your full name"})
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your password again"},
    )

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        if invitation.full_name and not self.is_bound:
            self.initial["full_name"] = invitation.full_name

    def layout_fields(self):
        return [Field.text("full_name", field_width=Fluid.TWO_THIRDS), Field("password1"), Field("password2")]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            try:
                validate_password(p1, User(email=self.invitation.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CouncilSearchForm(forms.Form):
    q = OneLineTextField(label="Search councils", required=False, max_length=100, what="Your search")
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any status"), *CouncilStatus.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    nation = forms.ChoiceField(
        label="Nation",
        choices=[("", "Any nation"), *Nation.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a nation from the list"},
    )


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form: the person's name. The domain rule is in the account adapter."""

    full_name = OneLineTextField(label="Full name", max_length=150, error_messages={"required": "Enter your full name"})

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class BankVatForm(BankFieldsForm):
    """The finance officer's page: bank details shown on invoices, VAT registration and VAT on recharges."""

    submit_label = "Save bank and VAT details"
    bank_required = True
    recharge_vat = forms.ChoiceField(
        label="VAT on your recharges to other councils",
        help_text="Most recharges of staff time between local authorities are outside the scope of VAT. "
        "Invoices already issued keep the treatment they were issued with.",
        choices=RechargeVat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how VAT applies to your recharges"},
    )

    def layout_fields(self):
        return [
            *self.bank_layout(),
            Field.radios("vat_status", legend_size=Size.SMALL),
            Field.text("vat_number", field_width=Fixed.TEN),
            Field.radios("recharge_vat", legend_size=Size.SMALL),
        ]

    def clean(self):
        data = super().clean()
        registered = data.get("vat_status") == VatStatus.REGISTERED
        if data.get("recharge_vat") == RechargeVat.STANDARD and data.get("vat_status") and not registered:
            self.add_error("recharge_vat", "Only a VAT-registered council can charge VAT on its recharges")
        return data


class BatchUploadForm(GovForm):
    submit_label = "Check the file"
    file = forms.FileField(
        label="CSV file",
        help_text="A header line naming the columns council (register or GSS code), name and email, then one "
        "line per council: its first administrator’s name and work e-mail address.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
    )

    def layout_fields(self):
        return [Field("file")]


class RegisterPickForm(GovForm):
    """Pick councils not yet invited from the register, as a CSV to fill in with each administrator."""

    submit_label = "Download the councils to fill in (CSV)"
    submit_class = "govuk-button--secondary"
    nation = forms.ChoiceField(label="Nation", choices=[("", "Any nation"), *Nation.choices], required=False)
    region = forms.ChoiceField(label="Region", required=False)
    council_type = forms.ChoiceField(label="Type", required=False)

    def __init__(self, *args, regions: list[str], types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = [("", "Any region"), *[(r, r) for r in regions]]
        choice_field(self, "council_type").choices = [("", "Any type"), *types]
        self.helper.form_method = "get"

    def layout_fields(self):
        return [Field.select("nation"), Field.select("region"), Field.select("council_type")]
