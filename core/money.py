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
