"""The facts of a model entry as a reader sees them, in one place for every page that shows them
(the model page, the directory, the model-vs-model comparison).

An unknown fact reads "Not published" (or "Unknown" for a yes/no), never 0 or an empty cell.
Entries should come with ``ModelEntry.objects.with_related()`` so no fact costs a query.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.dateformat import format as format_date

from .models import TIER_UNKNOWN, FactProvenance, OpennessGrade, Source

NOT_PUBLISHED = "Not published"
UNKNOWN = "Unknown"
NOT_KNOWN = "Not known"
DATE_FORMAT = "j F Y"
Grade = OpennessGrade.Grade


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    text: str
    known: bool = True
    url: str = ""
    # The Source.fact whose URLs back this fact; empty where the fact needs no source.
    source_fact: str = ""
    # The category's emoji, which pages draw as the site's icon (kb.site.icons).
    icon: str = ""
    # A shorter text for narrow columns (the directory's), given only where ``url`` leads to
    # the full one.
    short: str = ""


def known_or_not(key, label, value, *, source_fact="", url="", unknown=NOT_PUBLISHED, short=""):
    if value in (None, ""):
        return Fact(key, label, unknown, known=False, source_fact=source_fact)
    value = str(value)
    short = short if url and short != value else ""
    return Fact(key, label, value, url=url, source_fact=source_fact, short=short)


LICENCE_WORD = re.compile(r"\s*\b(?:licen[cs]e)\b\s*", re.IGNORECASE)
PARENTHESES = re.compile(r"\s*\([^)]*\)")


def short_licence(name):
    """A licence's name without the words that make a narrow column five lines deep: what is in
    parentheses and the word "licence" ("Proprietary (OpenAI terms of use)" -> "Proprietary",
    "Apache License 2.0" -> "Apache 2.0"); licences joined by ";" each shortened, joined by " / ".
    """
    parts = []
    for part in name.split(";"):
        part = " ".join(LICENCE_WORD.sub(" ", PARENTHESES.sub("", part)).split())
        if part:
            parts.append(part)
    return " / ".join(parts) or name


def osi_text(approved):
    return {True: "Yes", False: "No"}.get(approved)


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def scientific(value):
    """3.8e25 -> "3.8 × 10²⁵"; numbers under a million as they are, with thousands separators."""
    if value < 1e6:
        return intcomma(round(value))
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"


def parameters_text(entry):
    if entry.parameters and entry.active_parameter_count:
        active = f"{entry.active_parameter_count / 1e9:.3g}B"
        return f"{entry.parameters} total, {active} active per token"
    return entry.parameters


def entry_facts(entry):
    """Every fact of ``entry`` in reading order, keyed by name (templates use ``facts.licence``)."""
    modalities = ", ".join(modality.name for modality in entry.modalities.all())
    release = format_date(entry.release_date, DATE_FORMAT) if entry.release_date else None
    context = f"{intcomma(entry.context_window)} tokens" if entry.context_window else None
    facts = [
        Fact("organization", "Organization", entry.organization.name, url=entry.organization.get_absolute_url()),
        Fact(
            "category",
            "Category",
            entry.category.name,
            url=entry.category.get_absolute_url(),
            icon=entry.category.icon,
        ),
        known_or_not("modalities", "Modalities", modalities, source_fact=Source.Fact.MODALITIES),
        known_or_not("release_date", "Release date", release, source_fact=Source.Fact.RELEASE_DATE),
        known_or_not("parameters", "Parameters", parameters_text(entry), source_fact=Source.Fact.PARAMETERS),
        known_or_not("context_window", "Context window", context, source_fact=Source.Fact.CONTEXT_WINDOW),
        known_or_not("licence", "Licence", entry.licence_name, url=entry.licence_url, source_fact=Source.Fact.LICENCE, short=short_licence(entry.licence_name)),
        known_or_not("osi_approved", "OSI-approved licence", osi_text(entry.licence_osi_approved), unknown=UNKNOWN),
        known_or_not("access", "Access", entry.get_access_display(), source_fact=Source.Fact.ACCESS),
        known_or_not("homepage", "Homepage", entry.homepage, url=entry.homepage),
    ]  # fmt: skip
    return {fact.key: fact for fact in facts}


def lifecycle_text(entry):
    """ "Retired since 30 April 2025", "Available"; None when nobody recorded it."""
    if not entry.lifecycle:
        return None
    status = entry.get_lifecycle_display()
    if entry.lifecycle_date:
        return f"{status} since {format_date(entry.lifecycle_date, DATE_FORMAT)}"
    return status


def modality_names(entry, slugs):
    """The names of the modalities ``slugs`` (of ``entry.modalities``, which the page has read,
    for the names; a slug not among them is shown as it is)."""
    names = {modality.slug: modality.name for modality in entry.modalities.all()}
    return ", ".join(names.get(slug, slug) for slug in slugs)


def lifecycle_fact(entry):
    """Its status with its date, linked to the page that says so; "Not known" if unrecorded."""
    status = lifecycle_text(entry)
    return known_or_not(
        "lifecycle", "Status", status, url=entry.lifecycle_source_url, unknown=NOT_KNOWN
    )


def read_and_written_facts(entry):
    """What it reads and what it writes, as two facts (reads ``entry.modalities.all()``)."""
    return (
        known_or_not("input_modalities", "Reads", modality_names(entry, entry.input_modalities)),
        known_or_not("output_modalities", "Writes", modality_names(entry, entry.output_modalities)),
    )


def further_facts(entry):
    """The facts a model page adds to ``entry_facts``: its openness tier, then each of the others
    only where known (imports bring most): its family, the other organizations, when it was
    announced, its status, what it reads and writes, the terms that govern its use, the use of
    the weights, training compute and data, the country. Reads ``entry.family``,
    ``entry.other_organizations.all()`` and ``entry.modalities.all()``."""
    others = ", ".join(o.name for o in entry.organizations[1:])
    compute = entry.training_compute_flop
    size = entry.training_dataset_size
    announced = entry.announced_date and format_date(entry.announced_date, DATE_FORMAT)
    status, reads, writes = lifecycle_fact(entry), *read_and_written_facts(entry)
    facts = [
        known_or_not("openness_tier", "Openness tier", openness_tier_text(entry), unknown=NOT_KNOWN),
        entry.family and Fact("family", "Family", entry.family.name, url=entry.family.get_absolute_url()),
        others and Fact("other_organizations", "With", others),
        announced and Fact("announced_date", "Announced", announced),
        status.known and status,
        reads.known and reads,
        writes.known and writes,
        entry.terms_url and Fact("terms", "Terms of use", "The document that governs use", url=entry.terms_url),
        entry.weights_use and Fact("weights_use", "Use of the weights", entry.get_weights_use_display()),
        compute is not None and Fact("training_compute", "Training compute", f"{scientific(compute)} FLOP"),
        size is not None and Fact("training_dataset_size", "Training data", f"{scientific(size)} datapoints"),
        entry.country and Fact("country", "Country", entry.country),
    ]  # fmt: skip
    return [fact for fact in facts if fact]


def openness_tier_text(entry):
    return None if entry.openness_tier == TIER_UNKNOWN else entry.get_openness_tier_display()


# The provenance fact (FactProvenance.Fact) behind each fact of a facts table.
PROVENANCE_OF = {
    "announced_date": FactProvenance.Fact.ANNOUNCED_DATE,
    "input_modalities": FactProvenance.Fact.MODALITIES,
    "output_modalities": FactProvenance.Fact.MODALITIES,
    "organization": FactProvenance.Fact.ORGANIZATIONS,
    "other_organizations": FactProvenance.Fact.ORGANIZATIONS,
    "category": FactProvenance.Fact.ACCESS,
    "access": FactProvenance.Fact.ACCESS,
    "weights_use": FactProvenance.Fact.ACCESS,
    "modalities": FactProvenance.Fact.MODALITIES,
    "release_date": FactProvenance.Fact.RELEASE_DATE,
    "parameters": FactProvenance.Fact.PARAMETERS,
    "licence": FactProvenance.Fact.LICENCE,
    "training_compute": FactProvenance.Fact.TRAINING_COMPUTE,
    "training_dataset_size": FactProvenance.Fact.TRAINING_DATASET_SIZE,
    "country": FactProvenance.Fact.COUNTRY,
}


def sourced_facts(entry):
    """(fact, sources, provenance) rows for a facts table, and the sources that back the entry
    as a whole. ``provenance`` lists the datasets a fact was imported from (marked estimates
    where the dataset says so).

    Reads ``entry.sources.all()``, ``entry.provenance.all()`` (with its dataset), ``family``
    and ``other_organizations``: the model page loads them.
    """
    by_fact = defaultdict(list)
    for source in entry.sources.all():
        by_fact[source.fact].append(source)
    provenance = defaultdict(list)
    for item in entry.provenance.all():
        provenance[item.fact].append(item)
    facts = [*entry_facts(entry).values(), *further_facts(entry)]
    rows = [
        (
            fact,
            by_fact[fact.source_fact] if fact.source_fact else [],
            provenance.get(PROVENANCE_OF.get(fact.key), []) if fact.known else [],
        )
        for fact in facts
    ]
    return rows, by_fact[Source.Fact.GENERAL]


def datasets_shown(rows):
    """The datasets whose facts a facts table shows, each once: to credit them."""
    return list({item.dataset_id: item.dataset for _, _, items in rows for item in items}.values())


@dataclass(frozen=True)
class LeftOut:
    """A category's point that a model's own grades contradict."""

    item: object
    closed: list  # the dimensions it rests on that the model grades closed


@dataclass(frozen=True)
class ProsCons:
    pros: list
    cons: list
    # The category when the entry has none of its own and shows its category's instead:
    # points typical of the category, not written for the entry.
    inherited_from: object = None
    # The category's points left out because the entry's grades contradict them (LeftOut).
    left_out: list = field(default_factory=list)

    @property
    def typical_of(self):
        """The category's name as it reads after "Typical of": "open-source models"."""
        name = self.inherited_from.name
        return name[:1].lower() + name[1:]


