"""The public record of a model entry, defined once.

``ModelEntry`` (the record, named as in the OpenAPI description) is a django-ninja ``Schema`` (a pydantic model that reads Django objects): its
fields, in order, are the record's keys; their types give the JSON Schema of the OpenAPI
description (kb.opendata.openapi); validating an entry builds the record the API and /models.json
send (kb.opendata.serializers). A fact that has a column in /models.csv says so with ``Column``,
and names the model field the admin's import and export read and write when editors may change
it (kb.catalogue.spreadsheets). Adding a fact is adding one field here.

A schema's docstring is its description in the OpenAPI document: it is written for the API's
users. Unknown is ``None`` (``null``, an empty cell), never ``0`` or "": ``Known`` turns the empty text
the database stores for an unknown fact into ``None``. Dates and times are ISO 8601 text, as
``isoformat()`` writes them.

It lives in the catalogue, below the open data, because the admin's import and export use it too.
"""

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from django.urls import reverse
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema

from . import models
from .costs import BITS, api_price, weights_memory
from .openness import DIMENSION_COUNT, MINIMUM_GRADED, scorecard


def or_none(value):
    return value if value not in ("", None) else None


def iso(value):
    return value.isoformat() if value else None


def known(type_):
    """``type_``, or ``None`` where the database holds empty text: an unknown fact."""
    return Annotated[type_ | None, BeforeValidator(or_none)]


Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
Day = Annotated[str, BeforeValidator(iso), WithJsonSchema({"type": "string", "format": "date"})]
Timestamp = Annotated[
    str, BeforeValidator(iso), WithJsonSchema({"type": "string", "format": "date-time"})
]


def absolute_url(obj, context):
    """The address of ``obj``'s page, for the request the record is made for."""
    return context["request"].build_absolute_uri(obj.get_absolute_url())


@dataclasses.dataclass(frozen=True)
class Column:
    """The fact's column in /models.csv, ``name``; ``cell`` turns the record's value into the
    cell's. ``edited_as`` names the ModelEntry field behind the column where editors import and
    export it (the admin's column of that name), ``None`` where the fact is computed."""

    name: str
    edited_as: str | None = None
    cell: Callable[[Any], Any] = lambda value: value


def edited(name, **kwargs):
    """A column editors import and export under the model field's own name."""
    return Column(name, edited_as=name, **kwargs)


@dataclasses.dataclass(frozen=True)
class PerDimension:
    """A list with one item per openness dimension, spread over columns: the item's columns are
    named with ``{dimension}`` filled in, in the dimensions' order."""


class EntryOrganization(Schema):
    slug: Annotated[str, edited("organization")]
    name: Annotated[str, Column("organization_name")]
    website: known(Url)


class EntryCategory(Schema):
    slug: Annotated[str, edited("category")]
    name: str


class Licence(Schema):
    name: Annotated[known(str), Column("licence", edited_as="licence_name")]
    url: Annotated[known(Url), edited("licence_url")]
    osi_approved: Annotated[bool | None, edited("licence_osi_approved")]
    terms_url: Annotated[
        known(Url),
        Field(
            description="The document that governs use where the licence does not say it all, "
            "or where there is none (a hosted model's service agreement)."
        ),
        edited("terms_url"),
    ]


class Lifecycle(Schema):
    """Whether the model can still be used: its status, since when, and the page saying so.
    `status` is null where nobody recorded it."""

    status: Annotated[
        known(Literal[tuple(models.Lifecycle.values)]),
        Column("lifecycle_status", edited_as="lifecycle"),
    ]
    since: Annotated[known(Day), Column("lifecycle_date", edited_as="lifecycle_date")]
    source_url: Annotated[known(Url), edited("lifecycle_source_url")]


class OpennessGrade(Schema):
    """One openness dimension's grade."""

    # The columns name the fields of kb.catalogue.models.OpennessGrade that editors import.
    dimension: Literal[tuple(models.OpennessGrade.Dimension.values)]
    label: str
    grade: Annotated[
        Literal[tuple(models.OpennessGrade.Grade.values)], Column("openness_{dimension}", "grade")
    ]
    source_url: Annotated[known(Url), Column("openness_{dimension}_source", "source_url")]
    checked_on: Annotated[known(Day), Column("openness_{dimension}_checked", "checked_on")]
    note: Annotated[
        known(str),
        Field(description="Why this grade, in the editors' words."),
        Column("openness_{dimension}_note", "note"),
    ]


