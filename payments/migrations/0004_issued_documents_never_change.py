"""Issued invoices, their lines, credit notes and payments never change: the database refuses it.

An invoice's status, agreement-of-balances answer and reminder time may still move; its number, parties,
dates and money may not. Lines, credit notes and payments may be neither changed nor deleted."""

from django.db import migrations

SQL = """
CREATE FUNCTION payments_invoice_frozen() RETURNS trigger AS $$
BEGIN
    IF (NEW.number, NEW.run_id, NEW.supplier_id, NEW.customer_id, NEW.issue_date, NEW.due_date,
        NEW.net, NEW.vat, NEW.gross, NEW.net_currency, NEW.vat_currency, NEW.gross_currency)
       IS DISTINCT FROM
       (OLD.number, OLD.run_id, OLD.supplier_id, OLD.customer_id, OLD.issue_date, OLD.due_date,
        OLD.net, OLD.vat, OLD.gross, OLD.net_currency, OLD.vat_currency, OLD.gross_currency) THEN
        RAISE EXCEPTION 'invoice % is issued and cannot be changed: issue a credit note', OLD.number;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER payments_invoice_frozen BEFORE UPDATE ON payments_invoice
    FOR EACH ROW EXECUTE FUNCTION payments_invoice_frozen();

CREATE FUNCTION payments_row_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER payments_invoiceline_append_only BEFORE UPDATE OR DELETE ON payments_invoiceline
    FOR EACH ROW EXECUTE FUNCTION payments_row_append_only();
CREATE TRIGGER payments_creditnote_append_only BEFORE UPDATE OR DELETE ON payments_creditnote
    FOR EACH ROW EXECUTE FUNCTION payments_row_append_only();
CREATE TRIGGER payments_payment_append_only BEFORE UPDATE OR DELETE ON payments_payment
    FOR EACH ROW EXECUTE FUNCTION payments_row_append_only();
"""

REVERSE = """
DROP TRIGGER payments_payment_append_only ON payments_payment;
DROP TRIGGER payments_creditnote_append_only ON payments_creditnote;
DROP TRIGGER payments_invoiceline_append_only ON payments_invoiceline;
DROP FUNCTION payments_row_append_only();
DROP TRIGGER payments_invoice_frozen ON payments_invoice;
DROP FUNCTION payments_invoice_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_stripe_events")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
