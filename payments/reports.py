"""Downloads for finance: settlement and statement CSVs for ledgers, payroll CSV, invoice PDFs."""

import csv
import io

from django.template.loader import render_to_string

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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


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
                f"{line.hours}",
                f"{line.rate.amount}",
                f"{line.net.amount}",
                f"{line.vat.amount}",
                f"{line.gross.amount}",
                line.po_number,
                line.cost_centre,
            ]
        )
    return _csv(SETTLEMENT_COLUMNS, rows)


def statement_csv(*, statement: Statement) -> str:
    rows = []
    for invoice in statement.issued + statement.received:
        receivable = invoice.supplier_id == statement.council.pk
        other = invoice.customer if receivable else invoice.supplier
        balance = invoice.gross.amount - invoice.paid - invoice.credited
        rows.append(
            [
                invoice.number,
                "receivable" if receivable else "payable",
                other.name,
                other.gss_code,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                f"{invoice.gross.amount}",
                f"{invoice.paid}",
                f"{invoice.credited}",
                f"{balance}",
                invoice.get_agreement_display(),
            ]
        )
    rows.append(["TOTAL RECEIVABLE", "", "", "", "", "", f"{statement.receivable}", "", "", "", ""])
    rows.append(["TOTAL PAYABLE", "", "", "", "", "", f"{statement.payable}", "", "", "", ""])
    rows.append(["NET POSITION", "", "", "", "", "", f"{statement.net}", "", "", "", ""])
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
        "balance",
        "agreement",
    ]
    return _csv(header, rows)


def payroll_csv(*, council, period) -> str:
    rows = [
        [
            t.week.booking.profile.user.full_name,
            t.week.booking.profile.user.email,
            t.week.week_start.isoformat(),
            f"{t.billable_hours}",
            t.week.booking.customer_council.name,
            f"B{t.week.booking_id:06d}",
        ]
        for t in payroll_rows(council=council, period=period)
    ]
    return _csv(["employee", "email", "week_start", "confirmed_hours", "worked_for", "booking_reference"], rows)


def invoice_pdf(*, invoice, lines, document_title="Invoice") -> bytes:
    from weasyprint import HTML

    html = render_to_string("payments/invoice_pdf.html", {"invoice": invoice, "lines": lines, "title": document_title})
    return HTML(string=html).write_pdf()