class Openness(Schema):
    score: Annotated[
        int | None,
        Field(
            ge=0,
            le=100,
            description="open 1, partial ½, closed 0, averaged over the graded dimensions, "
            f"×100, halves rounded up. null when fewer than {MINIMUM_GRADED} of "
            f"{DIMENSION_COUNT} dimensions are graded.",
        ),
        Column("openness_score"),
    ]
    graded: Annotated[
        int,
        Field(
            ge=0,
            le=DIMENSION_COUNT,
            description="How many dimensions have a known grade: the score's coverage.",
        ),
        Column("openness_graded"),
    ]
    unknown: Annotated[int, Field(ge=0), Column("openness_unknown")]
    grades: Annotated[list[OpennessGrade], PerDimension()]

    @staticmethod
    def resolve_grades(card):
        return card.rows


class Source(Schema):
    fact: str
    url: Url
    title: known(str)


def source_lines(sources):
    """Sources share one cell: a ``fact url`` pair per line."""
    return "\n".join(f"{source['fact']} {source['url']}" for source in sources)


class FactProvenance(Schema):
    """Where one of the entry's facts was imported from: the dataset (its slug, as the
    `attribution` of the lists and downloads names it), the day the dataset was retrieved, how
    sure the dataset is of the value, and its note. `estimate` is true where the dataset itself
    rates the value likely or speculative: an estimate, not a figure the maker published."""

    fact: Literal[tuple(models.FactProvenance.Fact.values)]
    dataset: str
    retrieved_on: Day
    confidence: known(Literal[tuple(models.Confidence.values)])
    estimate: bool
    note: known(str)

    @staticmethod
    def resolve_dataset(item):
        return item.dataset.slug

    @staticmethod
    def resolve_estimate(item):
        return item.is_estimate


def provenance_lines(provenance):
    """Provenance shares one cell: ``fact dataset retrieved_on confidence`` per line, followed
    by ``estimate`` for an estimate (the notes are in the JSON records)."""
    return "\n".join(
        " ".join(
            [
                item["fact"],
                item["dataset"],
                item["retrieved_on"],
                item["confidence"] or "unknown",
                *(["estimate"] if item["estimate"] else []),
            ]
        )
        for item in provenance
    )


class ApiPrice(Schema):
    """The price the maker publishes for using the model through its API, as read on `as_of`
    from `source_url`: the standard rate per million input and output tokens."""

    input_per_million: Annotated[float, Field(ge=0), Column("price_input_per_million")]
    output_per_million: Annotated[float, Field(ge=0), Column("price_output_per_million")]
    currency: Annotated[Literal[tuple(models.ApiPrice.Currency.values)], Column("price_currency")]
    as_of: Annotated[Day, Column("price_as_of")]
    source_url: Annotated[Url, Column("price_source")]
    note: Annotated[known(str), Column("price_note")]


def gigabytes_at(bits):
    return Annotated[
        float | None,
        Field(ge=0, description=f"At {bits} bits per parameter; null without a parameter count."),
        Column(f"memory_{bits}bit_gb"),
    ]


class WeightsMemory(Schema):
    """The memory the downloadable weights need, computed here, not published: parameter_count
    × bits ÷ 8 bytes, in gigabytes of 10⁹ bytes with one decimal (halves rounded up). Weights
    only: running the model needs more, for activations and the context. A mixture of experts
    counts all its parameters, since every expert is loaded."""

    gb_at_16_bits: gigabytes_at(16)
    gb_at_8_bits: gigabytes_at(8)
    gb_at_4_bits: gigabytes_at(4)


