from django.core.management.base import BaseCommand

from ...bundled import has_content, load_bundled_content, load_epoch_snapshot


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
            "unless an Epoch import was done already.",
        )

    def handle(self, *args, if_empty=False, epoch=False, **options):
        if if_empty and has_content():
            self.stdout.write("Content present; bundled content not loaded.")
        else:
            self.load_seed()
        if epoch:
            report = load_epoch_snapshot()
            if report is None:
                self.stdout.write("Epoch AI data present; the bundled snapshot not imported.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Epoch AI snapshot: {report.summary()}"))

    def load_seed(self):
        counts = load_bundled_content()
        self.stdout.write(
            self.style.SUCCESS(
                "Bundled content loaded: {created} created, {updated} updated, "
                "{unchanged} unchanged.".format(
                    **{k: counts[k] for k in ("created", "updated", "unchanged")}
                )
            )
        )
