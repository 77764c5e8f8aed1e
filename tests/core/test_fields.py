"""The typed form fields in core.forms: what each turns a person's typing into, and what it refuses with
which message (GOV.UK wording), never an exception."""

from datetime import date
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms

from core.forms import (
    AmountField,
    DateField,
    GovForm,
    HoursField,
    MultiLineTextField,
    OneLineTextField,
    WebAddressField,
    WholeNumberField,
)
from core.hours import TENTH, hours_problem
from core.money import amount_problem
from core.text import has_control_characters


def clean(field: forms.Field, value):
    """The field's value, or its error messages."""
    try:
        return field.clean(value)
    except forms.ValidationError as exc:
        return exc.messages


# --- dates ------------------------------------------------------------------------------------------


def end_date(**kwargs) -> DateField:
    return DateField(label="Permission ends on", what="Approval end date", **kwargs)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["31", "3", "2027"], date(2027, 3, 31)),
        (["01", "03", "2027"], date(2027, 3, 1)),
        ([" 7 ", " 12 ", " 2026 "], date(2026, 12, 7)),
        (["29", "2", "2028"], date(2028, 2, 29)),
        (["3", "Feb", "2027"], date(2027, 2, 3)),
        (["3", "february", "2027"], date(2027, 2, 3)),
        (["3", "Sept", "2027"], date(2027, 9, 3)),
    ],
)
def test_a_date_is_read_from_its_three_boxes(parts, expected):
    assert clean(end_date(), parts) == expected


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the approval end date"),
        ([None, None, None], "Enter the approval end date"),
        (["31", "3", ""], "Approval end date must include a year"),
        (["31", "", "2027"], "Approval end date must include a month"),
        (["", "3", "2027"], "Approval end date must include a day"),
        (["31", "", ""], "Approval end date must include a month and year"),
        (["", "", "2027"], "Approval end date must include a day and month"),
        (["31", "2", "2027"], "Approval end date must be a real date"),
        (["29", "2", "2027"], "Approval end date must be a real date"),
        (["0", "3", "2027"], "Approval end date must be a real date"),
        (["1", "13", "2027"], "Approval end date must be a real date"),
        (["1", "Smarch", "2027"], "Approval end date must be a real date"),
        (["one", "3", "2027"], "Approval end date must be a real date"),
        (["1.5", "3", "2027"], "Approval end date must be a real date"),
        (["١", "3", "2027"], "Approval end date must be a real date"),
        (["1", "3", "-2027"], "Approval end date must be a real date"),
        (["1", "3", "2027.0"], "Approval end date must be a real date"),
        (["1", "3", "99999999999999999999"], "Approval end date must include a year with 4 numbers"),
        (["1", "3", "9" * 5000], "Approval end date must include a year with 4 numbers"),
        (["1", "3", "27"], "Approval end date must include a year with 4 numbers"),
        (["1", "3", "0000"], "Approval end date must be between 1 January 2000 and 31 December 2100"),
        (["1", "3", "1999"], "Approval end date must be between 1 January 2000 and 31 December 2100"),
        (["1", "3", "9999"], "Approval end date must be between 1 January 2000 and 31 December 2100"),
    ],
)
def test_a_date_that_is_empty_partly_filled_or_not_real_is_refused_with_its_message(parts, message):
    assert clean(end_date(min_year=2000), parts) == [message]


def test_an_optional_date_may_be_left_empty_but_not_partly_filled():
    field = DateField(label="Until (optional)", what="End date", required=False)
    assert clean(field, ["", "", ""]) is None
    assert clean(field, ["7", "12", ""]) == ["End date must include a year"]
    assert clean(field, "not a list") is None  # a tampered post: as if nothing was entered


def test_the_box_at_fault_carries_the_message_and_the_error_summary_links_to_it():
    class Form(GovForm):
        ends_on = end_date()

    form = Form({"ends_on_0": "31", "ends_on_1": "", "ends_on_2": ""})
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert html.count("Approval end date must include a month and year") == 1
    month, year = form.fields["ends_on"].widget.widgets[1:]
    assert form.fields["ends_on"].fields[1].widget.errors == ["Approval end date must include a month and year"]
    assert "govuk-input--error" in year.attrs["class"]  # crispy-forms-gds marks the month, whose message it is
    assert "govuk-input--error" not in form.fields["ends_on"].widget.widgets[0].attrs["class"]
    del month


def test_a_date_field_of_one_form_does_not_mark_another_forms_boxes():
    class Form(GovForm):
        ends_on = end_date()

    Form({"ends_on_0": "", "ends_on_1": "", "ends_on_2": ""}).is_valid()
    fresh = Form({"ends_on_0": "1", "ends_on_1": "3", "ends_on_2": "2027"})
    assert fresh.is_valid()
    assert all("error" not in box.attrs["class"] for box in fresh.fields["ends_on"].widget.widgets)
    assert all(not sub.widget.errors for sub in fresh.fields["ends_on"].fields)


