"""The needs pages' forms: posting a need (every problem shown at once), answering, booking from an answer."""

from datetime import date

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.utils import timezone

from core.forms import DateField, GovForm, HoursField, MultiLineTextField, OneLineTextField, choice_field
from talentpool.forms import week_choices
from talentpool.models import ServiceArea, Skill

from .services import MOST_WEEKS, NeedDetails, need_problems


class NeedForm(GovForm):
    submit_label = "Save and check"
    title = OneLineTextField(
        label="What is your council starting?",
        help_text="One line, like “Moving garden waste to a subscription service”.",
        max_length=120,
        error_messages={"required": "Enter what your council is starting"},
    )
    problem = MultiLineTextField(
        label="The problem",
        help_text="What is not working now, in your own words. Specialists are matched on these words.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Enter the problem"},
    )
    help_wanted = MultiLineTextField(
        label="The help you want",
        help_text="What you would like a specialist to do in the hours you book.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Enter the help you want"},
    )
    service_area = forms.TypedChoiceField(label="Service area (optional)", coerce=int, required=False, empty_value=None)
    skills = forms.TypedMultipleChoiceField(
        label="Skills wanted (optional)", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    weeks = forms.TypedMultipleChoiceField(
        label="Which weeks?",
        help_text=f"Up to {MOST_WEEKS} weeks.",
        coerce=date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one week"},
    )
    hours = HoursField(label="Hours a week", help_text="In half hours, like 3 or 2.5.", what="Hours a week")
    closes_on = DateField(
        label="Closing date for answers",
        help_text="Before the first week you want. For example, 27 3 2027.",
        what="Closing date",
    )
    shared = forms.BooleanField(label="Let booking officers in other councils see this need too", required=False)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        areas = ServiceArea.objects.order_by("description").values_list("code", "description")
        choice_field(self, "service_area").choices = [("", "Any service area"), *[(str(c), d) for c, d in areas]]
        skills = Skill.objects.filter(controlled=True).order_by("name").values_list("pk", "name")
        choice_field(self, "skills").choices = [(str(pk), name) for pk, name in skills]
        choice_field(self, "weeks").choices = week_choices(self.today)

    def layout_fields(self):
        return [
            Field.text("title"),
            Field.textarea("problem", rows=4),
            Field.textarea("help_wanted", rows=4),
            Field.select("service_area"),
            Field.checkboxes("skills", legend_size=Size.SMALL, small=True),
            Field.checkboxes("weeks", legend_size=Size.SMALL, small=True),
            Field.text("hours", field_width=Fixed.FIVE),
            Field("closes_on"),
            Field.checkbox("shared", small=True),
        ]

    def details(self) -> NeedDetails:
        data = self.cleaned_data
        area = ServiceArea.objects.filter(code=data["service_area"]).first() if data.get("service_area") else None
        return NeedDetails(
            title=data.get("title", ""),
            problem=data.get("problem", ""),
            help_wanted=data.get("help_wanted", ""),
            weeks=list(data.get("weeks") or []),
            hours=data["hours"],
            closes_on=data["closes_on"],
            shared=bool(data.get("shared")),
            service_area=area,
            skills=tuple(Skill.objects.filter(pk__in=data.get("skills") or [])),
        )

    def clean(self):
        """Every problem at once: the rules a need must meet (the service's own) for the fields that have
        no error of their own."""
        data = super().clean() or {}
        if data.get("hours") is None or data.get("closes_on") is None:
            return data
        for name, problem in need_problems(self.details(), today=self.today).items():
            if name not in self.errors:
                self.add_error(name, problem)
        return data


class AnswerForm(GovForm):
    submit_label = "Send your answer"
    note = MultiLineTextField(
        label="Your answer",
        help_text="A few lines: what you did before that fits, and how you would help.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=1000,
        error_messages={"required": "Enter a short note: what you did before that fits this need"},
    )
    weeks = forms.TypedMultipleChoiceField(
        label="Which weeks can you offer?",
        help_text="Your open weeks among those wanted.",
        coerce=date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one of the weeks you can offer"},
    )

    def __init__(self, *args, weeks: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "weeks").choices = [(w.isoformat(), f"Week of {w:%-d %B %Y}") for w in weeks]

    def layout_fields(self):
        return [Field.textarea("note", rows=5), Field.checkboxes("weeks", legend_size=Size.SMALL, small=True)]


class BookFromAnswerForm(GovForm):
    submit_label = "Send the booking request"
    po_number = OneLineTextField(
        label="Purchase order (PO) number", max_length=40, required=False, what="Purchase order (PO) number"
    )
    cost_centre = OneLineTextField(label="Cost centre (optional)", max_length=40, required=False)
    keep_open = forms.BooleanField(
        label="Keep the need open for more people (otherwise it closes, and the others who answered are told)",
        required=False,
    )

    def __init__(self, *args, po_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if po_required:
            self.fields["po_number"].required = True
            self.fields["po_number"].error_messages["required"] = "Enter the purchase order (PO) number"
        else:
            self.fields["po_number"].label = "Purchase order (PO) number (optional)"

    def layout_fields(self):
        return [
            Field.text("po_number", field_width=Fixed.TWENTY),
            Field.text("cost_centre", field_width=Fixed.TWENTY),
            Field.checkbox("keep_open", small=True),
        ]


class ReasonForm(GovForm):
    reason = MultiLineTextField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, label: str, required_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message

    def layout_fields(self):
        return [Field.textarea("reason", rows=3)]


class EmailsForm(GovForm):
    submit_label = "Save"
    emails = forms.ChoiceField(
        label="When a council posts a need your past work fits",
        choices=[("on", "Send me these e-mails"), ("off", "Do not send them (I will see them on my home page)")],
        widget=forms.RadioSelect,
    )

    def layout_fields(self):
        return [Field.radios("emails", legend_size=Size.MEDIUM)]
