from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kb.search import synonyms
from kb.tools import relevance


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "The relevance test set (kb/tools/relevance.py): builds its catalogue in a transaction, "
        "runs its queries, prints the share answered right at rank 1 and in the top 3, and "
        "rolls everything back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--misses", action="store_true", help="List each query not at rank 1.")

    def handle(self, *args, misses=False, **options):
        try:
            with transaction.atomic():
                relevance.build()
                found = relevance.answers()
                raise Rollback
        except Rollback:
            pass
        finally:
            synonyms.forget()  # the rolled-back rows' synonyms
        top1, top3 = relevance.shares(found)
        for answer in found:
            if misses and answer.rank != 1:
                self.stdout.write(
                    f"  {answer.query!r}: expected {answer.expected!r}, rank {answer.rank}, "
                    f"found {answer.found}"
                )
        self.stdout.write(
            f"{len(found)} queries on {connection.vendor}: {top1:.1%} right at rank 1, "
            f"{top3:.1%} in the top 3"
        )
