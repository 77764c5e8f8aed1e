"""Booking forms: parse and validate; the services decide."""

from datetime import date
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from core.forms import GovForm, HoursField, MultiLineTextField, OneLineTextField
from talentpool.models import SpecialistProfile

from .services import week_hours_problem

MAX_BRIEF = 3000


class BookingRequestForm(forms.Form):
    """One checkbox and one hours box per open week, then the brief, PO number and cost centre."""

    brief = MultiLineTextField(
        label="Brief",
        help_text="What you need help with, so the specialist can decide.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_BRIEF,
        error_messages={"required": "Enter a brief of the work"},
    )
    po_number = OneLineTextField(
        label="Purchase order (PO) number", max_length=40, required=False, what="Purchase order (PO) number"
    )
    cost_centre = OneLineTextField(label="Cost centre (optional)", max_length=40, required=False)

    def __init__(
        self, *args, slots, po_required: bool, chosen: date | None = None, profile: SpecialistProfile, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.slots = list(slots)
        self.week_fields = []
        for slot in self.slots:
            key = slot.week_start.isoformat()
            self.fields[f"week_{key}"] = forms.BooleanField(
                required=False,
                initial=slot.week_start == chosen,
                label=f"Request the week of {slot.week_start:%-d %B %Y}",
            )
            self.fields[f"hours_{key}"] = HoursField(
                required=False,
                initial=slot.hours,
                label=f"Hours in the week of {slot.week_start:%-d %B %Y}",
            )
            self.week_fields.append((slot, self[f"week_{key}"], self[f"hours_{key}"]))
        self.po_required = po_required
        if po_required:
            self.fields["po_number"].help_text = "Your council needs one on every booking."
        else:
            self.fields["po_number"].label = "Purchase order (PO) number (optional)"

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.po_required and not (data.get("po_number") or "").strip():
            self.add_error("po_number", "Enter your purchase order number: your council needs one on every booking")
        chosen = [slot.week_start for slot in self.slots if data.get(f"week_{slot.week_start.isoformat()}")]
        for slot in self.slots:  # a week not asked for: what its hours box holds is not read, nor checked
            if slot.week_start not in chosen:
                self.errors.pop(f"hours_{slot.week_start.isoformat()}", None)
        if not chosen:
            first = self.slots[0].week_start.isoformat() if self.slots else None
            self.add_error(f"week_{first}" if first else None, "Choose at least one week")
        offered = {slot.week_start: slot.hours for slot in self.slots}
        for week in chosen:
            name = f"hours_{week.isoformat()}"
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the hours you need in the week of {week:%-d %B %Y}")
            elif data.get(name) is not None:
                # every week's problem now, with the brief's and the PO's, not one round at a time
                problem = week_hours_problem(profile=self.profile, week=week, hours=data[name], offered=offered[week])
                if problem:
                    self.add_error(name, problem)
        return data

    def chosen_weeks(self) -> dict[date, Decimal]:
        """The weeks asked for, with the hours wanted in each (valid forms only)."""
        data = self.cleaned_data
        return {
            slot.week_start: data[f"hours_{slot.week_start.isoformat()}"]
            for slot in self.slots
            if data.get(f"week_{slot.week_start.isoformat()}")
        }


def _hours_box(label, help_text=""):
    """Hours worked or agreed in one booked week: none is possible; more than booked is the service's to refuse."""
    return HoursField(label=label, help_text=help_text, minimum=Decimal("0"))


class TimesheetForm(GovForm):
    submit_label = "Record hours"
    hours = _hours_box("Hours worked", "Not more than the hours booked; in half hours, like 2.5.")
    note = MultiLineTextField(
        label="Note (optional)",
        help_text="What you did, briefly.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def layout_fields(self):
        return [Field.text("hours", field_width=Fixed.FIVE), Field.textarea("note", rows=3)]


class AgreedHoursForm(GovForm):
    submit_label = "Record agreed hours"
    hours = _hours_box("Agreed hours", "The hours both councils have agreed.")

    def layout_fields(self):
        return [Field.text("hours", field_width=Fixed.FIVE)]


class FeedbackForm(GovForm):
    submit_label = "Send feedback"
    rating = forms.TypedChoiceField(
        label="How would you rate the help you got?",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(5, "5: excellent"), (4, "4: good"), (3, "3: adequate"), (2, "2: poor"), (1, "1: very poor")],
        error_messages={"required": "Choose a rating from 1 to 5"},
    )
    comment = MultiLineTextField(
        label="Comment (optional)",
        help_text="Shown on their profile.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def layout_fields(self):
        return [Field.radios("rating", legend_size=Size.SMALL), Field.textarea("comment", rows=3)]
