"""``manage.py restore FILE``: a backup (``manage.py backup``) into an empty database, ending
with a site whose pages, search, cache and health check work as they did.

``loaddata`` alone leaves a broken site: it saves rows raw, so the receivers that keep the search
index in step never run, and it creates no cache table. This command migrates, creates the
database cache's table, refuses a database that already holds content, then loads the file,
rebuilds the search index and moves the content version on, all in one transaction: a restore
that fails leaves the database as empty as it found it.
"""

from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from kb.catalogue.freshness import bump_content_version
from kb.search.backends import get_backend
from kb.search.indexing import rebuild

from .backup import BACKED_UP, NOT_BACKED_UP


def backed_up_models():
    """The models whose rows a backup holds."""
    skipped = {apps.get_model(label) for label in NOT_BACKED_UP}
    for label in BACKED_UP:
        if "." in label:
            models = [apps.get_model(label)]
        else:
            models = apps.get_app_config(label).get_models()
        yield from (model for model in models if model not in skipped)


def rows_present():
    """``{model: count}`` of the backed-up models that hold rows."""
    counts = {model: model._default_manager.count() for model in backed_up_models()}
    return {model: count for model, count in counts.items() if count}


def listed(counts):
    """``{model: count}`` as words: "1 article, 10 model entries"."""
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    )


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into an empty database: migrate, create "
        "the cache table, load the file, rebuild the search index and move the content version "
        "on, in one transaction. Refuses a database that already holds content."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (a .json file from manage.py backup).")

    def handle(self, *args, file, verbosity, **options):
        if not Path(file).is_file():
            raise CommandError(f"No backup file at {file}.")
        quiet = {"verbosity": max(verbosity - 1, 0)}
        call_command("migrate", interactive=False, **quiet)
        call_command("createcachetable", **quiet)
        present = rows_present()
        if present:
            raise CommandError(
                f"This database already holds data ({listed(present)}); nothing was restored. "
                "A backup restores into an empty database only: point DATABASE_URL (or "
                "KB_SQLITE_PATH) at a new one, or empty this one with `manage.py flush`, then "
                "restore again."
            )
        with transaction.atomic():
            call_command("loaddata", file, **quiet)
            counts = rebuild()
            bump_content_version()
        if not connection.in_atomic_block:  # as rebuild() does after a rebuild of its own
            get_backend().tidy(connection)
        restored = rows_present()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file}: {sum(restored.values())} rows; search index rebuilt with "
                f"{sum(counts.values())} documents."
            )
        )
