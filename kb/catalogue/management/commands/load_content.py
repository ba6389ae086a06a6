from django.core.management.base import BaseCommand

from ...bundled import has_content, load_bundled_content


class Command(BaseCommand):
    help = (
        "Load the bundled content (the seed article, categories, organizations, model entries, "
        "pros and cons, comparison rows). Rows are matched by slug; loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds articles or model entries.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and has_content():
            self.stdout.write("Content present; bundled content not loaded.")
            return
        counts = load_bundled_content()
        self.stdout.write(
            self.style.SUCCESS(
                "Bundled content loaded: {created} created, {updated} updated, "
                "{unchanged} unchanged.".format(
                    **{k: counts[k] for k in ("created", "updated", "unchanged")}
                )
            )
        )
