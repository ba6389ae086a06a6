"""``manage.py rebuild_tallies``: count the published entries again into the tallies and the
charts' groups (kb.catalogue.tallies), which the database's triggers otherwise keep: a repair,
and a way to drop the counts that fell to 0."""

from django.core.management.base import BaseCommand

from kb.catalogue import tallies


class Command(BaseCommand):
    help = "Count the published model entries again into the tallies and the charts' groups."

    def handle(self, *args, **options):
        tallies.rebuild()
        rows = sum(tally.objects.count() for tally in tallies.TALLIES)
        self.stdout.write(f"Tallies rebuilt: {rows} rows.")
