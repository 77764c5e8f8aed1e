"""Stub for the one name the project imports from django-money's fields: MoneyField.

At run time MoneyField subclasses DecimalField, but a descriptor (MoneyFieldProxy) makes the attribute read
as `Money` and accept `Money` (or an amount in the field's currency). The django-stubs plugin takes a field's
types from `_pyi_private_set_type` / `_pyi_private_get_type`; without this stub it would use DecimalField's
(`Decimal`). Declared on `Field` so these types need not contradict DecimalField's. (django-money's open
pull request #830 proposes the same stub.)
"""

from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Field
from django.db.models.expressions import Combinable
from djmoney.money import Money

_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)

class MoneyField(Field[_ST, _GT]):
    _pyi_private_set_type: Money | Decimal | int | float | str | Combinable
    _pyi_private_get_type: Money
    _pyi_lookup_exact_type: Money | Decimal | int | str
    max_digits: int
    decimal_places: int
    default_currency: str | None
    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        max_digits: int | None = None,
        decimal_places: int = ...,
        default: Any = ...,
        default_currency: str | None = ...,
        currency_choices: Any = ...,
        currency_max_length: int = ...,
        currency_field_name: str | None = None,
        money_descriptor_class: type = ...,
        **kwargs: Any,
    ) -> None: ...