def test_a_date_shows_as_its_three_boxes():
    class Form(GovForm):
        ends_on = end_date()

    html = render_crispy_form(Form(initial={"ends_on": date(2027, 3, 31)}))
    for box, value in (("ends_on_0", "31"), ("ends_on_1", "3"), ("ends_on_2", "2027")):
        assert f'name="{box}" value="{value}"' in html


# --- hours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [("3", Decimal("3.0")), ("2.5", Decimal("2.5")), (" 2.50 ", Decimal("2.5")), (".5", Decimal("0.5")), ("48", 48)],
)
def test_hours_are_read_as_a_decimal(text, hours):
    value = clean(HoursField(label="Hours a week"), text)
    assert value == hours
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the hours a week"),
        ("lots", "Hours a week must be a number, like 3 or 2.5"),
        ("2,5", "Hours a week must be a number, like 3 or 2.5"),
        ("1e309", "Hours a week must be a number, like 3 or 2.5"),
        ("NaN", "Hours a week must be a number, like 3 or 2.5"),
        ("Infinity", "Hours a week must be a number, like 3 or 2.5"),
        ("3 hours", "Hours a week must be a number, like 3 or 2.5"),
        ("0", "Hours a week must be between 0.5 and 48"),
        ("-1", "Hours a week must be between 0.5 and 48"),
        ("48.5", "Hours a week must be between 0.5 and 48"),
        ("99999999999999999999", "Hours a week must be between 0.5 and 48"),
        ("1" + "0" * 5000, "Hours a week must be between 0.5 and 48"),
        ("2.25", "Hours a week must be in half hours, like 2 or 2.5"),
        ("2.49", "Hours a week must be in half hours, like 2 or 2.5"),
    ],
)
def test_hours_that_are_not_a_number_out_of_range_or_not_half_hours_are_refused(text, message):
    assert clean(HoursField(label="Hours a week"), text) == [message]


def test_hours_rules_can_be_set_per_question():
    worked = HoursField(label="Hours worked", minimum=Decimal("0"))
    assert clean(worked, "0") == Decimal("0")
    contracted = HoursField(label="Contracted hours", minimum=Decimal("0"), maximum=Decimal("60"), step=TENTH)
    assert clean(contracted, "37.5") == Decimal("37.5")
    assert clean(contracted, "18.75") == ["Contracted hours must be to one decimal place, like 37.5"]
    assert clean(contracted, "61") == ["Contracted hours must be between 0 and 60"]
    search = HoursField(label="At least", what="Hours", step=None, required=False)
    assert clean(search, "2.3") == Decimal("2.3")
    assert clean(search, "") is None
    cap = HoursField(label="Weekly hour cap", what="The weekly cap")
    assert clean(cap, "x") == ["The weekly cap must be a number, like 3 or 2.5"]


def test_hours_show_without_a_trailing_zero():
    assert HoursField(label="Hours").prepare_value(Decimal("5.0")) == "5"
    assert HoursField(label="Hours").prepare_value(Decimal("2.5")) == "2.5"
    assert HoursField(label="Hours").prepare_value("2,5") == "2,5"  # as typed, on a page with an error


