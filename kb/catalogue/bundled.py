"""Loading the bundled content (kb/catalogue/fixtures/content.json) into the database.

Rows are matched by slug and written only where they differ, so loading twice changes nothing.
Each item with its inline rows is saved in a revision of its own (the first load gives every
item its initial revision), so restoring one item never puts back another.
"""

import datetime
import hashlib
import json
from collections import Counter, namedtuple
from decimal import Decimal
from pathlib import Path

import reversion
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from .epoch.source import parse
from .epoch.sync import EPOCH_DATASET, import_rows
from .history import revision
from .models import (
    ApiPrice,
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    EntryAlias,
    FactProvenance,
    ImportRecord,
    Modality,
    ModelEntry,
    OpennessGrade,
    Organization,
    OrganizationAlias,
    ProCon,
    Source,
    Status,
)

CONTENT_FILE = Path(__file__).resolve().parent / "fixtures" / "content.json"
REVISION_COMMENT = "Loaded from the bundled content."

ProConItem = namedtuple("ProConItem", "kind text position source_url rests_on")
SourceItem = namedtuple("SourceItem", "fact url title")


def read_content(path=CONTENT_FILE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Loader:
    def __init__(self):
        self.counts = Counter()

    def upsert(self, model, lookup, values):
        """Create or update one row; save only when a value differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.counts["created"] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
        return obj

    def aliases(self, model, owner_field, owner, names):
        """Add the bundled aliases that are missing; those editors added stay."""
        for name in names:
            self.upsert(model, {"name": name}, {owner_field: owner})

    def set_many(self, manager, objects):
        if set(manager.all()) != set(objects):
            manager.set(objects)
            self.counts["updated"] += 1

    def replace_children(self, queryset, wanted, make):
        """Make the owner's children exactly ``wanted`` (tuples of field values), in order."""
        fields = list(wanted[0]._fields) if wanted else []
        current = [tuple(getattr(child, f) for f in fields) for child in queryset]
        if current != [tuple(item) for item in wanted]:
            queryset.delete()
            for item in wanted:
                make(**item._asdict()).save()
            self.counts["updated"] += 1

    def pros_cons(self, owner_field, owner, data):
        wanted = [
            pro_con_item(kind, position, point)
            for kind, key in ((ProCon.Kind.PRO, "pros"), (ProCon.Kind.CON, "cons"))
            for position, point in enumerate(data.get(key, []), 1)
        ]
        queryset = ProCon.objects.filter(**{owner_field: owner})
        self.replace_children(
            queryset, wanted, lambda **values: ProCon(**{owner_field: owner}, **values)
        )

    @transaction.atomic
    def load(self, content):
        modalities, organizations, categories, entries = {}, {}, {}, {}
        for position, item in enumerate(content["modalities"], 1):
            with revision(None, REVISION_COMMENT):
                modalities[item["slug"]] = self.upsert(
                    Modality, {"slug": item["slug"]}, {"name": item["name"], "position": position}
                )
        for item in content["organizations"]:
            with revision(None, REVISION_COMMENT):
                organizations[item["slug"]] = self.upsert(
                    Organization,
                    {"slug": item["slug"]},
                    {name: item.get(name, "") for name in ("name", "website", "description")},
                )
                self.aliases(
                    OrganizationAlias,
                    "organization",
                    organizations[item["slug"]],
                    item.get("aliases", []),
                )
        for item in content["categories"]:
            fields = ("name", "short_name", "icon", "summary", "description", "position")
            with revision(None, REVISION_COMMENT):
                category = self.upsert(
                    Category, {"slug": item["slug"]}, {name: item[name] for name in fields}
                )
                self.pros_cons("category", category, item)
            categories[item["slug"]] = category

        for item in content["entries"]:
            with revision(None, REVISION_COMMENT):
                entry = self.upsert(
                    ModelEntry,
                    {"slug": item["slug"]},
                    self.entry_values(item, organizations, categories),
                )
                self.set_many(entry.modalities, [modalities[slug] for slug in item["modalities"]])
                self.aliases(EntryAlias, "entry", entry, item.get("aliases", []))
                self.pros_cons("entry", entry, item)
                self.sources(entry, item.get("sources", []))
                for dimension, grade in item.get("openness", {}).items():
                    self.upsert(
                        OpennessGrade,
                        {"entry": entry, "dimension": dimension},
                        grade_values(grade),
                    )
                if "api_price" in item:
                    self.price(entry, item["api_price"])
            entries[item["slug"]] = entry

        for item in content["comparison_rows"]:
            with revision(None, REVISION_COMMENT):
                row = self.upsert(
                    ComparisonRow,
                    {"slug": item["slug"]},
                    {"label": item["label"], "kind": item["kind"], "position": item["position"]},
                )
                for category_slug, text in item.get("cells", {}).items():
                    self.upsert(
                        ComparisonCell,
                        {"row": row, "category": categories[category_slug]},
                        {"text": text},
                    )

        for item in content["articles"]:
            with revision(None, REVISION_COMMENT):
                article = self.upsert(
                    Article,
                    {"slug": item["slug"]},
                    {
                        "title": item["title"],
                        "lede": item["lede"],
                        "body": item["body"],
                        "featured": item.get("featured", False),
                        "status": Status.PUBLISHED,
                        "published_at": parse_datetime(item["published_at"]),
                    },
                )
                self.set_many(
                    article.categories, [categories[slug] for slug in item.get("categories", [])]
                )
                self.set_many(article.entries, [entries[slug] for slug in item.get("entries", [])])
        return self.counts

    def price(self, entry, value):
        """The entry's API price from its bundled ``value``; a new or changed price goes into
        the entry's own revision (it follows its prices), so the entry's history shows it."""
        unchanged = self.counts["unchanged"]
        self.upsert(ApiPrice, {"entry": entry}, price_values(value))
        if self.counts["unchanged"] == unchanged:
            reversion.add_to_revision(entry)

    @transaction.atomic
    def load_prices(self, items):
        """The bundled prices of entries that are not bundled themselves (Epoch AI's variants,
        which its import creates): ``{"entry": slug, ...}`` and the fields of ``price_values``.
        None is written when one names an entry that does not exist."""
        entries = imported_entries("prices", items)
        for item in items:
            with revision(None, REVISION_COMMENT):
                self.price(entries[item["entry"]], item)
        return self.counts

    @transaction.atomic
    def load_corrections(self, items):
        """Editors' corrections of facts the Epoch AI import wrote, each with the primary source
        it rests on: ``{"entry": slug, "release_date": "YYYY-MM-DD", "sources": [{"fact", "url",
        "title"}]}`` (the facts of ``CORRECTED_FACTS``). Written as an editor's edit is, so the
        next import keeps it and reports the file's value as a conflict; the import's provenance
        of a corrected fact goes, as the import drops it for a value that is no longer the
        file's. None is written when one names an entry that does not exist."""
        entries = imported_entries("corrections", items)
        for item in items:
            entry = entries[item["entry"]]
            values = {
                name: entry._meta.get_field(name).to_python(item[name])
                for name in CORRECTED_FACTS
                if name in item
            }
            with revision(None, REVISION_COMMENT):
                self.upsert(ModelEntry, {"pk": entry.pk}, values)
                FactProvenance.objects.filter(
                    entry=entry, fact__in=[CORRECTED_FACTS[name] for name in values]
                ).delete()
                for source in item.get("sources", []):
                    lookup = {"entry": entry, "fact": source["fact"], "url": source["url"]}
                    self.upsert(Source, lookup, {"title": source.get("title", "")})
        return self.counts

    @staticmethod
    def entry_values(item, organizations, categories):
        release_date = item.get("release_date")
        return {
            "name": item["name"],
            "is_family": item.get("family", False),
            "featured": item.get("featured", False),
            "organization": organizations[item["organization"]],
            "category": categories[item["category"]],
            "status": Status.PUBLISHED,
            "release_date": parse_date(release_date) if release_date else None,
            "parameters": item.get("parameters") or "",
            "parameter_count": item.get("parameter_count"),
            "context_window": item.get("context_window"),
            "licence_name": item.get("licence_name") or "",
            "licence_url": item.get("licence_url") or "",
            "licence_osi_approved": item.get("licence_osi_approved"),
            "access": item.get("access") or "",
            "homepage": item.get("homepage") or "",
            "input_modalities": item.get("input_modalities", []),
            "output_modalities": item.get("output_modalities", []),
            "summary": item.get("summary") or "",
            "description": item.get("description") or "",
        }

    def sources(self, entry, sources):
        wanted = [SourceItem(s["fact"], s["url"], s.get("title", "")) for s in sources]
        queryset = entry.sources.order_by("id")
        self.replace_children(queryset, wanted, lambda **values: Source(entry=entry, **values))


def pro_con_item(kind, position, point):
    """One bundled pro or con: its text, or ``{"text", "source", "rests_on"}``."""
    if isinstance(point, str):
        return ProConItem(kind, point, position, "", [])
    return ProConItem(
        kind, point["text"], position, point.get("source", ""), point.get("rests_on", [])
    )


def grade_values(value):
    """One bundled openness grade: a plain grade, or ``{"grade", "source", "checked"}``."""
    if isinstance(value, str):
        return {"grade": value}
    checked = value.get("checked")
    return {
        "grade": value["grade"],
        "source_url": value.get("source", ""),
        "checked_on": parse_date(checked) if checked else None,
    }


def price_values(value):
    """The bundled API price: ``{"input", "output", "as_of", "source", "note"}``, in US dollars
    per million tokens (decimals written as text, so none is rounded through a float)."""
    return {
        "input_per_million": Decimal(value["input"]),
        "output_per_million": Decimal(value["output"]),
        "currency": ApiPrice.Currency.USD,
        "as_of": parse_date(value["as_of"]),
        "source_url": value["source"],
        "note": value.get("note", ""),
    }


def load_bundled_content(content=None):
    return Loader().load(content or read_content())


class UnknownEntryError(ValueError):
    """Bundled content names a model entry the database does not hold."""


# The facts of an imported entry the bundle may correct, with the provenance each replaces.
CORRECTED_FACTS = {"release_date": FactProvenance.Fact.RELEASE_DATE}


def imported_entries(what, items):
    """The entries ``items`` name (``{"entry": slug, ...}``) by slug: those of Epoch AI's rows,
    which its import creates. Refused whole when one does not exist."""
    slugs = [item["entry"] for item in items]
    entries = ModelEntry.objects.in_bulk(slugs, field_name="slug")
    missing = [slug for slug in slugs if slug not in entries]
    if missing:
        raise UnknownEntryError(
            f"The bundled {what} name entries that do not exist: {', '.join(missing)} (Epoch "
            "AI's variants exist once `load_content --epoch` has imported them)."
        )
    return entries


def load_bundled_prices(content=None):
    """Apply the bundled content's top-level ``prices``, after the Epoch AI import."""
    return Loader().load_prices((content or read_content()).get("prices", []))


def load_bundled_corrections(content=None):
    """Apply the bundled content's top-level ``corrections``, after the Epoch AI import."""
    return Loader().load_corrections((content or read_content()).get("corrections", []))


def has_content():
    return Article.objects.exists() or ModelEntry.objects.exists()


# Epoch AI's Notable AI Models as downloaded on 2026-05-02 (README, "Epoch AI import"),
# imported beside the seed content by `load_content --epoch` (what `make run` does).
EPOCH_SNAPSHOT = CONTENT_FILE.parent / "epoch" / "notable_ai_models.csv"
EPOCH_SNAPSHOT_SHA256 = "4d28b53e93f8e6c9915333b0106c6a635c8614b51bfb2528157fac9430b4b6fc"
EPOCH_SNAPSHOT_RETRIEVED = datetime.date(2026, 5, 2)


def has_epoch_import():
    return ImportRecord.objects.filter(dataset__slug=EPOCH_DATASET["slug"]).exists()


def load_epoch_snapshot():
    """Import the bundled snapshot, unless an Epoch import was done already: a newer file
    imported since must not be put back to the snapshot's values. None when skipped."""
    if has_epoch_import():
        return None
    data = EPOCH_SNAPSHOT.read_bytes()
    if hashlib.sha256(data).hexdigest() != EPOCH_SNAPSHOT_SHA256:
        raise ValueError(f"{EPOCH_SNAPSHOT} is not the 2026-05-02 snapshot (SHA-256 differs).")
    return import_rows(parse(data)[1], EPOCH_SNAPSHOT_RETRIEVED)
