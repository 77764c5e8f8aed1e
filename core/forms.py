"""The GOV.UK form base every page form derives from (crispy-forms-gds renders it), and the fields that
parse what people type into typed values."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms


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


class ConfirmForm(GovForm):
    """A page that asks only to confirm: one button, no fields."""

    submit_label = "Confirm"
