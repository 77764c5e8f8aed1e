from django.core.management.base import BaseCommand, CommandError

from demo.history import demo_history
from demo.services import DemoError


class Command(BaseCommand):
    help = (
        "Load a recent history for the demo councils (run load_demo first): bookings, hours in every state, "
        "a settled previous month with its invoices answered, paid and credited. Running it again does nothing."
    )

    def handle(self, *args, **options):
        try:
            result = demo_history()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if not result.created:
            self.stdout.write("The demo history is already loaded: nothing to do.")
            return
        self.stdout.write("Demo history loaded:")
        for what, count in result.made.items():
            self.stdout.write(f"  {what}: {count}")
