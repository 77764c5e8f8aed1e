"""manage.py import_councils [CSV] [--govuk CSV]: load the UK principal councils from the register."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from councils.register import RegisterImportError, council_register_import


class Command(BaseCommand):
    help = (
        "Create, update and remove councils to match the UK council register (mySociety), with homepages "
        "from GOV.UK. Checks the whole file first; on a problem nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            metavar="CSV",
            help="mySociety uk_local_authorities.csv (default: the copy in councils/data)",
        )
        parser.add_argument(
            "--govuk",
            type=Path,
            metavar="CSV",
            help="GOV.UK local-authorities.csv, for homepages (default: the copy in councils/data)",
        )

    def handle(self, *args, path: Path | None, govuk: Path | None, **options):
        try:
            result = council_register_import(path=path, govuk_path=govuk)
        except RegisterImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary)
        if result.kept_with_activity:
            self.stdout.write(
                self.style.WARNING(
                    "No longer in the register but kept because they have activity: "
                    + ", ".join(result.kept_with_activity)
                )
            )
        if options["verbosity"] >= 2:
            for label, codes in (
                ("Created", result.created),
                ("Changed", result.changed),
                ("Removed", result.removed),
            ):
                if codes:
                    self.stdout.write(f"{label}: {', '.join(codes)}")
