from datetime import date

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from core.forms import AmountField, DateField, GovForm, MultiLineTextField, OneLineTextField

from .settlement import SettlementError, month_start, months_back


def _amount_field(label, help_text=""):
    return AmountField(label=label, help_text=help_text, error_messages={"required": f"Enter the {label.lower()}"})


class PaymentForm(GovForm):
    submit_label = "Record payment"
    amount = _amount_field("Amount received, in pounds", "For example, 250.50. Part payments are fine.")
    paid_on = DateField(
        label="Date received", help_text="For example, 14 12 2026.", what="Date received", min_year=2000
    )
    reference = OneLineTextField(
        label="Payment reference", max_length=60, error_messages={"required": "Enter the payment reference"}
    )

    def layout_fields(self):
        return [
            Field.text("amount", field_width=Fixed.TEN),
            Field("paid_on"),
            Field.text("reference", field_width=Fixed.TWENTY),
        ]


class CreditNoteForm(GovForm):
    submit_label = "Issue credit note"
    amount = _amount_field("Amount to credit, in pounds")
    reason = MultiLineTextField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter the reason for the credit note"},
    )

    def layout_fields(self):
        return [Field.text("amount", field_width=Fixed.TEN), Field.textarea("reason", rows=3)]


class AnswerForm(GovForm):
    submit_label = "Send answer"
    answer = forms.ChoiceField(
        label="Do you agree this invoice is right?",
        widget=forms.RadioSelect,
        choices=[("confirm", "Yes, we agree it"), ("dispute", "No, we dispute it")],
        error_messages={"required": "Choose whether you agree the invoice"},
    )
    note = MultiLineTextField(
        label="If you dispute it, why?",
        what="The reason for disputing it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def layout_fields(self):
        return [Field.radios("answer", legend_size=Size.SMALL), Field.textarea("note", rows=3)]


class SettlementRequestForm(GovForm):
    """Choose a month to settle: the months that have ended, newest first (the service refuses any other)."""

    submit_label = "Run settlement"
    month = forms.RegexField(
        label="Month to settle",
        help_text="Only months that have ended. Running a month again invoices only hours confirmed since.",
        regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        error_messages={"required": "Select a month to settle", "invalid": "Select a month to settle"},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget = forms.Select(
            choices=[(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months_back(today, count=24)]
        )

    def layout_fields(self):
        return [Field.select("month")]

    def clean_month(self) -> date:
        try:
            return month_start(self.cleaned_data["month"])
        except SettlementError as exc:
            raise forms.ValidationError("Select a month to settle") from exc
