"""Matching Epoch AI's rows to model entries and writing what changed (README, "Epoch AI import").

Safe to run every day:

- A row is found again by its name (``ImportRecord.key``); a row the import has not seen before
  is matched to an entry by name or alias (the seed's entries), else it becomes a new entry, a
  variant of the family whose name or alias its name starts with (``Llama 2-7B``: LLaMA 2).
- ``ImportRecord.values`` holds what the file said for each field the last time. An entry
  still holding that is the import's to update; one holding something else was changed by an
  editor and is left alone, reported once as a conflict (and again when the file or the editor
  changes it again). An empty field the import never wrote is filled.
- Nothing is deleted because a row left the file: it is reported as gone.
- One transaction, one revision (undo with ``undo_import``), the content version moved once.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.db import transaction
from django.db.models import F, Prefetch, ProtectedError, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision, Version

from .. import history
from ..freshness import changed_in_bulk, one_bump
from ..models import (
    Category,
    Dataset,
    EntryAlias,
    FactProvenance,
    ImportRecord,
    Modality,
    ModelEntry,
    Organization,
    OrganizationAlias,
    Source,
    Status,
)
from ..openness import tier_of
from ..signals import written_in_bulk
from ..text import fold, sort_key
from .mapping import UNKNOWN_CATEGORY, BadRow, map_row

Fact = FactProvenance.Fact

EPOCH_DATASET = {
    "slug": "epoch-notable-ai-models",
    "publisher": "Epoch AI",
    "name": "Notable AI Models",
    "url": "https://epoch.ai/data/notable-ai-models",
    "licence_name": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
}
# How an import's revision comment starts (and an undo's, naming the import's revision).
IMPORT_COMMENT = "Imported from Epoch AI"
# Where the rows Epoch gives no accessibility for, or marks unreleased, are kept: in neither
# world until someone checks (access says which of the two).
UNKNOWN_CATEGORY_VALUES = {
    "name": "Not released or access unknown",
    "short_name": "Unknown",
    "icon": "❔",
    "summary": "Models never released, or whose access is not recorded: neither open nor "
    "closed until someone checks.",
    "position": 90,
    # The seed's comparison weighs open against closed; this one has nothing to weigh.
    "compared": False,
}
NO_ORGANIZATION = {"slug": "organization-not-published", "name": "Organization not published"}

# The entry fields the import writes, each with the facts whose provenance it backs.
SCALAR_FIELDS = [
    "name",
    "announced_date",
    "release_date",
    "input_modalities",
    "output_modalities",
    "parameters",
    "parameter_count",
    "active_parameter_count",
    "access",
    "weights_use",
    "licence_name",
    "licence_url",
    "licence_osi_approved",
    "training_compute_flop",
    "training_dataset_size",
    "country",
]
RELATED_FIELDS = ["organization", "category", "family"]
MANY_FIELDS = ["other_organizations", "modalities"]
FACT_FIELDS = {
    Fact.ORGANIZATIONS: ["organization", "other_organizations"],
    Fact.ANNOUNCED_DATE: ["announced_date"],
    Fact.RELEASE_DATE: ["release_date"],
    Fact.MODALITIES: ["modalities", "input_modalities", "output_modalities"],
    Fact.PARAMETERS: ["parameters", "parameter_count", "active_parameter_count"],
    Fact.TRAINING_COMPUTE: ["training_compute_flop"],
    Fact.TRAINING_DATASET_SIZE: ["training_dataset_size"],
    Fact.ACCESS: ["access", "weights_use", "category"],
    Fact.LICENCE: ["licence_name", "licence_url", "licence_osi_approved"],
    Fact.COUNTRY: ["country"],
}
KEPT = "_kept"  # in ImportRecord.values: editors' values already reported as conflicts
SOURCES = "_sources"  # in ImportRecord.values: the URLs the import added as sources
# Where a family's name ends inside a variant's: "llama 2" in "llama 2-7b", "gpt-4 (mar 2023)".
FAMILY_SEPARATORS = frozenset(" -(_/:,")


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Report:
    dry_run: bool = False
    created: list = field(default_factory=list)  # names
    changed: list = field(default_factory=list)  # (name, [Change])
    unchanged: int = 0
    conflicts: list = field(default_factory=list)  # (name, Change: editor's value, file's)
    gone: list = field(default_factory=list)  # names
    bad_rows: list = field(default_factory=list)  # BadRow
    new_organizations: list = field(default_factory=list)
    refused: bool = False
    revision_id: int | None = None

    @property
    def wrote(self):
        return not self.dry_run and not self.refused and bool(self.created or self.changed)

    def summary(self):
        verb = "would be" if self.dry_run or self.refused else "were"
        return (
            f"{len(self.created)} new, {len(self.changed)} changed, {self.unchanged} unchanged, "
            f"{len(self.conflicts)} conflicts (editors' values kept), {len(self.gone)} gone from "
            f"the file (kept), {len(self.bad_rows)} bad rows; {len(self.new_organizations)} "
            f"organizations {verb} added."
        )

    def lines(self):
        """The report as text, for the command's output."""
        yield self.summary()
        for name in self.created:
            yield f"new: {name}"
        for name, changes in self.changed:
            for change in changes:
                yield f"changed: {name}: {change.field}: “{change.before}” → “{change.after}”"
        for name, change in self.conflicts:
            yield (
                f"conflict: {name}: {change.field}: kept the editor's “{change.before}”; "
                f"the file says “{change.after}”"
            )
        for name in self.gone:
            yield f"gone from the file (kept): {name}"
        for bad in self.bad_rows:
            yield f"bad row {bad.number}{f' ({bad.name})' if bad.name else ''}: {bad.reason}"


