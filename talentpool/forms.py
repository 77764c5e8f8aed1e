"""Pool forms: parse and validate; the services decide."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from core.forms import (
    AmountField,
    DateField,
    GovForm,
    HoursField,
    MultiLineTextField,
    OneLineTextField,
    WebAddressField,
    WholeNumberField,
    choice_field,
)
from core.hours import TENTH
from core.text import has_control_characters
from councils.models import Council, CouncilStatus, Nation

from .models import SearchVocabulary, ServiceArea, Skill
from .reference import capitals_only, lgdss_choices, vocabulary_phrase
from .selectors import SearchParams
from .weeks import WINDOW_WEEKS, first_future_monday

MAX_TEXT = 200


def _hours_field(label, help_text="In hours, in half hours if needed, like 3 or 2.5.", **rules):
    return HoursField(label=label, help_text=help_text, **rules)


class _Choices(BaseChoiceIterator):
    """Choices already in (value, label) pairs: Django takes them as they are instead of normalising each
    of the search filters' ~1,250 options again on every search."""

    def __init__(self, *choices: tuple[Any, str]):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


def future_mondays(today: date | None = None, weeks: int = WINDOW_WEEKS) -> list[date]:
    first = first_future_monday(today or timezone.localdate())
    return [first + timedelta(weeks=i) for i in range(weeks)]


def week_choices(today: date | None = None) -> list[tuple[str, str]]:
    return [(d.isoformat(), f"Week of {d:%-d %B %Y}") for d in future_mondays(today)]


