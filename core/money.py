"""One money format wherever a person reads money: £1,312.50, £0.00, -£25.01. CSVs keep plain decimals."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def money_format(value) -> str:
    """Pounds with a thousands separator and always two decimals; '' for None.

    Takes a Decimal, an int or float, a numeric string, or a djmoney `Money` (its `.amount` is used)."""
    if value is None or value == "":
        return ""
    amount = getattr(value, "amount", value)
    try:
        amount = Decimal(str(amount)).quantize(PENNY, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


AMOUNT_MOST = Decimal("999999999.99")  # under a billion pounds: more than any recharge, and what the columns hold


def pounds(value: Decimal) -> str:
    """£1,000 for whole pounds, £12.50 otherwise (GOV.UK style: no ".00" on a whole amount in a sentence)."""
    return f"£{value:,.0f}" if value == value.to_integral_value() else money_format(value)


def amount_problem(
    amount: Decimal, *, what: str = "The amount", minimum: Decimal = PENNY, maximum: Decimal = AMOUNT_MOST
) -> str | None:
    """Why an amount of money cannot be taken, as a message naming `what`; None if it can. With a
    `maximum` of its own the message gives both limits. The amount is a Decimal (or an int); anything else
    is a programming error, not something a person typed."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = Decimal(amount)
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}: parse it in a form field")
    if not amount.is_finite():
        return f"{what} must be an amount in pounds, like 250 or 250.50"
    if maximum != AMOUNT_MOST and not minimum <= amount <= maximum:
        return f"{what} must be between {pounds(minimum)} and {pounds(maximum)}"
    if amount < minimum:
        return f"{what} must be more than £0" if minimum == PENNY else f"{what} must be {pounds(minimum)} or more"
    if amount > maximum:
        return f"{what} must be less than {pounds(maximum + PENNY)}"
    if amount != amount.quantize(PENNY):
        return f"{what} must be in pounds and pence, like 250.50"
    return None