class Refused(Exception):
    """--strict and a bad row: nothing written."""


class Rollback(Exception):
    """A dry run undoing what it wrote."""


def normal(value):
    """``value`` as it compares after a trip through the database's JSON: PostgreSQL's jsonb
    writes a large float such as 3.1e23 back as the integer 310000000000000000000000, which
    is not equal to the float; such integers are read as the floats they were."""
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normal(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return float(value)
    return value


def as_json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def shown(value):
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def empty(value):
    return value is None or value == "" or value == []


# Rows per query where a list of values goes in ``IN (...)``: under SQLite's limit on a
# statement's parameters (999 in the builds Django supports).
CHUNK = 900


def chunked(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def family_keys(key):
    """The names (folded) a family of the row ``key`` could have: each start of ``key`` that a
    separator follows ("llama 2" and "llama" for "llama 2-7b")."""
    return {key[:i] for i, character in enumerate(key) if i and character in FAMILY_SEPARATORS}


def slug_base(name):
    return slugify(name)[:110].strip("-") or "model"


class Catalogue:
    """What the import matches the file's rows against, read once and only as much as the file
    needs: the entries whose name or alias is a row's name or could be its family's, the
    entries the dataset's earlier imports made, and the organizations (a few hundred, read
    whole). So an import's reads grow with the file, not with the catalogue."""

    def __init__(self, dataset, keys):
        self.dataset = dataset
        # The dataset's records (one per row it ever had; the gone ones for the report).
        records = ImportRecord.objects.filter(dataset=dataset).annotate(entry_name=F("entry__name"))
        self.records = {r.key: r for r in records}
        self.recorded_entries = {r.entry_id for r in self.records.values()}
        names = set(keys).union(*map(family_keys, keys))
        ids = {self.records[key].entry_id for key in keys if key in self.records}
        for chunk in chunked(names):
            ids.update(ModelEntry.objects.filter(name_key__in=chunk).values_list("pk", flat=True))
            ids.update(
                EntryAlias.objects.filter(name_key__in=chunk).values_list("entry", flat=True)
            )
        self.entries = {}
        for chunk in chunked(sorted(ids)):
            self.entries.update((entry.pk, entry) for entry in self.read_entries(chunk))
        self.by_name = {}
        for entry in self.entries.values():
            self.by_name.setdefault(entry.name_key, entry)
            for alias in entry.aliases.all():
                self.by_name.setdefault(alias.name_key, entry)
        self.families = sorted(
            (
                (key, entry)
                for entry in self.entries.values()
                if entry.is_family
                for key in [entry.name_key, *(a.name_key for a in entry.aliases.all())]
            ),
            key=lambda pair: -len(pair[0]),
        )
        self.organizations = {}
        for organization in Organization.objects.all():
            self.organizations.setdefault(fold(organization.name), organization)
        for alias in OrganizationAlias.objects.select_related("organization"):
            self.organizations.setdefault(alias.name_key, alias.organization)
        self.organization_slugs = {o.slug for o in self.organizations.values()}
        self.modalities = {m.slug: m for m in Modality.objects.all()}
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.slugs = {}  # name: the slug reserved for a new entry (``reserve_slugs``)

    def read_entries(self, ids):
        return (
            ModelEntry.objects.filter(pk__in=ids)
            .select_related("organization", "category", "family")
            .prefetch_related(
                "other_organizations",
                "modalities",
                "openness",
                "sources",
                "aliases",
                Prefetch(
                    "provenance",
                    queryset=FactProvenance.objects.filter(dataset=self.dataset),
                    to_attr="dataset_provenance",
                ),
            )
            .order_by("pk")
        )

    def reserve_slugs(self, names):
        """A free slug for each new entry's name, as ``unique_slug`` would pick it from every
        slug taken (the base, else the base with the lowest free "-2", "-3"...), asking the
        database only about those candidates."""
        wanted = defaultdict(list)
        for name in names:
            wanted[slug_base(name)].append(name)
        start, used = dict.fromkeys(wanted, 1), set()
        while wanted:
            candidates = {
                base: [
                    base if n == 1 else f"{base}-{n}" for n in range(first, first + 2 * len(left))
                ]
                for base, left in wanted.items()
                for first in [start[base]]
            }
            every = [slug for slugs in candidates.values() for slug in slugs]
            taken = set()
            for chunk in chunked(every):
                taken.update(
                    ModelEntry.objects.filter(slug__in=chunk).values_list("slug", flat=True)
                )
            for base, slugs in candidates.items():
                free = [slug for slug in slugs if slug not in taken and slug not in used]
                left = wanted.pop(base)
                for name, slug in zip(left, free, strict=False):  # fewer free: next round
                    self.slugs[name] = slug
                    used.add(slug)
                if len(left) > len(free):
                    wanted[base] = left[len(free) :]
                    start[base] += len(slugs)

    def family_of(self, key):
        for family_key, family in self.families:
            longer = len(key) > len(family_key) and key.startswith(family_key)
            if longer and key[len(family_key)] in FAMILY_SEPARATORS:
                return family
        return None

    def unique_slug(self, name, taken):
        base = slug_base(name)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        return slug


class EpochImport:
    def __init__(self, retrieved_on, user=None, dry_run=False, strict=False):
        self.retrieved_on = retrieved_on
        self.user = user
        self.report = Report(dry_run=dry_run)
        self.strict = strict

    def run(self, rows):
        """Import ``rows`` (dicts keyed by column, as ``source.parse`` gives); the report."""
        try:
            with transaction.atomic():
                # Entries join the revision once each, at the end (``finish``), not per save.
                with one_bump(), reversion.create_revision(manage_manually=True):
                    reversion.set_user(self.user)
                    self.write(rows)
                    reversion.set_comment(
                        f"{IMPORT_COMMENT}, Notable AI Models (retrieved "
                        f"{self.retrieved_on.isoformat()}): {self.report.summary()}"
                    )
                if self.report.dry_run:
                    raise Rollback
        except Rollback:
            pass
        except Refused:
            self.report.refused = True
        else:
            self.report.revision_id = self.latest_revision_id()
        return self.report

    def latest_revision_id(self):
        if not (self.report.created or self.report.changed):
            return None
        version = Version.objects.filter(revision__comment__startswith=IMPORT_COMMENT)
        return version.order_by("-revision_id").values_list("revision_id", flat=True).first()

    # Reading.

    def write(self, rows):
        mapped, seen = [], {}
        for index, row in enumerate(rows):
            result = map_row(row, index + 2)
            if isinstance(result, BadRow):
                self.report.bad_rows.append(result)
                continue
            key = fold(result.name)
            if key in seen:
                self.report.bad_rows.append(
                    BadRow(result.number, result.name, f"the same model as row {seen[key]}")
                )
                continue
            seen[key] = result.number
            mapped.append((key, result))
        if self.strict and self.report.bad_rows:
            raise Refused
        self.dataset = self.ensure(Dataset, EPOCH_DATASET)
        self.catalogue = Catalogue(self.dataset, [key for key, _row in mapped])
        self.catalogue.reserve_slugs(row.name for key, row in mapped if self.match(key)[0] is None)
        self.add_organizations(mapped)
        self.new_entries, self.new_links, self.touched = [], [], {}
        self.new_records, self.new_sources, self.new_provenance = [], [], []
        for key, row in mapped:
            self.import_row(key, row)
        self.finish()
        self.report.gone = sorted(
            record.entry_name for key, record in self.catalogue.records.items() if key not in seen
        )

    def finish(self):
        """Write the new rows in bulk, then put every touched entry in the revision once."""
        now = timezone.now()
        for entry in self.new_entries:
            entry.published_at = now
        ModelEntry.objects.bulk_create(self.new_entries, batch_size=500)
        links = defaultdict(list)
        for entry, name, items in self.new_links:
            through = getattr(ModelEntry, name).through
            column = getattr(ModelEntry, name).field.m2m_reverse_field_name()
            links[through] += [through(modelentry=entry, **{column: item}) for item in items]
        for through, rows in links.items():
            through.objects.bulk_create(rows, batch_size=500)
        for entry in self.new_entries:
            self.touched[entry.pk] = entry
        children = {
            Source: self.new_sources,
            FactProvenance: self.new_provenance,
            ImportRecord: self.new_records,
        }
        for model, rows in children.items():
            for row in rows:
                row.entry_id = row.entry.pk  # new entries got their ids from bulk_create
            model.objects.bulk_create(rows, batch_size=500)
        if self.new_entries:
            changed_in_bulk()
            written_in_bulk.send(ModelEntry, pks=[entry.pk for entry in self.new_entries])
        touched = list(self.touched.values())
        for entry in touched:  # fresh caches: what was prefetched may have changed
            entry._prefetched_objects_cache = {}
        # What the revision serializes, read in one query per relation; the rows that name
        # their dataset (their ``__str__``) with it.
        with_dataset = {
            "provenance": FactProvenance.objects.select_related("dataset"),
            "import_records": ImportRecord.objects.select_related("dataset"),
        }
        follow = [
            Prefetch(name, queryset=with_dataset[name]) if name in with_dataset else name
            for name in [*MANY_FIELDS, *history.FOLLOW[ModelEntry]]
        ]
        prefetch_related_objects(touched, *follow)
        for entry in touched:
            reversion.add_to_revision(entry)

    def ensure(self, model, values):
        found = model.objects.filter(slug=values["slug"]).first()
        if found is None:
            found = model(**values)
            found.full_clean()
            found.save()
            reversion.add_to_revision(found)  # so that undoing the import removes it
        return found

    def category(self, slug):
        if slug not in self.catalogue.categories:
            if slug != UNKNOWN_CATEGORY:
                raise LookupError(f"No category “{slug}”: load the bundled content first.")
            self.catalogue.categories[slug] = self.ensure(
                Category, {"slug": slug, **UNKNOWN_CATEGORY_VALUES}
            )
        return self.catalogue.categories[slug]

    def organization(self, name):
        return self.catalogue.organizations[fold(name)]

    def add_organizations(self, mapped):
        """Create the organizations the file names that no name or alias finds, at once (a new
        one has no entries yet: nothing to index)."""
        new = {}
        for _key, row in mapped:
            for name in row.organizations:
                key = fold(name)
                if key not in self.catalogue.organizations and key not in new:
                    slug = self.catalogue.unique_slug(name, self.catalogue.organization_slugs)
                    new[key] = Organization(name=name[:100], slug=slug[:100])
        if not new:
            return
        Organization.objects.bulk_create(new.values(), batch_size=500)
        changed_in_bulk()
        for key, organization in new.items():
            reversion.add_to_revision(organization)  # so that undoing the import removes it
            self.catalogue.organizations[key] = organization
            self.report.new_organizations.append(organization.name)

    def organizations(self, names):
        if not names:
            names = [NO_ORGANIZATION["name"]]
            if fold(names[0]) not in self.catalogue.organizations:
                no_one = self.ensure(Organization, NO_ORGANIZATION)
                self.catalogue.organizations[fold(no_one.name)] = no_one
        found = []
        for name in names:
            organization = self.organization(name)
            if organization not in found:
                found.append(organization)
        return found

    def match(self, key):
        record = self.catalogue.records.get(key)
        if record is not None and record.entry_id in self.catalogue.entries:
            return self.catalogue.entries[record.entry_id], record
        entry = self.catalogue.by_name.get(key)
        if entry is not None and entry.pk not in self.catalogue.recorded_entries:
            return entry, None
        return None, None

    # Writing.

    def wanted(self, key, row, entry):
        """The file's value of every tracked field, as related objects and as JSON."""
        organizations = self.organizations(row.organizations)
        is_that_family = entry is not None and entry.is_family
        family = None if is_that_family else self.catalogue.family_of(key)
        objects = {
            **row.values,
            "organization": organizations[0],
            "other_organizations": organizations[1:],
            "category": self.category(row.category),
            "family": family,
            **{
                name: [slug for slug in getattr(row, name) if slug in self.catalogue.modalities]
                for name in ["input_modalities", "output_modalities"]
            },
            "modalities": [
                self.catalogue.modalities[slug]
                for slug in row.modalities
                if slug in self.catalogue.modalities
            ],
        }
        return objects, {name: self.as_value(name, value) for name, value in objects.items()}

    @staticmethod
    def as_value(name, value):
        if name in RELATED_FIELDS:
            return value.slug if value is not None else None
        if name in MANY_FIELDS:
            return sorted(item.slug for item in value)
        return as_json(value)

    def current(self, entry):
        values = {name: as_json(getattr(entry, name)) for name in SCALAR_FIELDS}
        for name in RELATED_FIELDS:
            values[name] = self.as_value(name, getattr(entry, name))
        for name in MANY_FIELDS:
            values[name] = self.as_value(name, getattr(entry, name).all())
        return values

    def import_row(self, key, row):
        entry, record = self.match(key)
        objects, wanted = self.wanted(key, row, entry)
        if entry is None:
            entry = self.create(key, row, objects)
            self.report.created.append(entry.name)
            self.record(entry, key, {**wanted, SOURCES: row.sources})
            self.sync_provenance(entry, row, set(FACT_FIELDS), changed=set(wanted))
            return
        previous = normal(record.values) if record is not None else {}
        kept = dict(previous.get(KEPT, {}))
        current = self.current(entry)
        to_write, changes = {}, []
        for name, value in wanted.items():
            now = current[name]
            if now == value:
                kept.pop(name, None)
                continue
            owned = name in previous and now == previous[name]
            if empty(value) and not owned:
                continue  # the file does not know it: nothing to write, nothing to report
            if owned or (name not in previous and empty(now)):
                to_write[name] = objects[name]
                changes.append(Change(name, shown(now), shown(value)))
                kept.pop(name, None)
            else:
                if kept.get(name) != now or previous.get(name) != value:
                    self.report.conflicts.append(
                        (entry.name, Change(name, shown(now), shown(value)))
                    )
                kept[name] = now
        sources_changed = self.sync_sources(entry, row, previous)
        values = {**wanted, SOURCES: row.sources}
        if kept:
            values[KEPT] = kept
        if to_write:
            self.update(entry, to_write)
        held = {
            fact
            for fact, names in FACT_FIELDS.items()
            if all(name in to_write or current[name] == wanted[name] for name in names)
        }
        provenance_changed = self.sync_provenance(entry, row, held, changed=set(to_write))
        if record is None:
            self.record(entry, key, values)
        elif previous != normal(values):  # previous: the stored values, normal()ised above
            record.values = values
            record.save(update_fields=["values"])
        if changes:
            self.report.changed.append((entry.name, changes))
        else:
            self.report.unchanged += 1
        if changes or sources_changed or provenance_changed or record is None:
            self.touched[entry.pk] = entry

    def create(self, key, row, objects):
        many = {name: objects.pop(name) for name in MANY_FIELDS}
        slug = self.catalogue.slugs[row.name]
        # Written in bulk by ``finish``: name_key, sort_name, the openness tier and published_at
        # as save() would set them.
        entry = ModelEntry(slug=slug, status=Status.PUBLISHED, **objects)
        entry.name_key = fold(entry.name)
        entry.sort_name = sort_key(entry.name)
        entry.openness_tier = tier_of(entry)
        entry.updated_by = self.user
        self.new_entries.append(entry)
        for name, items in many.items():
            if items:
                self.new_links.append((entry, name, items))
        for url in row.sources:
            self.new_sources.append(Source(entry=entry, url=url[:500]))
        entry.dataset_provenance = []
        return entry

    def update(self, entry, to_write):
        many = {name: to_write.pop(name) for name in MANY_FIELDS if name in to_write}
        for name, value in to_write.items():
            setattr(entry, name, value)
        if to_write:
            entry.updated_by = self.user
            entry.save()
        for name, items in many.items():
            getattr(entry, name).set(items)

    def record(self, entry, key, values):
        self.new_records.append(
            ImportRecord(dataset=self.dataset, entry=entry, key=key, values=values)
        )

    def sync_sources(self, entry, row, previous):
        """Add the file's new URLs; remove those the import added that left the file. A URL an
        editor removed is not added back."""
        had = set(previous.get(SOURCES, []))
        existing = {source.url: source for source in entry.sources.all()}
        added = [url for url in row.sources if url not in had and url not in existing]
        removed = [existing[url] for url in had - set(row.sources) if url in existing]
        for url in added:
            self.new_sources.append(Source(entry=entry, url=url[:500]))
        for source in removed:
            source.delete()
        return bool(added or removed)

    def sync_provenance(self, entry, row, held, changed):
        """The dataset's provenance rows of ``entry``: one per fact the file gives and the entry
        holds as the file has it; a fact whose value changed gets today's retrieval date."""
        existing = {p.fact: p for p in entry.dataset_provenance}
        wrote = False
        for fact, (confidence, note) in row.provenance.items():
            if fact not in held or fact not in FACT_FIELDS:
                continue
            fresh = bool(changed & set(FACT_FIELDS[fact]))
            found = existing.pop(fact, None)
            if found is None:
                self.new_provenance.append(
                    FactProvenance(
                        entry=entry,
                        fact=fact,
                        dataset=self.dataset,
                        retrieved_on=self.retrieved_on,
                        confidence=confidence,
                        note=note,
                    )
                )
                wrote = True
            elif found.confidence != confidence or found.note != note or fresh:
                found.confidence, found.note = confidence, note
                if fresh:
                    found.retrieved_on = self.retrieved_on
                found.save()
                wrote = True
        for stale in existing.values():
            stale.delete()
            wrote = True
        return wrote


def import_rows(rows, retrieved_on, user=None, dry_run=False, strict=False):
    return EpochImport(retrieved_on, user=user, dry_run=dry_run, strict=strict).run(rows)


# Undoing an import: every row it wrote back as it was before, every row it created deleted.

# Deleted in this order, so nothing is deleted while something still points to it.
DELETE_ORDER = [
    FactProvenance,
    Source,
    ImportRecord,
    EntryAlias,
    ModelEntry,
    OrganizationAlias,
    Organization,
    Category,
    Dataset,
]


OWNER_FIELDS = ("entry_id", "organization_id")


UNDO_COMMENT = re.compile(r"Undid the import of .* \(revision (\d+)\)\.")


def import_revisions():
    """The imports' revisions, newest first."""
    return Revision.objects.filter(comment__startswith=IMPORT_COMMENT).order_by("-pk")


def undone_imports():
    """The ids of the import revisions that were undone."""
    undos = Revision.objects.filter(comment__startswith="Undid the import of ")
    return {
        int(m[1])
        for c in undos.values_list("comment", flat=True)
        if (m := UNDO_COMMENT.fullmatch(c))
    }


def undoable_import():
    """The one import that can be undone now, or None: the newest not undone yet. Imports are
    undone newest first, as undoing puts each row back as it was before the import: undoing an
    earlier one first would put back what a later import had found and built on."""
    return import_revisions().exclude(pk__in=undone_imports()).first()


def undo_import(revision, user=None):
    """Put back what ``revision`` (an import's) changed; delete what it created. One revision."""
    with transaction.atomic(), one_bump(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            f"Undid the import of {revision.date_created:%Y-%m-%d %H:%M} (revision {revision.pk})."
        )
        counters = history.edit_counters(revision)
        created = defaultdict(list)
        for version in revision.version_set.select_related("content_type"):
            model = version.content_type.model_class()
            before = (
                Version.objects.get_for_object_reference(model, version.object_id)
                .filter(pk__lt=version.pk)
                .first()
            )
            if before is None:
                created[model].append(version.object_id)
                continue
            before.revert()
            # Rows that belonged to it then and that the import deleted.
            for child in before.revision.version_set.select_related("content_type"):
                child_model = child.content_type.model_class()
                owner = {child.field_dict.get(name) for name in OWNER_FIELDS}
                if (
                    child_model is not model
                    and int(version.object_id) in owner
                    and not child_model._default_manager.filter(pk=child.object_id).exists()
                ):
                    child.revert()
        for model in DELETE_ORDER:
            for pk in created.get(model, []):
                try:
                    model._default_manager.filter(pk=pk).delete()
                except ProtectedError:
                    continue  # used by something made since: kept
        history.put_back(counters)
