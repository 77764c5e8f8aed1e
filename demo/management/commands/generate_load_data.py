from django.core.management.base import BaseCommand

from benchmarks.generator import generate


class Command(BaseCommand):
    help = "Create the national benchmark data set (use an empty database: see benchmarks/README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--councils", type=int, default=382)
        parser.add_argument("--specialists", type=int, default=20000)
        parser.add_argument("--weeks", type=int, default=26)
        parser.add_argument("--history-months", type=int, default=12)
        parser.add_argument("--scale", type=float, default=1.0, help="multiply specialists and history, e.g. 0.1")

    def handle(self, *args, councils, specialists, weeks, history_months, scale, **options):
        generate(
            councils=councils,
            specialists=max(int(specialists * scale), 10),
            weeks=weeks,
            history_months=history_months,
            log=self.stdout.write,
        )