class ModelEntry(Schema):
    """One model entry: facts, licence, openness grades, sources, and the provenance of the
    facts imported from a published dataset."""

    slug: Annotated[str, edited("slug")]
    name: Annotated[str, edited("name")]
    url: Annotated[Url, Column("url")]
    api_url: Url
    organization: EntryOrganization
    category: EntryCategory
    modalities: Annotated[list[str], edited("modalities", cell=";".join)]
    input_modalities: Annotated[
        list[str],
        Field(description="Modality slugs it reads."),
        Column("input_modalities", cell=";".join),
    ]
    output_modalities: Annotated[
        list[str],
        Field(description="Modality slugs it writes."),
        Column("output_modalities", cell=";".join),
    ]
    announced_date: Annotated[known(Day), edited("announced_date")]
    release_date: Annotated[known(Day), edited("release_date")]
    lifecycle: Lifecycle
    parameters: Annotated[known(str), edited("parameters")]
    parameter_count: Annotated[int | None, Field(ge=1), edited("parameter_count")]
    active_parameter_count: Annotated[
        int | None,
        Field(ge=1, description="For a mixture of experts, the parameters used per token."),
        Column("active_parameter_count"),
    ]
    context_window: Annotated[int | None, Field(ge=1), edited("context_window")]
    licence: Licence
    access: Annotated[known(Literal[tuple(models.Access.values)]), edited("access")]
    openness_tier: Annotated[
        Literal[tuple(value for value, _label in models.OPENNESS_TIERS)],
        Field(
            description="How open the model is, derived from its access, the terms of its "
            "weights and its openness grades: fully_open (weights, training code and data), "
            "open_weights, restricted_weights (use restrictions, non-commercial, on request), "
            "hosted (API or product only), unreleased, unknown."
        ),
        Column("openness_tier"),
    ]
    homepage: Annotated[known(Url), edited("homepage")]
    summary: Annotated[known(str), edited("summary")]
    openness: Openness
    api_price: Annotated[
        ApiPrice | None, Field(description="null where no published price is recorded.")
    ]
    weights_memory: Annotated[
        WeightsMemory | None, Field(description="null where the weights cannot be downloaded.")
    ]
    sources: Annotated[list[Source], Column("sources", cell=source_lines)]
    provenance: Annotated[list[FactProvenance], Column("provenance", cell=provenance_lines)]
    updated_at: Annotated[Timestamp, Column("updated_at")]

    resolve_url = staticmethod(absolute_url)

    @staticmethod
    def resolve_api_url(entry, context):
        url = reverse("kb:api_model", args=[entry.slug])
        return context["request"].build_absolute_uri(url)

    @staticmethod
    def resolve_modalities(entry):
        return [modality.slug for modality in entry.modalities.all()]

    @staticmethod
    def resolve_lifecycle(entry):
        return {
            "status": entry.lifecycle,
            "since": entry.lifecycle_date,
            "source_url": entry.lifecycle_source_url,
        }

    @staticmethod
    def resolve_licence(entry):
        return {
            "name": entry.licence_name,
            "url": entry.licence_url,
            "osi_approved": entry.licence_osi_approved,
            "terms_url": entry.terms_url,
        }

    @staticmethod
    def resolve_openness(entry):
        return scorecard(entry)

    @staticmethod
    def resolve_api_price(entry):
        return api_price(entry)

    @staticmethod
    def resolve_weights_memory(entry):
        memory = weights_memory(entry)
        if memory is None:
            return None
        return {f"gb_at_{bits}_bits": memory.at(bits) for bits in BITS}


@dataclasses.dataclass(frozen=True)
class RecordColumn:
    """One column of the flattened record: its header, how to find its cell in a record, and the
    ModelEntry (or, for a grade, OpennessGrade) field editors import it into."""

    name: str
    read: Callable[[dict], Any]
    edited_as: str | None
    dimension: str | None = None


def nested_schema(annotation):
    """The Schema a field holds, alone or or-None (``ApiPrice | None``), or None."""
    for each in (annotation, *get_args(annotation)):
        if isinstance(each, type) and issubclass(each, Schema):
            return each
    return None


def record_columns(schema=ModelEntry, read=lambda record: record, dimension=None):
    """The columns of ``schema``'s records, in the order of its fields. A nested record that is
    null (an entry without an API price) leaves its columns empty."""
    for key, field in schema.model_fields.items():
        marks = {type(mark): mark for mark in field.metadata}

        def value(record, key=key):
            parent = read(record)
            return None if parent is None else parent[key]

        if Column in marks:
            column = marks[Column]
            name = column.name.format(dimension=dimension)
            yield RecordColumn(
                name,
                lambda record, v=value, c=column: c.cell(v(record)),
                column.edited_as,
                dimension,
            )
        elif PerDimension in marks:
            (item,) = get_args(field.annotation)
            for each in models.OpennessGrade.Dimension.values:

                def one(record, v=value, each=each):
                    return next(i for i in v(record) if i["dimension"] == each)

                yield from record_columns(item, one, each)
        elif nested := nested_schema(field.annotation):
            yield from record_columns(nested, value, dimension)


RECORD_COLUMNS = list(record_columns())
