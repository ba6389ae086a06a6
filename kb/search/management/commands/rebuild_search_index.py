from django.core.management.base import BaseCommand
from tqdm import tqdm

from ...indexing import rebuild
from ...models import Kind


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the content tables: every published article, published "
        "model entry and visible pro or con. Safe to run at any time; it runs in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Documents written per batch."
        )

    def handle(self, *args, batch_size, verbosity, **options):
        def progress(kind, total):
            return tqdm(
                total=total,
                desc=Kind(kind).label,
                unit=" docs",
                file=self.stderr,
                disable=verbosity < 1,
            )

        counts = rebuild(batch_size=batch_size, progress=progress)
        # A kind's value names one document of it, its label several.
        summary = ", ".join(
            f"{n} {kind if n == 1 else Kind(kind).label.lower()}" for kind, n in counts.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {sum(counts.values())} documents ({summary})."
            )
        )
