"""CSV downloads that a spreadsheet opens safely.

A text cell that starts with =, +, -, @, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"). Such text cells get a leading apostrophe, which
spreadsheets show as plain text. Numbers (Decimal, int, float) are written as they are, so a negative
amount stays a number. defusedcsv 3.0 was considered: it leaves a leading tab or carriage return alone,
so this one small function is used instead.
"""

import csv
import io
from collections.abc import Iterable
from numbers import Number

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value) -> object:
    """A cell value safe to write: numbers unchanged, text that could start a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """The whole CSV document (CRLF line ends, as spreadsheets expect), every cell through csv_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(body: str, filename: str) -> HttpResponse:
    """A CSV download, named `filename`."""
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
