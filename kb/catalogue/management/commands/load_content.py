from django.core.management.base import BaseCommand, CommandError

from ...bundled import (
    UnknownEntryError,
    has_content,
    load_bundled_content,
    load_bundled_corrections,
    load_bundled_prices,
    load_epoch_snapshot,
)


class Command(BaseCommand):
    help = (
        "Load the bundled content (the seed article, categories, organizations, model entries, "
        "pros and cons, comparison rows). Rows are matched by slug; loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load no seed content when the database already holds articles or model entries.",
        )
        parser.add_argument(
            "--epoch",
            action="store_true",
            help="Then import the bundled snapshot of Epoch AI's Notable AI Models (2026-05-02), "
            "unless an Epoch import was done already, and the bundled prices of its models and "
            "corrections of its facts (when the seed content was loaded or the snapshot "
            "imported).",
        )

    def handle(self, *args, if_empty=False, epoch=False, **options):
        seeded = not (if_empty and has_content())
        if seeded:
            self.report("Bundled content loaded", load_bundled_content())
        else:
            self.stdout.write("Content present; bundled content not loaded.")
        if epoch:
            report = load_epoch_snapshot()
            if report is None:
                self.stdout.write("Epoch AI data present; the bundled snapshot not imported.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Epoch AI snapshot: {report.summary()}"))
            # Like the seed, left alone where neither was loaded now (editors' values kept).
            if seeded or report is not None:
                self.load_of_imported("prices", load_bundled_prices)
                self.load_of_imported("corrections", load_bundled_corrections)

    def load_of_imported(self, what, load):
        try:
            counts = load()
        except UnknownEntryError as error:
            raise CommandError(str(error)) from error
        self.report(f"Bundled {what} of imported models loaded", counts)

    def report(self, what, counts):
        self.stdout.write(
            self.style.SUCCESS(
                "{what}: {created} created, {updated} updated, {unchanged} unchanged.".format(
                    what=what, **{k: counts[k] for k in ("created", "updated", "unchanged")}
                )
            )
        )
