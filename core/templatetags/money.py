"""`{% load money %}` then `{{ invoice.gross|money }}`: £1,312.50 (core.money.money_format)."""

from django import template

from core.money import money_format

register = template.Library()


@register.filter(name="money")
def money_filter(value) -> str:
    return money_format(value)
