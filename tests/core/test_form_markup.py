"""Every form the project renders through crispy-forms-gds is GOV.UK Frontend markup that the compiled
stylesheet styles. No crispy-forms-gds release targets GOV.UK Frontend 6, so this is where a class it emits
and Frontend 6 no longer has, or a widget it does not know, shows up.

The forms are found, not listed: every subclass of core.forms.GovForm in the project's apps and the
django-allauth forms the project customises (councils.account_forms). Each is rendered unbound and bound
to empty data (so required fields show their errors), through the templates the pages use, then checked:
every govuk- class is a selector in the stylesheet and carries its block's class; each input, select and
textarea has its GOV.UK class and a label pointing at it (radios and checkboxes also a fieldset legend);
each error is a govuk-error-message in a govuk-form-group--error, on a control with its --error modifier;
and there is exactly one error summary, whose links reach the fields.
"""

import inspect
import re
from datetime import date
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest
from allauth.account import forms as allauth_forms
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from djmoney.forms.fields import MoneyField

from core.forms import GovForm
from councils import account_forms
from councils.models import Invitation, User
from tests.factories import reference_data_ensure
from tests.markup import Element, css_classes, error_summary_problems, parse, summary_items
from tests.test_access_matrix import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# --- finding the forms -------------------------------------------------------------------------------


