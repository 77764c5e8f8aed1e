"""Downloads for finance: settlement and statement CSVs for ledgers, payroll CSV, invoice PDFs."""

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from bookings.models import TimesheetStatus
from core.csv import csv_text

from .selectors import Statement, payroll_rows, settlement_lines

SETTLEMENT_COLUMNS = [
    "invoice_number",
    "issue_date",
    "due_date",
    "direction",
    "counterparty",
    "counterparty_code",
    "counterparty_gss",
    "booking_reference",
    "specialist",
    "week_start",
    "hours",
    "rate",
    "net",
    "vat",
    "gross",
    "po_number",
    "cost_centre",
]


def _csv(header: list[str], rows) -> str:
    """Every download goes through core.csv: text that could run as a formula is neutralised, numbers
    (Decimal) are written as plain decimals."""
    return csv_text(header, rows)


def settlement_csv(*, council, run) -> str:
    rows = []
    for line in settlement_lines(council=council, run=run):
        invoice = line.invoice
        receivable = invoice.supplier_id == council.pk
        other = invoice.customer if receivable else invoice.supplier
        rows.append(
            [
                invoice.number,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                "receivable" if receivable else "payable",
                other.name,
                other.code,
                other.gss_code,
                line.booking_reference,
                line.specialist,
                line.week_start.isoformat(),
                line.hours,
                line.rate.amount,
                line.net.amount,
                line.vat.amount,
                line.gross.amount,
                line.po_number,
                line.cost_centre,
            ]
        )
    return _csv(SETTLEMENT_COLUMNS, rows)


def statement_csv(*, statement: Statement) -> str:
    """One row per invoice with what is still outstanding; totals are outstanding too, so the net position
    matches the statement page after any payment or credit note."""
    rows = []
    for invoice in statement.issued + statement.received:
        receivable = invoice.supplier_id == statement.council.pk
        other = invoice.customer if receivable else invoice.supplier
        rows.append(
            [
                invoice.number,
                "receivable" if receivable else "payable",
                other.name,
                other.gss_code,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.gross.amount,
                invoice.paid,
                invoice.credited,
                invoice.outstanding,
                invoice.get_agreement_display(),
            ]
        )
    blank = ["", "", "", "", ""]
    invoiced_out, invoiced_in = statement.invoiced_out, statement.invoiced_in
    rows.append(["TOTAL RECEIVABLE", *blank, invoiced_out, "", "", statement.receivable, ""])
    rows.append(["TOTAL PAYABLE", *blank, invoiced_in, "", "", statement.payable, ""])
    rows.append(["NET POSITION", *blank, invoiced_out - invoiced_in, "", "", statement.net, ""])
    header = [
        "invoice_number",
        "direction",
        "counterparty",
        "counterparty_gss",
        "issue_date",
        "due_date",
        "gross",
        "paid",
        "credited",
        "balance",  # what is still outstanding on the invoice
        "agreement",
    ]
    return _csv(header, rows)


PAYROLL_COLUMNS = [
    "payroll_period",
    "employee",
    "email",
    "week_start",
    "week_end",
    "confirmed_hours",
    "payable_on",
    "how",
    "worked_for",
    "booking_reference",
]


def payroll_csv(*, council, period: date) -> str:
    """Overtime for one payroll period: the hours that became payable in that month (confirmed, or agreed
    after a dispute), each with the week it was worked, so a late-confirmed week is paid exactly once."""
    rows = []
    for t in payroll_rows(council=council, period=period):
        resolved = t.status == TimesheetStatus.RESOLVED
        payable_at = t.resolved_at if resolved else t.confirmed_at
        rows.append(
            [
                f"{period:%Y-%m}",
                t.week.booking.profile.user.full_name,
                t.week.booking.profile.user.email,
                t.week.week_start.isoformat(),
                (t.week.week_start + timedelta(days=6)).isoformat(),
                t.billable_hours,
                timezone.localtime(payable_at).date().isoformat(),
                "agreed after a dispute" if resolved else "confirmed",
                t.week.booking.customer_council.name,
                f"B{t.week.booking_id:06d}",
            ]
        )
    return _csv(PAYROLL_COLUMNS, rows)


def _pdf(context: dict) -> bytes:
    from weasyprint import HTML  # imported when a PDF is asked for: loading it costs a second at start-up

    return HTML(string=render_to_string("payments/invoice_pdf.html", context)).write_pdf()


def invoice_pdf(*, invoice, lines, document_title="Invoice") -> bytes:
    return _pdf({"invoice": invoice, "lines": lines, "title": document_title})


def credit_note_pdf(*, invoice, note) -> bytes:
    return _pdf({"invoice": invoice, "credit_note": note, "title": "Credit note"})
