from django.core.management.base import BaseCommand, CommandError

from payments.settlement import SettlementError, settlement_run


class Command(BaseCommand):
    help = "Turn a month's confirmed, not yet invoiced hours into invoices between councils (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, month, **options):
        try:
            result = settlement_run(period=month)
        except SettlementError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.run}: {len(result.invoices)} invoices made")
        for invoice in result.invoices:
            parties = f"{invoice.supplier.short_name} → {invoice.customer.short_name}"
            self.stdout.write(f"  {invoice.number} {parties}: £{invoice.gross.amount}")