def _project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [app for app in apps.get_app_configs() if Path(app.path).resolve().parent == base]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.Form]]:
    """GovForm's subclasses in the project's apps (each app's forms module imported first, so none is
    missed for not having been imported yet) and the account forms in councils.account_forms."""
    packages = {app.name for app in _project_apps()}
    for name in packages:
        try:
            import_module(f"{name}.forms")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.forms":
                raise
    gov = [cls for cls in _subclasses(GovForm) if cls.__module__.split(".")[0] in packages]
    account = [
        cls
        for cls in vars(account_forms).values()
        if isinstance(cls, type) and issubclass(cls, forms.Form) and cls.__module__ == account_forms.__name__
    ]
    return sorted({*gov, GovForm, *account}, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


class EveryWidgetForm(GovForm):
    """Not a page's form: the widgets the project's forms do not use yet (e-mail, number, URL, file, select,
    date, money, single checkbox) and an error that belongs to no field, so the fixes for them stay tested."""

    email = forms.EmailField(label="E-mail address")
    number = forms.IntegerField(label="A number")
    url = forms.URLField(label="A web address", assume_scheme="https")
    choice = forms.ChoiceField(label="A choice", choices=[("", "Choose"), ("a", "A"), ("b", "B")])
    text = forms.CharField(label="Some text", widget=forms.Textarea, help_text="A hint.")
    document = forms.FileField(label="A document")
    when = DateInputField(label="A date")
    amount = MoneyField(label="An amount", help_text="In pounds, like 12.50.", decimal_places=2, max_digits=8)
    agree = forms.BooleanField(label="I agree")
    size = forms.ChoiceField(label="A size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)
    colours = forms.MultipleChoiceField(
        label="Colours", choices=[("r", "Red"), ("g", "Green")], widget=forms.CheckboxSelectMultiple
    )

    def layout_fields(self):
        return [*super().layout_fields()[:-3], Field("agree"), Field.radios("size"), Field.checkboxes("colours")]

    def clean(self):
        raise forms.ValidationError("Something about the whole form is wrong")


FORMS = project_forms()


def test_the_forms_are_found():
    """If the finder broke, every test below would pass without rendering anything."""
    assert len(FORMS) >= 25, [cls.__name__ for cls in FORMS]
    names = {cls.__name__ for cls in FORMS}
    assert {"FinanceDetailsForm", "PatternForm", "PaymentForm", "LoginForm", "SignupForm"} <= names
    assert all(cls.__module__ != __name__ for cls in FORMS)


# --- rendering them as the pages do ------------------------------------------------------------------

# form_page.html and every page with a GovForm: the error summary above, then {% crispy form %}.
GOV_FORM = Template("{% load crispy_forms_tags %}{% include 'includes/error_summary.html' %}{% crispy form %}")


def build(cls, request, data=None) -> forms.Form:
    """The form, bound to `data` if given, with the keyword arguments its __init__ requires."""
    known = {
        "invitation": Invitation(email="new.person@alphaton.gov.uk", full_name=""),
        "today": date(2026, 11, 30),
        "request": request,
        "user": User(email="someone@alphaton.gov.uk"),
        "temp_key": "a-key",
        "weeks": [date(2026, 12, 7), date(2026, 12, 14)],  # needs.forms.AnswerForm
        "po_required": True,  # needs.forms.BookFromAnswerForm
        "label": "Why?",  # needs.forms.ReasonForm
        "required_message": "Enter why",
        "regions": ["Wales", "South West"],  # councils.forms.RegisterPickForm
        "types": [("UA", "Unitary authority")],
    }
    kwargs = {}
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        for name, param in inspect.signature(init).parameters.items():
            if param.kind is param.KEYWORD_ONLY and param.default is param.empty and name not in kwargs:
                if name not in known:
                    pytest.fail(f"{cls.__name__} needs `{name}`: add an example to build()")
                kwargs[name] = known[name]
    if issubclass(cls, allauth_forms.LoginForm):
        kwargs["request"] = request  # as allauth's login view passes it
    if data is not None:
        return cls(data=data, files={}, **kwargs)
    return cls(**kwargs)


def render(form: forms.Form, request) -> str:
    if isinstance(form, GovForm):
        return GOV_FORM.render(Context({"form": form, "request": request}))
    # django-allauth's pages: templates/allauth/elements/fields.html (the summary, then each field through
    # crispy-forms-gds), the same field template the account pages' own loops use.
    return render_to_string("allauth/elements/fields.html", {"attrs": {"form": form}}, request=request)


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    request.session = {}
    return request


# --- what GOV.UK Frontend 6 expects ------------------------------------------------------------------

# GOV.UK Frontend 6's own component templates set these, but its stylesheet has no selector for them.
UNSTYLED_GOVUK_CLASSES = {
    "govuk-radios",  # the block (radios/template.njk); Frontend 6 styles its items, its JavaScript the block
    "govuk-checkboxes",  # likewise (checkboxes/template.njk)
    "govuk-file-upload--error",  # file-upload/template.njk; the error shows through govuk-form-group--error
    "govuk-table__head",  # table/template.njk: the head, body and rows are named, only cells are styled
    "govuk-table__body",
    "govuk-table__row",
}


@cache
def stylesheet_classes() -> frozenset[str]:
    """The classes the compiled stylesheet that base.html links to (scripts/build_assets.sh builds it)."""
    base_html = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    links = re.findall(r"""<link rel="stylesheet" href="\{% static '([^']+\.css)' %\}">""", base_html)
    assert links, "base.html links no stylesheet from static/"
    found = set()
    for link in links:
        path = Path(settings.BASE_DIR) / "static" / link
        if not path.exists():
            pytest.skip(f"{path} is not built: run `make assets` (`make test` does)")
        found |= css_classes(path.read_text())
    assert {"govuk-input", "govuk-error-summary"} <= found, "the stylesheet is not GOV.UK Frontend"
    return frozenset(found)


def control_class(control: Element) -> str:
    if control.tag in ("select", "textarea"):
        return f"govuk-{control.tag}"
    return {
        "checkbox": "govuk-checkboxes__input",
        "radio": "govuk-radios__input",
        "file": "govuk-file-upload",
    }.get(control.attrs.get("type", "text"), "govuk-input")


ERROR_MODIFIER = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


def controls(root: Element) -> list[Element]:
    return [
        e
        for e in root.iter()
        if e.tag in ("select", "textarea")
        or (e.tag == "input" and e.attrs.get("type", "text") not in ("hidden", "submit", "button"))
    ]


def class_problems(root: Element) -> list[str]:
    known = stylesheet_classes() | UNSTYLED_GOVUK_CLASSES
    problems = []
    for element in root.iter():
        for cls in element.classes:
            if not cls.startswith("govuk-") or cls.startswith("govuk-js-"):
                continue
            if cls not in known:
                problems.append(f"{element!r}: class {cls} is not in GOV.UK Frontend 6's stylesheet")
            block = cls.split("--")[0]
            if "--" in cls and not cls.startswith("govuk-!-") and block not in element.classes:
                problems.append(f"{element!r}: modifier {cls} without {block}")
    return problems


def control_problems(root: Element) -> list[str]:
    """Each control: its GOV.UK class and no stray one (like `numberinput`), a govuk-label pointing at it,
    and for radios, checkbox lists and date parts a fieldset with a govuk-fieldset__legend."""
    labels = {}
    for label in root.find_all("label"):
        labels.setdefault(label.attrs.get("for"), []).append(label)
    problems = []
    for control in controls(root):
        want = control_class(control)
        if want not in control.classes:
            problems.append(f"{control!r}: no {want} class")
        stray = [c for c in control.classes if not c.startswith(("govuk-", "tp-"))]
        if stray:
            problems.append(f"{control!r}: classes {stray} are not GOV.UK's")
        its_labels = labels.get(control.attrs.get("id"), [])
        if not control.attrs.get("id") or not its_labels:
            problems.append(f"{control!r}: no label points at it")
        elif not all("govuk-label" in label.classes and label.text() for label in its_labels):
            problems.append(f"{control!r}: its label is not a govuk-label with words")
        grouped = control.attrs.get("type") == "radio" or "govuk-date-input__input" in control.classes
        grouped = grouped or bool(control.closest(cls="govuk-checkboxes") and control.closest("fieldset"))
        if grouped:
            fieldset = control.closest("fieldset")
            legends = fieldset.find_all("legend") if fieldset else []
            if not legends or "govuk-fieldset__legend" not in legends[0].classes:
                problems.append(f"{control!r}: not in a fieldset with a govuk-fieldset__legend")
    buttons = [e for e in root.iter() if e.tag == "button" or (e.tag == "input" and e.attrs.get("type") == "submit")]
    problems += [f"{button!r}: not a govuk-button" for button in buttons if "govuk-button" not in button.classes]
    return problems


def form_group(control: Element) -> Element | None:
    """The field's govuk-form-group (for a date part, the date's, not the part's own)."""
    group = control.closest(cls="govuk-form-group")
    while group is not None and group.closest(cls="govuk-date-input"):
        group = group.closest(cls="govuk-form-group")
    return group


def error_problems(form: forms.Form, root: Element) -> list[str]:
    """Each field with an error: the message as a govuk-error-message in a govuk-form-group--error, the
    --error modifier on its control (not radios or checkboxes: GOV.UK marks the group), the control (or
    the fieldset) described by the message; no error summary on a form without errors."""
    problems = []
    if not form.errors:
        for cls in ("govuk-error-summary", "govuk-error-message", "govuk-form-group--error"):
            if root.find_all(cls=cls):
                problems.append(f"{cls} on a form without errors")
        return problems
    problems += error_summary_problems(root)
    listed = [text for _href, text in summary_items(root)]
    for message in form.non_field_errors():
        if message not in listed:
            problems.append(f"non-field error {message!r} is not in the error summary")
    for field in form.visible_fields():
        if not field.errors:
            continue
        mine = [
            c
            for c in controls(root)
            if c.attrs.get("name") == field.html_name or c.attrs.get("name", "").startswith(f"{field.html_name}_")
        ]
        if not mine:
            problems.append(f"{field.name}: no control rendered")
            continue
        group = form_group(mine[0])
        if group is None or "govuk-form-group--error" not in group.classes:
            problems.append(f"{field.name}: its form group lacks govuk-form-group--error")
        messages = group.find_all(cls="govuk-error-message") if group else []
        for error in field.errors:
            if not any(error in m.text() for m in messages):
                problems.append(f"{field.name}: {error!r} is not shown as a govuk-error-message")
            if error not in listed:
                problems.append(f"{field.name}: {error!r} is not in the error summary")
        message_ids = {m.attrs.get("id") for m in messages}
        marked = [c for c in mine if control_class(c) in ERROR_MODIFIER]  # of a date, the parts in error
        if marked and not any(ERROR_MODIFIER[control_class(c)] in c.classes for c in marked):
            problems.append(f"{field.name}: no control carries its --error modifier")
        described_by = set()  # GOV.UK describes a fieldset's controls (radios, checkboxes, date) on the fieldset
        for element in [*mine, *filter(None, [mine[0].closest("fieldset")])]:
            described_by |= set(element.attrs.get("aria-describedby", "").split())
        if not message_ids & described_by:
            problems.append(f"{field.name}: no control is described by its error message")
    return problems


CASES = [pytest.param(cls, id=f"{cls.__module__}.{cls.__name__}") for cls in [*FORMS, EveryWidgetForm]]


@pytest.mark.parametrize("cls", CASES)
@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound-empty"])
def test_form_renders_as_govuk_frontend_markup(cls, bound, request_):
    reference_data_ensure()  # the profile form's skills and service areas, as on the pages
    form = build(cls, request_, data={} if bound else None)
    html = render(form, request_)
    root = parse(html)
    problems = class_problems(root) + control_problems(root) + error_problems(form, root)
    if bound and any(f.required for f in form.fields.values()):
        assert form.errors, "empty data should be refused, so the errors are checked"
    assert not problems, "\n".join(dict.fromkeys(problems))


# --- the forms laid out by hand in their templates -------------------------------------------------------

HAND_BUILT_PAGES = ["talentpool:search", "bookings:request_week", "platform:dashboard"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", HAND_BUILT_PAGES)
def test_hand_built_forms_use_govuk_frontend_markup(world, name):  # noqa: F811
    """The search filters, the booking request table and the councils filter are laid out in their
    templates, not by crispy-forms-gds: the same class and label checks, on the page as served."""
    from tests.test_access_matrix import MATRIX, call
    from tests.test_hostile_input import person_for

    entry = MATRIX[name]
    response, _wrote = call(world, person_for(entry), "get", entry.ok(world))
    assert response.status_code == 200
    forms_on_page = [f for f in parse(response.content.decode()).find_all("form") if controls(f)]
    assert forms_on_page, f"{name}: no form with questions found"
    problems = [p for form in forms_on_page for p in class_problems(form) + control_problems(form)]
    assert problems == [], "\n".join(problems)
