"""Pool forms: parse and validate; the services decide."""

from datetime import date, timedelta
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.cache import cache
from django.utils import timezone

from core.forms import GovForm
from councils.models import Council, CouncilStatus, Nation

from .models import ServiceArea, Skill
from .reference import lgdss_choices
from .weeks import WINDOW_WEEKS, first_future_monday

MAX_TEXT = 200


def _hours_field(label, help_text="In hours, in half hours if needed, like 3 or 2.5.", required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def future_mondays(today: date | None = None, weeks: int = WINDOW_WEEKS) -> list[date]:
    first = first_future_monday(today or timezone.localdate())
    return [first + timedelta(weeks=i) for i in range(weeks)]


def week_choices(today: date | None = None) -> list[tuple[str, str]]:
    return [(d.isoformat(), f"Week of {d:%-d %B %Y}") for d in future_mondays(today)]


class ProfileForm(GovForm):
    submit_label = "Save profile"
    headline = forms.CharField(
        label="Headline",
        help_text="One line other councils see first, like “Housing repairs service designer”.",
        max_length=120,
        error_messages={"required": "Enter a headline"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="What you know and how you can help another council.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        error_messages={"required": "Enter a summary"},
    )
    skills = forms.ModelMultipleChoiceField(
        label="Skills",
        queryset=Skill.objects.filter(controlled=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    own_tags = forms.CharField(
        label="Other skills (optional)",
        help_text="Separate them with commas, like “housing benefit, Power BI”.",
        max_length=500,
        required=False,
    )
    service_areas = forms.ModelMultipleChoiceField(
        label="Council services you know",
        help_text="From the Local Government Service List.",
        queryset=ServiceArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lgdss_points = forms.TypedMultipleChoiceField(
        label="Points of the Local Government Digital Service Standard you can help with",
        choices=lgdss_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contracted_hours = _hours_field("Contracted hours per week", help_text="The hours your employment contract sets.")
    working_time_opt_out = forms.BooleanField(
        label="I have opted out of the 48-hour weekly limit (Working Time Regulations)", required=False
    )

    def layout_fields(self):
        return [
            Field.text("headline", field_width=Fluid.FULL),
            Field.textarea("summary", rows=6),
            Field.checkboxes("skills", legend_size=Size.SMALL, small=True),
            Field.text("own_tags", field_width=Fluid.FULL),
            Field.checkboxes("service_areas", legend_size=Size.SMALL, small=True),
            Field.checkboxes("lgdss_points", legend_size=Size.SMALL, small=True),
            Field.text("contracted_hours", field_width=Fixed.FIVE),
            Field("working_time_opt_out"),
        ]

    def clean_contracted_hours(self):
        from .services import parse_hours

        hours = parse_hours(self.cleaned_data["contracted_hours"])
        if hours is None:
            raise forms.ValidationError("Contracted hours must be a number, like 37 or 22.5")
        if not 0 <= hours <= 60:
            raise forms.ValidationError("Contracted hours must be between 0 and 60")
        return hours


class PastProjectForm(GovForm):
    submit_label = "Save past project"
    title = forms.CharField(label="Title", max_length=150, error_messages={"required": "Enter a title"})
    problem = forms.CharField(
        label="What was the problem?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what the problem was"},
    )
    what_i_did = forms.CharField(
        label="What did you do?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what you did"},
    )
    outcome = forms.CharField(
        label="What was the outcome?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the outcome"},
    )
    service_area = forms.ModelChoiceField(
        label="Service area (optional)",
        queryset=ServiceArea.objects.all(),
        required=False,
        empty_label="None",
    )
    year = forms.IntegerField(
        label="Year",
        help_text="The year the work finished, like 2024.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the year", "invalid": "The year must be a number, like 2024"},
    )
    link = forms.URLField(
        assume_scheme="https",
        label="Link (optional)",
        help_text="A case study or blog post about it.",
        required=False,
        error_messages={"invalid": "Enter a web address, like https://example.gov.uk/case-study"},
    )

    def layout_fields(self):
        return [
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("problem", rows=4),
            Field.textarea("what_i_did", rows=4),
            Field.textarea("outcome", rows=3),
            Field.select("service_area"),
            Field.text("year", field_width=Fixed.FOUR),
            Field.text("link", field_width=Fluid.FULL),
        ]


class ApproveForm(GovForm):
    submit_label = "Approve"
    weekly_cap = _hours_field("Weekly hour cap", help_text="The most hours a week they may offer, like 5.")
    ends_on = DateInputField(
        label="Permission ends on", help_text="No more than 12 months from today. For example, 31 3 2027."
    )

    def layout_fields(self):
        return [Field.text("weekly_cap", field_width=Fixed.FIVE), Field("ends_on")]


class ReasonForm(GovForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, label="Reason", required_message="Enter a reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class RateForm(GovForm):
    submit_label = "Save rate"
    hourly_rate = forms.DecimalField(
        label="Hourly rate, in pounds",
        help_text="What other councils pay your council per hour of this specialist’s time.",
        min_value=Decimal("1"),
        max_value=Decimal("1000"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the hourly rate",
            "invalid": "Enter the hourly rate in pounds, like 45 or 45.50",
            "min_value": "The hourly rate must be between £1 and £1,000",
            "max_value": "The hourly rate must be between £1 and £1,000",
            "max_decimal_places": "Enter the hourly rate to the penny, like 45.50",
        },
    )

    def layout_fields(self):
        return [Field.text("hourly_rate", field_width=Fixed.FIVE)]


class PatternForm(GovForm):
    submit_label = "Save weekly hours"
    hours = _hours_field("Hours a week")
    starts_on = DateInputField(label="From", help_text="For example, 7 12 2026.")
    ends_on = DateInputField(label="Until (optional)", help_text="Leave empty to keep offering hours.", required=False)
    skip_weeks = forms.MultipleChoiceField(
        label="Weeks to skip (optional)", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skip_weeks"].choices = week_choices()

    def layout_fields(self):
        return [
            Field.text("hours", field_width=Fixed.FIVE),
            Field("starts_on"),
            Field("ends_on"),
            Field.checkboxes("skip_weeks", legend_size=Size.SMALL, small=True),
        ]

    def clean_skip_weeks(self):
        return [date.fromisoformat(d) for d in self.cleaned_data["skip_weeks"]]


class WeekForm(GovForm):
    submit_label = "Save hours for this week"
    hours = _hours_field("Hours this week")

    def layout_fields(self):
        return [Field.text("hours", field_width=Fixed.FIVE)]


SORT_CHOICES = [("relevance", "Best match"), ("soonest", "Soonest available"), ("rate", "Lowest rate")]

# The search filters' lists (skills, service areas, regions and councils) change rarely: they are read from
# the database at most once every FILTER_CHOICES_SECONDS per process (or per shared cache), which took
# five queries off every search page (benchmarks/README.md). A council activated meanwhile appears in
# the council filter within that time.
FILTER_CHOICES_SECONDS = 300
FILTER_CHOICES_KEY = "talentpool:search-filter-choices:v1"


def _filter_choices_load() -> dict[str, list[tuple[str, str]]]:
    active = Council.objects.filter(status=CouncilStatus.ACTIVE)
    return {
        "skill": [(str(pk), name) for pk, name in Skill.objects.values_list("pk", "name")],
        "service_area": [(str(a.code), a.description) for a in ServiceArea.objects.all()],
        "region": [(r, r) for r in sorted(set(active.exclude(region="").values_list("region", flat=True)))],
        "council": list(active.order_by("short_name").values_list("code", "name")),
    }


def search_filter_choices() -> dict[str, list[tuple[str, str]]]:
    return cache.get_or_set(FILTER_CHOICES_KEY, _filter_choices_load, FILTER_CHOICES_SECONDS)


class SearchForm(forms.Form):
    """The search page's filters. Bad values are reported on the page and ignored, never an error page."""

    q = forms.CharField(label="Search", required=False, max_length=MAX_TEXT)
    skill = forms.TypedChoiceField(label="Skill", coerce=int, required=False, empty_value=None)
    service_area = forms.TypedChoiceField(label="Service area", coerce=int, required=False, empty_value=None)
    lgdss = forms.TypedChoiceField(label="Service standard point", coerce=int, required=False, empty_value=None)
    nation = forms.ChoiceField(label="Nation", choices=[("", "Any nation"), *Nation.choices], required=False)
    region = forms.ChoiceField(label="Region", required=False)
    council = forms.ChoiceField(label="Council", required=False)
    week = forms.TypedChoiceField(
        label="Available in the week of", coerce=date.fromisoformat, required=False, empty_value=None
    )
    within_weeks = forms.TypedChoiceField(
        label="Or available within",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Any time"), *[(str(n), f"the next {n} weeks") for n in (1, 2, 4, 8, 13, 26)]],
    )
    min_hours = forms.DecimalField(
        label="At least this many hours a week", required=False, min_value=Decimal("0.5"), max_value=48
    )
    max_rate = forms.DecimalField(
        label="Hourly rate no more than (£)", required=False, min_value=Decimal("1"), max_value=10000
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lists = search_filter_choices()
        self.fields["skill"].choices = [("", "Any skill"), *lists["skill"]]
        self.fields["service_area"].choices = [("", "Any service"), *lists["service_area"]]
        self.fields["lgdss"].choices = [("", "Any point"), *lgdss_choices()]
        self.fields["region"].choices = [("", "Any region"), *lists["region"]]
        self.fields["council"].choices = [("", "Any council"), *lists["council"]]
        self.fields["week"].choices = [("", "Any week"), *week_choices()]
        for name in ("min_hours", "max_rate"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
        self.fields["q"].error_messages["max_length"] = f"Search for {MAX_TEXT} characters or fewer"
        self.fields["min_hours"].error_messages.update(
            invalid="Hours must be a number, like 3",
            min_value="Hours must be between 0.5 and 48",
            max_value="Hours must be between 0.5 and 48",
        )
        self.fields["max_rate"].error_messages.update(
            invalid="The rate must be a number of pounds, like 50",
            min_value="The rate must be at least £1",
            max_value="The rate must be no more than £10,000",
        )
        for name in ("skill", "service_area", "lgdss", "nation", "region", "council", "sort"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"That {self.fields[name].label.lower()} is not one we know"
            )
            self.fields[name].error_messages["invalid_pk_value"] = (
                f"That {self.fields[name].label.lower()} is not one we know"
            )
        self.fields["week"].error_messages["invalid_choice"] = (
            "Choose a week from the list: a Monday in the next 26 weeks"
        )
        self.fields["within_weeks"].error_messages["invalid_choice"] = "Choose how many weeks ahead from the list"

    def params(self):
        """Search parameters from the valid fields; fields with errors are left out."""
        from .selectors import SearchParams

        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return SearchParams(
            q=(data.get("q") or "").strip(),
            skill=data.get("skill"),
            service_area=data.get("service_area"),
            lgdss=data.get("lgdss"),
            nation=data.get("nation") or "",
            region=data.get("region") or "",
            council=data.get("council") or "",
            week=data.get("week"),
            within_weeks=data.get("within_weeks"),
            min_hours=data.get("min_hours"),
            max_rate=data.get("max_rate"),
            sort=data.get("sort") or "relevance",
        )
