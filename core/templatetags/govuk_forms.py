"""GOV.UK Frontend markup for forms, where crispy-forms-gds 2.0.1 (written for GOV.UK Frontend 4 and 5) falls
short of Frontend 6.

`{% load govuk_forms %}`, then:

- `form|error_summary_items`: what the one error summary (templates/includes/error_summary.html) lists.
- `{% govuk_field field %}`: crispy-forms-gds's `{% crispy_gds_field %}`, then each control's classes put
  right. The templates under templates/gds/ that render a control use it instead.
"""

from crispy_forms_gds.templatetags.crispy_forms_gds import CrispyGDSFieldNode, pairwise
from django import forms, template
from django.forms.widgets import Input
from djmoney.forms.widgets import MoneyWidget

register = template.Library()


# --- the error summary --------------------------------------------------------------------------------


def _is_choice_list(widget: forms.Widget) -> bool:
    return isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


def _error_targets(field: forms.BoundField) -> list[tuple[str, list[str]]]:
    """(the id of the control to go to, the errors) for one visible field, as GOV.UK links them: radios
    and checkboxes to their first option (crispy-forms-gds numbers them from 1: id_<name>_1), a field of
    several inputs (date, money) to the part the error is about, else its first part; any other field to
    its control."""
    widget = field.field.widget
    messages = [str(e) for e in field.errors]  # an ErrorList yields its messages
    if _is_choice_list(widget):
        return [(f"id_{field.html_name}_1", messages)]
    if isinstance(widget, forms.MultiWidget):
        targets: list[tuple[str, list[str]]] = []
        told: set[str] = set()
        for index, part in enumerate(getattr(field.field, "fields", ())):
            # crispy-forms-gds's DateInputField keeps each part's errors on the part's widget
            errors = [e for e in getattr(part.widget, "errors", ()) if e in messages]
            if errors:
                targets.append((f"{field.auto_id}_{index}", errors))
                told.update(errors)
        rest = [e for e in messages if e not in told]
        return [(f"{field.auto_id}_0", rest), *targets] if rest else targets
    return [(field.id_for_label or field.auto_id, messages)]


@register.filter
def error_summary_items(form) -> list[tuple[str | None, str]]:
    """The error summary's items, in page order: (the control's id to link to, or None; the message).
    Errors about no single field (the form's own, a service's refusal) and hidden fields' errors have no
    link, as in GOV.UK's error summary when an item has no href."""
    if not isinstance(form, forms.BaseForm) or not form.errors:
        return []
    items: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    for field in form.hidden_fields():
        items += [(None, str(e)) for e in field.errors]
    for field in form.visible_fields():
        if field.errors:
            items += [(target, str(e)) for target, errors in _error_targets(field) for e in errors]
    return items


# --- the controls' classes ----------------------------------------------------------------------------

ERROR_MODIFIER = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-checkboxes__input": None,  # GOV.UK marks the form group, not the box
}
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def govuk_class(widget: forms.Widget) -> str | None:
    """The GOV.UK class of a widget's control; None for one crispy-forms-gds draws itself (radios and
    checkbox lists) or that shows nothing (hidden)."""
    if isinstance(widget, forms.HiddenInput) or _is_choice_list(widget):
        return None
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea"
    if isinstance(widget, forms.Select):
        return "govuk-select"
    if isinstance(widget, forms.CheckboxInput):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.FileInput):
        return "govuk-file-upload"
    if isinstance(widget, Input):
        return "govuk-input"
    return None


def govuk_classes_set(field: forms.BoundField) -> None:
    """Each control's class list made GOV.UK's: its block class (crispy-forms-gds falls back to the widget's
    own name, like `numberinput` or `urlinput`) and, when it has an error, its own --error modifier
    (crispy-forms-gds adds govuk-input--error to text inputs, selects and textareas only, and to none of
    e-mail, password or number inputs). For a field of several inputs, the modifier goes on the parts the
    error is about, or on every part when it is about the whole."""
    widget: forms.Widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        parts = widget.widgets
        part_errors = [bool(getattr(f.widget, "errors", None)) for f in getattr(field.field, "fields", ())]
        errored = part_errors if any(part_errors) else [bool(field.errors)] * len(parts)
    else:
        parts = [getattr(widget, "widget", widget)]
        errored = [bool(field.errors)]
    modifiers = {m for m in ERROR_MODIFIER.values() if m}
    for part, has_error in zip(parts, errored, strict=False):
        block = govuk_class(part)
        if block is None:
            continue
        stray = type(part).__name__.lower()
        marked = ERROR_MODIFIER[block] in part.attrs.get("class", "").split()  # by the field (a date's boxes)
        has_error = has_error or (marked and bool(field.errors))
        classes = [c for c in part.attrs.get("class", "").split() if c != stray and c not in modifiers]
        if block not in classes:
            classes.insert(0, block)
        if has_error and ERROR_MODIFIER[block]:
            classes.append(ERROR_MODIFIER[block])
        part.attrs["class"] = " ".join(dict.fromkeys(classes))


def _money_prepare(field: forms.BoundField) -> None:
    """django-money's amount and currency as GOV.UK's text input with a prefix (templates/gds/layout/
    money.html, core/templates/gds/widgets/money.html): the amount described by the hint and errors."""
    widget = field.field.widget
    widget.template_name = "gds/widgets/money.html"
    described = [f"{field.auto_id}_hint"] if field.help_text else []
    described += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
    if described:
        widget.widgets[0].attrs["aria-describedby"] = " ".join(described)


class GovFieldNode(CrispyGDSFieldNode):
    def render(self, context):
        # crispy-forms-gds sets the hint and error references and its own classes on the widgets, and
        # renders the field; the field is rendered again once the classes are right (a few widgets).
        super().render(context)
        field = template.Variable(self.field).resolve(context)
        if isinstance(field.field.widget, MoneyWidget):
            _money_prepare(field)
        govuk_classes_set(field)
        return str(field)


@register.tag(name="govuk_field")
def govuk_field(parser, token):
    """`{% govuk_field field %}`, or with attributes like `{% crispy_gds_field %}`."""
    bits = token.split_contents()[1:]
    return GovFieldNode(bits[0], dict(pairwise(bits[1:])))


@register.filter
def is_money(field) -> bool:
    return isinstance(field.field.widget, MoneyWidget)


@register.filter
def option_values(select) -> list[str]:
    """The values a rendered select (a widget's template context) offers."""
    return [str(option["value"]) for _group, options, _index in select["optgroups"] for option in options]


@register.filter
def currency_symbol(code: str) -> str:
    return CURRENCY_SYMBOLS.get(code, code)
