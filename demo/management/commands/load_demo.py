from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, DemoError, demo_load


class Command(BaseCommand):
    help = "Load a small demo: a platform administrator and three active councils with one person per role."

    def handle(self, *args, **options):
        try:
            logins = demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.email:<32} {login.who}")