# --- money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("250", Decimal("250.00")),
        ("250.5", Decimal("250.50")),
        ("£1,200.50", Decimal("1200.50")),
        (" £ 1200.50 ", Decimal("1200.50")),
        ("0.01", Decimal("0.01")),
        ("999999999.99", Decimal("999999999.99")),
    ],
)
def test_an_amount_is_read_as_pounds_and_pence(text, amount):
    value = clean(AmountField(label="Amount received, in pounds"), text)
    assert value == amount
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the amount received, in pounds"),
        ("lots", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("£", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("1.2.3", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("1E100", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("NaN", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("Infinity", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("--5", "Amount received must be an amount in pounds, like 250 or 250.50"),
        ("0", "Amount received must be more than £0"),
        ("-5", "Amount received must be more than £0"),
        ("-£5", "Amount received must be more than £0"),
        ("12.345", "Amount received must be in pounds and pence, like 250.50"),
        ("1000000000", "Amount received must be less than £1,000,000,000"),
        ("9" * 5000, "Amount received must be less than £1,000,000,000"),
    ],
)
def test_an_amount_that_is_not_pounds_and_pence_or_not_positive_is_refused(text, message):
    field = AmountField(
        label="Amount received, in pounds", error_messages={"required": "Enter the amount received, in pounds"}
    )
    assert clean(field, text) == [message]


def test_an_amount_with_limits_of_its_own_names_both():
    rate = AmountField(
        label="Hourly rate, in pounds", what="The hourly rate", minimum=Decimal("1"), maximum=Decimal("1000")
    )
    assert clean(rate, "45.50") == Decimal("45.50")
    assert clean(rate, "0.99") == ["The hourly rate must be between £1 and £1,000"]
    assert clean(rate, "1000.01") == ["The hourly rate must be between £1 and £1,000"]


# --- whole numbers ----------------------------------------------------------------------------------


def test_a_whole_number_is_read_and_kept_within_its_limits():
    year = WholeNumberField(label="Year", min_value=1990, max_value=2026)
    assert clean(year, " 2024 ") == 2024
    assert clean(year, "2024.5") == ["Year must be a whole number"]
    assert clean(year, "1e3") == ["Year must be a whole number"]
    assert clean(year, "2_024") == ["Year must be a whole number"]
    assert clean(year, "x") == ["Year must be a whole number"]
    assert clean(year, "1989") == ["Year must be between 1990 and 2026"]
    assert clean(year, "-2024") == ["Year must be between 1990 and 2026"]
    assert clean(year, "99999999999999999999") == ["Year must be between 1990 and 2026"]
    assert clean(year, "9" * 5000) == ["Year must be between 1990 and 2026"]
    year.max_value = 2030  # a limit that depends on the day, set when the form is made
    assert clean(year, "2030") == 2030


def test_a_whole_number_takes_its_own_messages():
    terms = WholeNumberField(
        label="Payment terms, in days",
        min_value=1,
        max_value=120,
        error_messages={"invalid": "Payment terms must be a whole number of days, like 30", "range": "Out"},
    )
    assert clean(terms, "thirty") == ["Payment terms must be a whole number of days, like 30"]
    assert clean(terms, "121") == ["Out"]
    assert clean(WholeNumberField(label="Cap", min_value=1), "0") == ["Cap must be 1 or more"]


# --- text -------------------------------------------------------------------------------------------

CONTROL = ["Eve Example\r\nBcc: x@y.example", "a\tb", "a\x1bb", "a\x00b", "Eve \u202eelpmaxE", "a\u2028b", "a\x85b"]


@pytest.mark.parametrize("text", CONTROL)
def test_one_line_text_refuses_control_and_hidden_characters(text):
    assert clean(OneLineTextField(label="Full name"), text) == [
        "Full name must not include line breaks, tabs or hidden characters"
    ]


@pytest.mark.parametrize("text", ["Zoë O’Brien-Łukasz", "Siân ap Rhys", "دانش‌پژوه", "👩‍💻 Ada", "  Eve Example  "])
def test_one_line_text_keeps_names_in_any_script(text):
    assert clean(OneLineTextField(label="Full name"), text) == text.strip()


def test_one_line_text_names_the_question_without_optional():
    assert clean(OneLineTextField(label="Cost centre (optional)", required=False), "a\tb") == [
        "Cost centre must not include line breaks, tabs or hidden characters"
    ]
    assert clean(OneLineTextField(label="Search", what="Your search", required=False), "a\nb") == [
        "Your search must not include line breaks, tabs or hidden characters"
    ]


def test_multi_line_text_keeps_line_breaks_and_refuses_other_control_characters():
    field = MultiLineTextField(label="What was the problem?", what="The problem")
    assert clean(field, "First line\r\nSecond line\nThird") == "First line\r\nSecond line\nThird"
    for text in ("a\tb", "a\x1bb", "a\u202eb", "a\x0bb"):
        assert clean(field, text) == ["The problem must not include tabs or hidden characters"]
    assert isinstance(field.widget, forms.Textarea)


def test_a_web_address_refuses_hidden_characters():
    field = WebAddressField(label="Link (optional)", assume_scheme="https", required=False)
    assert clean(field, "https://example.gov.uk/case-study") == "https://example.gov.uk/case-study"
    assert clean(field, "https://example.gov.uk/\u202efdp.exe") == [
        "Link must not include line breaks, tabs or hidden characters"
    ]


def test_the_text_rule_itself():
    assert not has_control_characters("plain text, with punctuation: £5 – ok?")
    assert has_control_characters("a\nb")
    assert not has_control_characters("a\r\nb", multiline=True)
    assert has_control_characters("a\tb", multiline=True)
    assert has_control_characters("\ufeffBOM")
    assert not has_control_characters("\u200d\u200c")  # joiners


# --- the rules the services share -------------------------------------------------------------------


def test_the_hours_and_money_rules_take_only_typed_values():
    """A service handed text has a caller that forgot to parse it: that is a programming error."""
    with pytest.raises(TypeError, match="parse it in a form field"):
        hours_problem("3")
    with pytest.raises(TypeError, match="parse it in a form field"):
        amount_problem("250")
    assert hours_problem(3) is None
    assert amount_problem(250) is None
