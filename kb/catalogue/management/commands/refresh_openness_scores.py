"""``manage.py refresh_openness_scores``: store every entry's openness score and coverage again
from its grades (kb.catalogue.openness), after grades were written behind the model's back (SQL,
a restored backup of the grades alone)."""

from django.core.management.base import BaseCommand

from kb.catalogue.models import ModelEntry
from kb.catalogue.openness import refresh_scores


class Command(BaseCommand):
    help = "Store every model entry's openness score and coverage again from its grades."

    def handle(self, *args, **options):
        count = refresh_scores(ModelEntry.objects.all())
        self.stdout.write(f"Openness scores stored for {count} model entries.")