def split_pros_cons(items, inherited_from=None, left_out=()):
    items = list(items)
    return ProsCons(
        pros=[item for item in items if item.kind == item.Kind.PRO],
        cons=[item for item in items if item.kind == item.Kind.CON],
        inherited_from=inherited_from,
        left_out=list(left_out),
    )


def closed_dimensions(entry):
    """The openness dimensions ``entry`` grades closed. Reads ``entry.openness.all()``."""
    return {grade.dimension for grade in entry.openness.all() if grade.grade == Grade.CLOSED}


def contradicted_points(entry):
    """The category's points that ``entry``'s own grades contradict, as LeftOut."""
    closed = closed_dimensions(entry)
    points = (
        LeftOut(item, item.contradicted_by(closed)) for item in entry.category.pros_cons.all()
    )
    return [point for point in points if point.closed]


def pros_and_cons(entry):
    """The entry's own pros and cons; or else the ones typical of its category (marked as such),
    less those the entry's own openness grades contradict (a point resting on training data is
    not shown for a model that grades its training data closed).

    Reads ``entry.pros_cons.all()``, ``entry.openness.all()`` and
    ``entry.category.pros_cons.all()``: prefetch them (``ModelEntry.objects.with_details()``).
    """
    own = list(entry.pros_cons.all())
    if own:
        return split_pros_cons(own)
    left_out = contradicted_points(entry)
    contradicted = {point.item.pk for point in left_out}
    typical = [item for item in entry.category.pros_cons.all() if item.pk not in contradicted]
    return split_pros_cons(typical, inherited_from=entry.category, left_out=left_out)
