"""Hours of work: the one definition of the hours the service accepts (half hours, within a range) and how
hours read on a page. The forms' hours field and the services that take hours both use it."""

from decimal import Decimal

HALF_HOUR = Decimal("0.5")
TENTH = Decimal("0.1")
WEEK_MOST = Decimal("48")  # the most hours in a week anyone can offer, book or record (and the database's limit)

_STEP_RULE = {HALF_HOUR: "in half hours, like 2 or 2.5", TENTH: "to one decimal place, like 37.5"}


def hours_text(hours) -> str:
    """5.0 → "5", 2.5 → "2.5"."""
    return f"{Decimal(hours).normalize():f}"


def hours_words(hours) -> str:
    """1 → "1 hour", 2.5 → "2.5 hours"."""
    text = hours_text(hours)
    return f"{text} hour" if text == "1" else f"{text} hours"


def hours_problem(
    hours: Decimal,
    *,
    what: str = "Hours",
    minimum: Decimal = HALF_HOUR,
    maximum: Decimal = WEEK_MOST,
    step: Decimal | None = HALF_HOUR,
) -> str | None:
    """Why `hours` cannot be taken, as a message naming `what`; None if they can. Hours are a Decimal (or
    an int); anything else is a programming error, not something a person typed."""
    hours = _decimal(hours, "hours")
    if not hours.is_finite():
        return f"{what} must be a number, like 3 or 2.5"
    if not minimum <= hours <= maximum:
        return f"{what} must be between {hours_text(minimum)} and {hours_text(maximum)}"
    if step is not None and hours % step:
        return f"{what} must be {_STEP_RULE.get(step, f'in steps of {hours_text(step)} hours')}"
    return None


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}: parse it in a form field")
