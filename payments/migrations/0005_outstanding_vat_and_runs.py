"""VAT treatment kept on each invoice; settlement runs with a status; no invoice for nothing.

Existing invoices take the treatment their VAT shows; an existing £0.00 invoice (issued before weeks with
nothing to bill were settled without a number) is marked paid, so it is never reminded. The positive-total
check is added NOT VALID, so it binds every new invoice without rewriting issued ones. The frozen-invoice
trigger now also guards the VAT treatment and number."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORWARD = """
UPDATE payments_invoice SET vat_treatment = 'standard' WHERE vat > 0;
UPDATE payments_invoice SET status = 'paid' WHERE gross = 0;
UPDATE payments_settlementrun SET status = CASE WHEN completed_at IS NULL THEN 'failed' ELSE 'completed' END;
UPDATE payments_settlementrun SET error = 'Interrupted before this version recorded progress'
    WHERE completed_at IS NULL;
ALTER TABLE payments_invoice ADD CONSTRAINT invoice_gross_positive CHECK (gross > 0) NOT VALID;
CREATE OR REPLACE FUNCTION payments_invoice_frozen() RETURNS trigger AS $$
BEGIN
    IF (NEW.number, NEW.run_id, NEW.supplier_id, NEW.customer_id, NEW.issue_date, NEW.due_date,
        NEW.net, NEW.vat, NEW.gross, NEW.net_currency, NEW.vat_currency, NEW.gross_currency,
        NEW.vat_treatment, NEW.supplier_vat_number)
       IS DISTINCT FROM
       (OLD.number, OLD.run_id, OLD.supplier_id, OLD.customer_id, OLD.issue_date, OLD.due_date,
        OLD.net, OLD.vat, OLD.gross, OLD.net_currency, OLD.vat_currency, OLD.gross_currency,
        OLD.vat_treatment, OLD.supplier_vat_number) THEN
        RAISE EXCEPTION 'invoice % is issued and cannot be changed: issue a credit note', OLD.number;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

REVERSE = """
ALTER TABLE payments_invoice DROP CONSTRAINT invoice_gross_positive;
CREATE OR REPLACE FUNCTION payments_invoice_frozen() RETURNS trigger AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0004_council_bank_details"),
        ("payments", "0004_issued_documents_never_change"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="supplier_vat_number",
            field=models.CharField(blank=True, max_length=14),
        ),
        migrations.AddField(
            model_name="invoice",
            name="vat_treatment",
            field=models.CharField(
                choices=[
                    ("outside_scope", "Outside the scope of VAT (recharge between authorities)"),
                    ("standard", "Standard rated (20%)"),
                ],
                default="outside_scope",
                max_length=15,
            ),
        ),
        migrations.AddField(model_name="settlementrun", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="settlementrun", name="queued_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="settlementrun",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="settlementrun",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("completed", "Completed"), ("failed", "Failed")],
                default="running",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("vat_treatment__in", ["outside_scope", "standard"])),
                name="invoice_vat_treatment_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="settlementrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["queued", "running", "completed", "failed"])),
                name="run_status_valid",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="invoice",
                    constraint=models.CheckConstraint(condition=models.Q(("gross__gt", 0)), name="invoice_gross_positive"),
                ),
            ],
            database_operations=[migrations.RunSQL(FORWARD, REVERSE)],
        ),
    ]
