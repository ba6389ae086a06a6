"""The published content as plain data: the records of the JSON API and of the downloads.

Each record is defined once, as a django-ninja ``Schema`` named as in the OpenAPI description:
the model entry's in kb.catalogue.schemas (the admin's import and export use it too), the others
here. Validating an object with its schema builds the record; the schemas' JSON Schemas are the
OpenAPI description's components (kb.opendata.openapi); the CSV columns are the model entry
record's ``Column`` marks. A fact nobody published is ``None`` (``null`` in JSON, an empty cell
in CSV), never ``0`` or "".
"""

from typing import Annotated

from django.db.models import Prefetch
from django.db.models.functions import Lower
from ninja import Schema
from pydantic import Field

from kb.catalogue import models, schemas
from kb.catalogue.csv_safety import neutralise
from kb.catalogue.models import FactProvenance, ProCon, Source
from kb.catalogue.schemas import Day, Timestamp, Url, absolute_url, known
from kb.catalogue.shown import markdown_html


def published_entries():
    """Published entries with everything a record shows, in a fixed number of queries."""
    return (
        models.ModelEntry.objects.published()
        .select_related("organization", "category")
        .prefetch_related(
            "modalities",
            "openness",
            "api_prices",
            Prefetch("sources", queryset=Source.objects.order_by("fact", "id")),
            Prefetch(
                "provenance",
                queryset=FactProvenance.objects.select_related("dataset").order_by(
                    "fact", "dataset__slug"
                ),
            ),
        )
    )


def published_articles():
    return (
        models.Article.objects.published()
        .order_by("-published_at", "title")
        .prefetch_related(
            Prefetch("categories", queryset=models.Category.objects.only("slug")),
            Prefetch("entries", queryset=models.ModelEntry.objects.published().only("slug")),
        )
    )


def categories_with_entries():
    return models.Category.objects.with_published_counts().prefetch_related(
        Prefetch(
            "entries",
            queryset=models.ModelEntry.objects.published()
            .order_by(Lower("name"))
            .only("slug", "category"),
            to_attr="published_entries",
        ),
        Prefetch("pros_cons", queryset=ProCon.objects.order_by("position", "id")),
    )


class DatasetLicence(Schema):
    name: str
    url: Url


class Attribution(Schema):
    """A published dataset that some of the entries' facts were imported from, to credit when
    reusing them: who publishes it, where, under which licence, and the day it was last retrieved.
    An entry's `provenance` names the dataset by `slug`."""

    slug: str
    publisher: str
    name: str
    url: Url
    licence: DatasetLicence
    last_retrieved: Day

    @staticmethod
    def resolve_licence(dataset):
        return {"name": dataset.licence_name, "url": dataset.licence_url}


def credited(entry=None):
    """The datasets the model entries' data must credit (``Dataset.objects.credited()``); with
    ``entry``, only those its own facts come from (its prefetched ``provenance``)."""
    datasets = models.Dataset.objects.credited()
    if entry is None:
        return datasets
    used = {provenance.dataset_id for provenance in entry.provenance.all()}
    return datasets.filter(pk__in=used) if used else []


def attribution():
    """Whom the model entries' data must credit, as records."""
    return [Attribution.from_orm(dataset).model_dump() for dataset in credited()]


def rendered(text):
    return str(markdown_html(text))


def description_markdown(obj):
    return obj.description


def description_html(obj):
    return rendered(obj.description)


class ModelEntryDetail(schemas.ModelEntry):
    """An entry's record with its description, as Markdown and as the page shows it."""

    description_markdown: str
    description_html: str
    attribution: Annotated[
        list[Attribution],
        Field(
            description="The datasets this entry's facts were imported from (its `provenance`), "
            "to credit when reusing them; empty when none was."
        ),
    ]

    resolve_description_markdown = staticmethod(description_markdown)
    resolve_description_html = staticmethod(description_html)
    resolve_attribution = staticmethod(credited)


class Category(Schema):
    slug: str
    name: str
    short_name: str
    icon: known(str)
    summary: known(str)
    url: Url
    description_markdown: str
    description_html: str
    entry_count: Annotated[int, Field(ge=0)]
    entries: list[str]
    pros: list[str]
    cons: list[str]

    resolve_url = staticmethod(absolute_url)

    resolve_description_markdown = staticmethod(description_markdown)
    resolve_description_html = staticmethod(description_html)

    @staticmethod
    def resolve_entries(category):
        return [entry.slug for entry in category.published_entries]

    @staticmethod
    def resolve_pros(category):
        return [p.text for p in category.pros_cons.all() if p.kind == ProCon.Kind.PRO]

    @staticmethod
    def resolve_cons(category):
        return [p.text for p in category.pros_cons.all() if p.kind == ProCon.Kind.CON]


class Article(Schema):
    slug: str
    title: str
    lede: known(str)
    url: Url
    published_at: known(Timestamp)
    updated_at: Timestamp
    featured: bool
    categories: list[str]
    entries: list[str]
    body_markdown: str

    resolve_url = staticmethod(absolute_url)

    @staticmethod
    def resolve_categories(article):
        return [category.slug for category in article.categories.all()]

    @staticmethod
    def resolve_entries(article):
        return [entry.slug for entry in article.entries.all()]

    @staticmethod
    def resolve_body_markdown(article):
        return article.body


class ArticleDetail(Article):
    """The article with its body rendered as HTML, generated blocks and all."""

    # Only here: the list leaves the HTML out, as each generated block costs queries.

    body_html: str

    @staticmethod
    def resolve_body_html(article):
        return rendered(article.body)


def as_record(schema):
    """The function giving an object's record, as plain data, by ``schema``."""

    def record(obj, request):
        return schema.from_orm(obj, context={"request": request}).model_dump()

    return record


entry_record = as_record(schemas.ModelEntry)
entry_detail_record = as_record(ModelEntryDetail)
category_record = as_record(Category)
article_record = as_record(Article)
article_detail_record = as_record(ArticleDetail)

CSV_COLUMNS = [column.name for column in schemas.RECORD_COLUMNS]


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def entry_csv_row(record):
    """A record flattened to one CSV row, in ``CSV_COLUMNS`` order (kb.catalogue.schemas)."""
    return [csv_cell(column.read(record)) for column in schemas.RECORD_COLUMNS]


class ChartTable(Schema):
    """A chart's numbers: one row per year, model or organization, as the CSV has them."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list[str | int | float | None]]


class Chart(Schema):
    """The numbers behind one of the charts articles show (``[[chart NAME OPTIONS]]``): the
    options they were computed with, the sentence that sums them up, and whom to credit."""

    chart: str
    title: str
    summary: str
    options: dict[str, str]
    attribution: list[Attribution]
    tables: list[ChartTable]


def chart_record(series):
    """A chart's record (``Chart``)."""
    return {
        "chart": series.chart.name,
        "title": series.options.title,
        "summary": series.summary,
        "options": series.options.written(),
        "attribution": [Attribution.from_orm(d).model_dump() for d in series.credit.datasets],
        "tables": [
            {
                "name": table.name,
                "caption": table.caption,
                "columns": list(table.columns),
                "rows": [list(row) for row in table.rows],
            }
            for table in series.tables()
        ],
    }
