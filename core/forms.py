"""The GOV.UK form base every page form derives from (crispy-forms-gds renders it), and the fields that
parse what people type into typed values."""

import calendar
import re
from datetime import date
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from .hours import HALF_HOUR, TENTH, WEEK_MOST, hours_problem, hours_text
from .money import AMOUNT_MOST, PENNY, amount_problem
from .text import has_control_characters


class GovForm(forms.Form):
    """A form with a GOV.UK helper: error summary on, fields laid out in declaration order."""

    submit_label = "Continue"
    submit_class = ""

    def __init__(
        self, *args, submit_label: str | None = None, submit_class: str | None = None, action: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.submit_label = submit_label or self.submit_label
        self.submit_class = submit_class or self.submit_class
        self.helper = FormHelper()
        self.helper.form_show_errors = True
        self.helper.attrs = {"novalidate": ""}  # the server's messages, not the browser's
        if action:
            self.helper.form_action = action
        self.helper.layout = Layout(
            *self.layout_fields(), Submit("submit", self.submit_label, css_class=self.submit_class)
        )

    def layout_fields(self):
        return [Field(name) for name in self.fields]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """One of the form's choice fields, to set its choices (form.fields holds any Field)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ConfirmForm(GovForm):
    """A page that asks only to confirm: one button, no fields."""

    submit_label = "Confirm"


# --- the typed fields ---------------------------------------------------------------------------------
#
# Each parses what a person typed into a typed value (str, int, Decimal or date) and refuses anything else
# with a GOV.UK-style message naming the question: `what`, the question's name as it starts a sentence
# ("Full name", "Approval end date"); by default the label without "(optional)" or ", in pounds".

_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")


def _name_of(label) -> str:
    return str(label or "This answer").removesuffix(" (optional)").split(", in ")[0]


def _lower_first(text: str) -> str:
    """ "Approval end date" → "approval end date" (in "Enter the …"); "PO number" stays as it is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


class _NoControlCharacters(forms.Field):
    """Refuses control and invisible formatting characters (core.text); `multiline` allows line breaks."""

    multiline = False

    def __init__(self, *args, what: str | None = None, **kwargs):
        self.what = what
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and has_control_characters(value, multiline=self.multiline):
            what = self.what or _name_of(self.label)
            if self.multiline:
                raise ValidationError(f"{what} must not include tabs or hidden characters", code="control")
            raise ValidationError(f"{what} must not include line breaks, tabs or hidden characters", code="control")


class OneLineTextField(_NoControlCharacters, forms.CharField):
    """One line of text: names, titles, references, PO numbers, a headline."""


class MultiLineTextField(_NoControlCharacters, forms.CharField):
    """Text over several lines (a text area): keeps its line breaks, refuses other control characters."""

    multiline = True
    widget = forms.Textarea


class WebAddressField(_NoControlCharacters, forms.URLField):
    """A web address, on one line."""


class WholeNumberField(forms.IntegerField):
    """A whole number between `min_value` and `max_value` (either may be changed after the field is made,
    for a limit that depends on the day). Error messages "invalid" and "range" may be given."""

    def __init__(
        self, *, what: str | None = None, min_value: int | None = None, max_value: int | None = None, **kwargs
    ):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}))
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        self.what, self.min_value, self.max_value = what, min_value, max_value
        self.error_messages["invalid"] = given.get("invalid", f"{self._what()} must be a whole number")

    def _what(self) -> str:
        return self.what or _name_of(self.label)

    def to_python(self, value) -> int | None:
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if not _WHOLE_NUMBER.fullmatch(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(value.lstrip("-")) > 18:  # far outside any limit (and int() refuses 4,300 digits)
            return -(10**18) if value.startswith("-") else 10**18
        return int(value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            if "range" in self.error_messages:
                message = self.error_messages["range"]
            elif low is not None and high is not None:
                message = f"{self._what()} must be between {low} and {high}"
            elif low is not None:
                message = f"{self._what()} must be {low} or more"
            else:
                message = f"{self._what()} must be {high} or less"
            raise ValidationError(message, code="range")


class _DecimalText(forms.Field):
    """A decimal typed into a text box (GOV.UK asks for text inputs, not number inputs), named in its
    messages by `what`, with "Enter the …" when it is required and empty."""

    def __init__(self, *, what: str | None = None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = given.get("required", f"Enter the {_name_of(self.label).lower()}")

    def _what(self) -> str:
        return self.what or _name_of(self.label)

    @staticmethod
    def _text(value) -> str:
        return str(value).strip() if value is not None else ""


class HoursField(_DecimalText):
    """A number of hours, as a Decimal: a number, between `minimum` and `maximum`, in `step`s (half hours
    unless told otherwise; None for any). The rules are core.hours's, which the services use too."""

    def __init__(
        self,
        *,
        minimum: Decimal = HALF_HOUR,
        maximum: Decimal = WEEK_MOST,
        step: Decimal | None = HALF_HOUR,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.step = minimum, maximum, step

    def to_python(self, value) -> Decimal | None:
        value = self._text(value)
        if value in self.empty_values:
            return None
        if not _NUMBER.fullmatch(value):
            raise ValidationError(f"{self._what()} must be a number, like 3 or 2.5", code="invalid")
        hours = Decimal(value)
        tenths = hours.quantize(TENTH) if hours.adjusted() < 6 else hours
        return tenths if tenths == hours else hours

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        problem = hours_problem(value, what=self._what(), minimum=self.minimum, maximum=self.maximum, step=self.step)
        if problem:
            raise ValidationError(problem, code="hours")

    def prepare_value(self, value):
        return hours_text(value) if isinstance(value, Decimal) and value.is_finite() else value


class AmountField(_DecimalText):
    """An amount of money in pounds, as a Decimal to the penny: "1,200.50" and "£1,200.50" are both
    £1,200.50. Between `minimum` and `maximum` (core.money's rules, which the services use too)."""

    def __init__(self, *, minimum: Decimal = PENNY, maximum: Decimal = AMOUNT_MOST, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def to_python(self, value) -> Decimal | None:
        value = self._text(value)
        if value in self.empty_values:
            return None
        sign, digits = ("-", value[1:].lstrip()) if value.startswith("-") else ("", value)
        digits = digits.removeprefix("£").strip().replace(",", "")
        if not _NUMBER.fullmatch(digits) or digits.startswith("-"):
            raise ValidationError(f"{self._what()} must be an amount in pounds, like 250 or 250.50", code="invalid")
        return Decimal(sign + digits)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        problem = amount_problem(value, what=self._what(), minimum=self.minimum, maximum=self.maximum)
        if problem:
            raise ValidationError(problem, code="amount")

    def clean(self, value):
        amount = super().clean(value)
        return amount.quantize(PENNY) if amount is not None else None

    def prepare_value(self, value):
        return f"{value:.2f}" if isinstance(value, Decimal) and value.is_finite() else value


_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_PARTS = ("day", "month", "year")


class DateField(DateInputField):
    """A GOV.UK date input (day, month and year boxes) read as a date.

    Messages follow the Design System's date input guidance: "Enter the start date" when empty (if
    required), "Start date must include a year" when partly filled (never quietly "no date"), "must be a
    real date" for 31 February or letters, "must include a year with 4 numbers", and a year outside
    `min_year`..`max_year` is refused. The month may also be a name ("Feb", "February"). The box at fault
    is marked and the error summary links to it."""

    def __init__(
        self,
        *,
        what: str,
        min_year: int = 1900,
        max_year: int = 2100,
        required: bool = True,
        required_message: str | None = None,
        **kwargs,
    ):
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.what, self.min_year, self.max_year = what, min_year, max_year
        self.error_messages["required"] = required_message or f"Enter the {_lower_first(what)}"

    def clean(self, value):
        parts = list(value) if isinstance(value, list | tuple) else []
        parts = [str(p).strip() if p is not None else "" for p in (parts + ["", "", ""])[:3]]
        for index, box in enumerate(self.widget.widgets):
            self.fields[index].widget.errors = []
            box.attrs["class"] = box.attrs.get("class", "").replace(" govuk-input--error", "")
        missing = [i for i, part in enumerate(parts) if not part]
        if len(missing) == 3:
            if self.required:
                raise self._refuse(self.error_messages["required"], [0, 1, 2], code="required")
            return None
        if missing:
            wanting = " and ".join(_PARTS[i] for i in missing)
            raise self._refuse(f"{self.what} must include a {wanting}", missing, code="incomplete")
        day, month, year = parts
        month_number = int(month) if re.fullmatch(r"[0-9]{1,2}", month) else _MONTHS.get(month.lower().rstrip("."))
        fine = (
            re.fullmatch(r"[0-9]{1,2}", day),
            month_number is not None and 1 <= month_number <= 12,
            _DIGITS.fullmatch(year),
        )
        wrong = [index for index, ok in enumerate(fine) if not ok]
        if wrong or month_number is None:  # (no month number: `wrong` holds the month's box already)
            raise self._refuse(f"{self.what} must be a real date", wrong, code="invalid")
        if len(year) != 4:
            raise self._refuse(f"{self.what} must include a year with 4 numbers", [2], code="year_digits")
        if not self.min_year <= int(year) <= self.max_year:
            raise self._refuse(
                f"{self.what} must be between 1 January {self.min_year} and 31 December {self.max_year}",
                [2],
                code="year_range",
            )
        try:
            out = date(int(year), month_number, int(day))
        except ValueError:
            raise self._refuse(f"{self.what} must be a real date", [0], code="invalid") from None
        self.validate(out)
        self.run_validators(out)
        return out

    def validate(self, value):
        pass  # required is checked in clean, on the three boxes

    def _refuse(self, message: str, boxes: list[int], *, code: str) -> ValidationError:
        """Mark the boxes at fault. The first carries the message (crispy-forms-gds marks it, and the error
        summary links to it); the others are marked here."""
        self.fields[boxes[0]].widget.errors = [message]
        for index in boxes[1:]:
            box = self.widget.widgets[index]
            box.attrs["class"] = f"{box.attrs.get('class', '')} govuk-input--error".strip()
        return ValidationError(message, code=code)