class ProfileForm(GovForm):
    submit_label = "Save profile"
    headline = OneLineTextField(
        label="Headline",
        help_text="One line other councils see first, like “Housing repairs service designer”.",
        max_length=120,
        error_messages={"required": "Enter a headline"},
    )
    summary = MultiLineTextField(
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
    own_tags = OneLineTextField(
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
    service_area_find = OneLineTextField(
        label="Find a service by name", max_length=200, required=False, what="The service's name"
    )
    lgdss_points = forms.TypedMultipleChoiceField(
        label="Points of the Local Government Digital Service Standard you can help with",
        choices=lgdss_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contracted_hours = _hours_field(
        "Contracted hours per week",
        help_text="The hours your employment contract sets.",
        minimum=Decimal("0"),
        maximum=Decimal("60"),
        step=TENTH,
    )
    working_time_opt_out = forms.BooleanField(
        label="I have opted out of the 48-hour weekly limit (Working Time Regulations)", required=False
    )

    def layout_fields(self):
        return [
            Field.text("headline", field_width=Fluid.FULL),
            Field.textarea("summary", rows=6),
            Field.checkboxes("skills", legend_size=Size.SMALL, small=True),
            Field.text("own_tags", field_width=Fluid.FULL),
            Field("service_areas", template="talentpool/_service_areas_field.html"),
            Field.checkboxes("lgdss_points", legend_size=Size.SMALL, small=True),
            Field.text("contracted_hours", field_width=Fixed.FIVE),
            Field("working_time_opt_out"),
        ]

    def service_area_groups(self) -> list[dict]:
        """The service areas by group, each with whether it is ticked and how many of the group are."""
        ticked = {str(v) for v in (self["service_areas"].value() or [])}
        groups: dict[str, list[dict]] = {}
        for n, area in enumerate(ServiceArea.objects.order_by("group", "description"), start=1):
            # numbered from 1 like crispy-forms-gds's boxes, so the error summary links to the first
            item = {
                "n": n,
                "pk": area.pk,
                "name": area.description,
                "code": area.code,
                "ticked": str(area.pk) in ticked,
            }
            groups.setdefault(area.group or "Other services", []).append(item)
        return [{"name": g, "areas": a, "ticked": sum(x["ticked"] for x in a)} for g, a in groups.items()]

    def clean(self):
        """A service typed by name (picked from the suggestions, without scripts) joins the ticked ones."""
        super().clean()
        data = self.cleaned_data
        typed = (data.get("service_area_find") or "").strip()
        if typed:
            area = ServiceArea.objects.filter(description__iexact=" ".join(typed.split())).first()
            if area is None:
                self.add_error("service_area_find", f"No council service is called “{typed}”: pick one from the list")
            else:
                data["service_areas"] = [*(data.get("service_areas") or []), area]
        return data


class PastProjectForm(GovForm):
    submit_label = "Save past project"
    title = OneLineTextField(label="Title", max_length=150, error_messages={"required": "Enter a title"})
    problem = MultiLineTextField(
        label="What was the problem?",
        what="The problem",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what the problem was"},
    )
    what_i_did = MultiLineTextField(
        label="What did you do?",
        what="What you did",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what you did"},
    )
    outcome = MultiLineTextField(
        label="What was the outcome?",
        what="The outcome",
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
    year = WholeNumberField(
        label="Year",
        help_text="The year the work finished, like 2024.",
        min_value=1990,
        error_messages={"required": "Enter the year", "invalid": "The year must be a number, like 2024"},
    )
    link = WebAddressField(
        assume_scheme="https",
        label="Link (optional)",
        help_text="A case study or blog post about it.",
        required=False,
        error_messages={"invalid": "Enter a web address, like https://example.gov.uk/case-study"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.IntegerField)  # WholeNumberField (form.fields holds any Field)
        year.max_value = timezone.localdate().year  # the work has finished

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
    weekly_cap = _hours_field(
        "Weekly hour cap", help_text="The most hours a week they may offer, like 5.", what="The weekly cap"
    )
    ends_on = DateField(
        label="Permission ends on",
        help_text="No more than 12 months from today. For example, 31 3 2027.",
        what="Approval end date",
        min_year=2000,
    )

    def layout_fields(self):
        return [Field.text("weekly_cap", field_width=Fixed.FIVE), Field("ends_on")]


class ReasonForm(GovForm):
    reason = MultiLineTextField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, what="The reason")

    def __init__(self, *args, label="Reason", required_message="Enter a reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class RateForm(GovForm):
    submit_label = "Save rate"
    hourly_rate = AmountField(
        label="Hourly rate, in pounds",
        help_text="What other councils pay your council per hour of this specialist’s time.",
        what="The hourly rate",
        minimum=Decimal("1"),
        maximum=Decimal("1000"),
        error_messages={"required": "Enter the hourly rate"},
    )

    def layout_fields(self):
        return [Field.text("hourly_rate", field_width=Fixed.FIVE)]


class PatternForm(GovForm):
    submit_label = "Save weekly hours"
    hours = _hours_field("Hours a week")
    starts_on = DateField(label="From", help_text="For example, 7 12 2026.", what="Start date", min_year=2000)
    ends_on = DateField(
        label="Until (optional)",
        help_text="Leave empty to keep offering hours.",
        what="End date",
        min_year=2000,
        required=False,
    )
    skip_weeks = forms.MultipleChoiceField(
        label="Weeks to skip (optional)", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "skip_weeks").choices = week_choices()

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
    councils = list(
        Council.objects.filter(status=CouncilStatus.ACTIVE).order_by("short_name").values_list("code", "name", "region")
    )
    return {
        # the standard list and people's own tags together, in one alphabetical order whatever their case
        "skill": sorted(
            ((str(pk), name) for pk, name in Skill.objects.values_list("pk", "name")), key=lambda c: c[1].casefold()
        ),
        "service_area": [(str(a.code), a.description) for a in ServiceArea.objects.all()],
        "region": [(r, r) for r in sorted({region for _code, _name, region in councils if region})],
        "council": [(code, name) for code, name, _region in councils],
    }


def search_filter_choices_refresh() -> None:
    """Work the lists out again now: beat does, before they expire, so no search page waits for them."""
    cache.set(FILTER_CHOICES_KEY, _filter_choices_load(), FILTER_CHOICES_SECONDS)


def search_filter_choices() -> dict[str, list[tuple[str, str]]]:
    choices = cache.get_or_set(FILTER_CHOICES_KEY, _filter_choices_load, FILTER_CHOICES_SECONDS)
    assert choices is not None  # what _filter_choices_load returned, now or earlier
    return choices


class SearchForm(forms.Form):
    """The search page's filters. Bad values are reported on the page and ignored, never an error page."""

    q = OneLineTextField(label="Search", required=False, max_length=MAX_TEXT, what="Your search")
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
    min_hours = HoursField(label="At least this many hours a week", required=False, what="Hours", step=None)
    max_rate = AmountField(
        label="Hourly rate no more than (£)",
        required=False,
        what="The rate",
        minimum=Decimal("1"),
        maximum=Decimal("10000"),
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lists = search_filter_choices()
        choice_field(self, "skill").choices = _Choices(("", "Any skill"), *lists["skill"])
        choice_field(self, "service_area").choices = _Choices(("", "Any service"), *lists["service_area"])
        choice_field(self, "lgdss").choices = _Choices(("", "Any point"), *lgdss_choices())
        choice_field(self, "region").choices = _Choices(("", "Any region"), *lists["region"])
        choice_field(self, "council").choices = _Choices(("", "Any council"), *lists["council"])
        choice_field(self, "week").choices = _Choices(("", "Any week"), *week_choices())
        self.fields["q"].error_messages["max_length"] = f"Search for {MAX_TEXT} characters or fewer"
        for name in ("skill", "service_area", "lgdss", "nation", "region", "council", "sort"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"That {str(self.fields[name].label).lower()} is not one we know"
            )
            self.fields[name].error_messages["invalid_pk_value"] = (
                f"That {str(self.fields[name].label).lower()} is not one we know"
            )
        self.fields["week"].error_messages["invalid_choice"] = (
            "Choose a week from the list: a Monday in the next 26 weeks"
        )
        self.fields["within_weeks"].error_messages["invalid_choice"] = "Choose how many weeks ahead from the list"

    def params(self):
        """Search parameters from the valid fields; fields with errors are left out."""
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


class SearchVocabularyForm(forms.ModelForm):
    """The admin's form for one idea of the search vocabulary: phrases lower-cased (but for an abbreviation
    in capitals: talentpool.reference.vocabulary_phrase), each once, at least two, no control characters."""

    class Meta:
        model = SearchVocabulary
        fields = ["phrases"]
        widgets = {"phrases": forms.Textarea(attrs={"rows": 4, "cols": 100})}  # an idea has up to 25 phrases

    def clean_phrases(self) -> list[str]:
        phrases = sorted({vocabulary_phrase(p) for p in self.cleaned_data["phrases"] if p.strip()})
        twice = sorted({p for p in phrases if capitals_only(p) and p.lower() in phrases})
        if twice:
            raise forms.ValidationError(
                f"{twice[0]} is here in capitals and in lower case: keep one (in capitals, it names this idea"
                " only when a search has it in capitals)"
            )
        if any(has_control_characters(p) for p in phrases):
            raise forms.ValidationError("A phrase cannot hold control or hidden characters")
        if len(phrases) < 2:
            raise forms.ValidationError("Enter at least two phrases that mean the same, separated by commas")
        return phrases
