import datetime

from django.core.management.base import BaseCommand, CommandError

from ...epoch.source import SourceError, parse, read_source
from ...epoch.sync import import_rows


class Command(BaseCommand):
    help = (
        "Import Epoch AI's Notable AI Models CSV (a path or an http(s) URL) into the model "
        "entries. Safe to run again: only what changed is written, editors' edits are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A CSV file's path, or an http(s) URL.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Refuse the whole file if any row is bad."
        )
        parser.add_argument(
            "--retrieved-on",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the file was downloaded (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--quiet-rows", action="store_true", help="Print the summary only, not every row."
        )

    def handle(self, *args, source, dry_run, strict, retrieved_on, quiet_rows, **options):
        try:
            _, rows = parse(read_source(source), name=str(source))
        except SourceError as error:
            raise CommandError(str(error)) from None
        report = import_rows(
            rows,
            retrieved_on or datetime.date.today(),
            dry_run=dry_run,
            strict=strict,
        )
        lines = list(report.lines())
        for line in lines[:1] if quiet_rows else lines:
            self.stdout.write(line)
        if report.refused:
            raise CommandError(
                f"Nothing imported: --strict and {len(report.bad_rows)} bad rows (listed above)."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
