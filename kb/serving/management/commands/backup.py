"""``manage.py backup``: dumpdata of what a restore needs, with natural keys.

This module is also the serializer it writes with: Django's JSON, but with timestamps to the
microsecond (Django's encoder cuts them to milliseconds, so a restored backup would differ
from the database it came from). ``loaddata`` reads the file as ordinary JSON.
"""

import datetime

from django.core import serializers
from django.core.management.commands import dumpdata
from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder

from kb.catalogue.tallies import TALLIES

# The content, the editors' accounts (authors, who changed what) and the revision history.
# Groups and permissions come from the migrations; rows refer to them, to content types and to
# users by natural key (a slug, a username), so a backup loads into any migrated database.
BACKED_UP = ["kb", "auth.user", "reversion", "admin.logentry"]
# The content version is the running site's cache key, not content: a restore bumps its own.
# The tallies are counts of the entries, which the database's triggers make again as a restore
# loads the entries.
NOT_BACKED_UP = ["kb.ContentVersion", *(f"kb.{tally.__name__}" for tally in TALLIES)]
FORMAT = "backup-json"


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = json.Deserializer


class Command(dumpdata.Command):
    help = (
        "dumpdata of the content, editors' accounts and revision history, with natural keys "
        "and indented. Restore into an empty database with `manage.py restore FILE`."
    )

    def handle(self, *app_labels, **options):
        serializers.register_serializer(FORMAT, __name__)
        options.update(
            use_natural_foreign_keys=True,
            indent=options["indent"] or 2,
            format=FORMAT,
            exclude=[*options["exclude"], *NOT_BACKED_UP],
        )
        return super().handle(*(app_labels or BACKED_UP), **options)
