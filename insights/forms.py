"""The charts' filters: the period and (for platform staff) the nation, kept in the address."""

from django import forms

from councils.models import Nation

PERIODS = [("3", "3 months"), ("6", "6 months"), ("12", "12 months"), ("24", "24 months")]
DEFAULT_MONTHS = 12


class ChartFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Period",
        choices=PERIODS,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Choose a period from the list"},
    )
    nation = forms.ChoiceField(
        label="Nation",
        choices=[("", "All nations"), *Nation.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a nation from the list"},
    )

    def __init__(self, *args, with_nation: bool = False, **kwargs):
        kwargs.setdefault("initial", {"months": str(DEFAULT_MONTHS)})
        super().__init__(*args, **kwargs)
        if not with_nation:
            del self.fields["nation"]

    def chosen(self) -> tuple[int, str]:
        """The period and nation asked for; a value with an error (shown on the page) falls back to the
        default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        months = data.get("months") if "months" not in self.errors else None
        nation = data.get("nation", "") if "nation" not in self.errors else ""
        return months or DEFAULT_MONTHS, nation or ""
