"""One money format for people; CSV cells that a spreadsheet cannot run as formulas."""

import csv
import io
from decimal import Decimal

import pytest
from djmoney.money import Money

from core.csv import csv_cell, csv_text
from core.money import money_format


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1312.5"), "£1,312.50"),
        (Decimal("0"), "£0.00"),
        (0, "£0.00"),
        (Money("437.5", "GBP"), "£437.50"),
        (Decimal("-25.01"), "-£25.01"),
        (Decimal("1234567.891"), "£1,234,567.89"),
        ("55", "£55.00"),
        (None, ""),
    ],
)
def test_money_reads_the_same_everywhere(value, shown):
    assert money_format(value) == shown


@pytest.mark.parametrize("text", ["=1+1", "+44 113", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")'])
def test_text_that_could_run_as_a_formula_is_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [Decimal("-437.50"), Decimal("12.5"), 3, -4])
def test_numbers_stay_numbers(value):
    assert csv_cell(value) == value
    assert next(csv.reader(io.StringIO(csv_text(["a"], [[value]])).readlines()[1:].__iter__())) == [str(value)]


def test_plain_text_is_untouched():
    assert csv_cell("PO 1234") == "PO 1234"
    assert csv_cell("") == ""
    assert csv_cell(None) == ""
