"""The OpenAPI 3.1 description of the JSON API and the downloads, served at /api/openapi.json.

The bodies' schemas (components) are generated from the records' django-ninja schemas
(kb.opendata.serializers, kb.catalogue.schemas) as django-ninja generates them, so a field added
to a record is described with it. The operations are written here: the API is plain Django views
(kb.opendata.api says why), whose query parameters come from the directory's filter form. The
slugs a filter accepts are listed from the database when the description is served, so a client
(or schemathesis) knows the values that exist today. tests/opendata/test_openapi.py checks that
every API route is described and schemathesis checks the responses against the description.
"""

import functools
from typing import Annotated

from django.conf import settings
from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import Field
from pydantic.json_schema import models_json_schema

from kb.catalogue import charts, schemas
from kb.catalogue.costs import BITS
from kb.catalogue.filters import (
    DEFAULT_SORT,
    FACETS,
    MAX_PRICE,
    PAGE_SIZES,
    SORT_CHOICES,
    SORTS,
    YEARS,
    ModelFilterForm,
)
from kb.catalogue.freshness import PerVersion
from kb.catalogue.models import Dataset, Modality
from kb.catalogue.openness import DIMENSION_COUNT, MINIMUM_GRADED
from kb.catalogue.schemas import Url

from . import serializers

SLUG_PARAMETER = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}

STRING = {"type": "string"}
Count = Annotated[int, Field(ge=0)]
PageNumber = Annotated[int, Field(ge=1)]


class Error(Schema):
    error: str
    detail: Annotated[dict[str, list[str]], Field(description="What was wrong, by parameter.")]


class Page(Schema):
    count: Count
    page: PageNumber
    pages: PageNumber
    next: Url | None
    previous: Url | None


class ModelPage(Page):
    attribution: list[serializers.Attribution]
    results: list[schemas.ModelEntry]


class ArticlePage(Page):
    results: list[serializers.Article]


class ModelDownload(Schema):
    count: Count
    attribution: list[serializers.Attribution]
    results: list[schemas.ModelEntry]


class CategoryList(Schema):
    count: Count
    results: list[serializers.Category]


# The response bodies, named as the operations below refer to them.
COMPONENTS = [
    Error,
    serializers.ModelEntryDetail,
    serializers.ArticleDetail,
    ModelPage,
    ArticlePage,
    ModelDownload,
    CategoryList,
    serializers.Chart,
]


@functools.cache
def component_schemas():
    """The JSON Schemas of the bodies, and of every record they hold, as OpenAPI components."""
    _, schemas = models_json_schema(
        [(schema, "serialization") for schema in COMPONENTS],
        ref_template=REF_TEMPLATE,
        schema_generator=NinjaGenerateJsonSchema,
    )
    return schemas["$defs"]


def ref(name):
    return {"$ref": REF_TEMPLATE.format(model=name)}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def response(description, schema):
    return {"description": description, "content": json_content(schema)}


BAD_PARAMETERS = response("An unknown parameter or a malformed value.", ref("Error"))
NO_SUCH_PAGE = response("The page number is past the last page.", ref("Error"))


def query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}  # fmt: skip


# An empty value means the parameter is not set, as a plain HTML form sends it.
EMPTY = {"type": "string", "maxLength": 0}


def choices(values):
    return {"type": "string", "enum": ["", *values]}


def whole_number(**bounds):
    return {"anyOf": [{"type": "integer", **bounds}, EMPTY]}


def slugs(values):
    """Any number of the values (an empty one means none, as a plain HTML form sends it)."""
    items = {"type": "string", "enum": ["", *values]} if values else {"type": "string"}
    return {"type": "array", "items": items}


def filter_parameters():
    """The filters and the sort order, as kb.catalogue.filters.ModelFilterForm defines them."""
    many = "Several values mean any of them."
    facets = [
        query(
            spec.name,
            slugs([value for value, _ in spec.load_choices()]),
            f"{spec.help_text} {many}",
        )
        for spec in FACETS
    ]
    return [
        *facets,
        query(
            "year",
            whole_number(minimum=YEARS[0], maximum=YEARS[1]),
            "Only entries first released in this year; entries without a published release date "
            "are left out.",
        ),
        query(
            "min_openness",
            whole_number(minimum=0, maximum=100),
            "Only entries whose openness score is at least this; entries with fewer than "
            f"{MINIMUM_GRADED} of {DIMENSION_COUNT} dimensions graded have no score and are left "
            "out.",
        ),
        query(
            "memory_gb",
            whole_number(minimum=1, maximum=100_000),
            ModelFilterForm.base_fields["memory_gb"].help_text,
        ),
        query(
            "memory_bits",
            {"anyOf": [{"type": "integer", "enum": list(BITS)}, EMPTY]},
            ModelFilterForm.base_fields["memory_bits"].help_text,
        ),
        query(
            "max_input_price",
            {"anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_PRICE}, EMPTY]},
            ModelFilterForm.base_fields["max_input_price"].help_text,
        ),
        query(
            "sort",
            choices(list(SORTS)),
            "; ".join(f"{value}: {label}" for value, label in SORT_CHOICES)
            + f". The default is {DEFAULT_SORT}; unknown values sort last, ties by name.",
        ),
    ]


PAGE = query("page", whole_number(minimum=1), "Page number, from 1.")
PER_PAGE = query(
    "per_page",
    {"anyOf": [{"type": "integer", "enum": list(PAGE_SIZES)}, EMPTY]},
    f"Entries per page; {PAGE_SIZES[0]} unless given.",
)


YEAR = {"type": "integer", "minimum": charts.FIRST_YEAR, "maximum": charts.LAST_YEAR}


def chart_parameters(chart, modalities):
    """The options of one chart (kb.catalogue.charts.ChartOptions): the block's, as query
    parameters; a chart refuses those it does not take."""
    parameters = [
        query("from", YEAR, "The first year counted (models released from then on)."),
        query("to", YEAR, "The last year counted; before `from`, no year is."),
        query(
            "modality",
            {"type": "string", "enum": modalities} if modalities else STRING,
            "Only the models with this modality.",
        ),
    ]
    for name, (values, default) in chart.choices.items():
        parameters.append(
            query(name, {"type": "string", "enum": list(values)}, f"{default} unless given.")
        )
    if chart.top:
        parameters.append(
            query(
                "top",
                {"type": "integer", "minimum": 1, "maximum": charts.MAX_TOP},
                f"How many rows ({charts.DEFAULT_TOP} unless given); the rest are summed as "
                "others.",
            )
        )
    return parameters


CHART_DESCRIPTION = (
    "Published entries with a release date; open means downloadable weights (fully open, open "
    "weights or restricted weights), closed API or product only (and, in by-organization, "
    "unreleased). Sizes and compute include the estimates of the datasets credited in "
    "attribution."
)


def chart_paths():
    """Each chart's JSON and CSV, described one by one as their options differ."""
    paths = {}
    modalities = list(Modality.objects.values_list("slug", flat=True))
    for chart in charts.CHARTS.values():
        operation = "".join(word.title() for word in chart.name.split("-"))
        paths[f"/api/charts/{chart.name}/"] = get(
            f"getChart{operation}",
            f"The numbers behind the chart “{chart.title}”, with the sentence summing them up",
            {"200": response("The chart's numbers.", ref("Chart")), "400": BAD_PARAMETERS},
            chart_parameters(chart, modalities),
            description=CHART_DESCRIPTION,
        )
        tables = charts.TABLES[chart.name]
        paths[f"/data/charts/{chart.name}.csv"] = get(
            f"downloadChart{operation}Csv",
            f"One table of the numbers behind “{chart.title}”, as CSV with a header row",
            {
                "200": {
                    "description": "The table, as in the chart's JSON tables.",
                    "headers": {
                        "Link": {
                            "description": "As for /models.csv: the licence, the page "
                            "describing the downloads and each dataset to credit.",
                            "schema": STRING,
                        }
                    },
                    "content": {"text/csv": {"schema": STRING}},
                },
                "400": BAD_PARAMETERS,
            },
            [
                *chart_parameters(chart, modalities),
                query(
                    "table",
                    {"type": "string", "enum": list(tables)},
                    f"Which of the chart's tables; {tables[0]} unless given.",
                ),
            ],
            description=CHART_DESCRIPTION,
        )
    return paths


def get(operation_id, summary, responses, parameters=(), description=None):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": list(parameters),
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return {"get": operation}


def credits():
    """The description's credit to each dataset facts were imported from, read from the
    database when the description is served (as the filters' values are), so it names the
    datasets, licences and retrieval dates of the data served today."""
    return "".join(
        f" Facts of many entries are imported from {dataset.publisher}'s {dataset.name} "
        f"({dataset.url}), published under {dataset.licence_name} ({dataset.licence_url}), "
        f"last retrieved {dataset.last_retrieved.isoformat()}: reusing them, credit "
        f'"{dataset.publisher}, {dataset.name}".'
        for dataset in Dataset.objects.credited()
    )


_built = PerVersion(maxsize=1)


def openapi_spec():
    """The OpenAPI document of the data served today: built once per content version, since
    its filter values and credits are read from the content."""
    return _built.get("spec", build_openapi_spec)


def build_openapi_spec():
    filters = filter_parameters()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.KB_SITE_NAME} API",
            "version": "1.0.0",
            "description": (
                "Read-only data about open-source and closed AI models: the model entries with "
                "their facts, licence, openness grades and sources; the categories; the "
                "published articles. Unknown facts are null. Unknown parameters and malformed "
                "values are answered with 400 and an Error saying what was wrong."
                f"{credits()} Each entry's provenance says which of its facts came from which "
                "dataset, and marks as estimates the values the dataset itself rates likely or "
                "speculative; the lists of entries and the downloads name the datasets to credit "
                "(attribution; for /models.csv, its Link header)."
            ),
            "license": {
                "name": settings.CONTENT_LICENCE["name"],
                "url": settings.CONTENT_LICENCE["url"],
            },
        },
        "paths": {
            "/api/models/": get(
                "listModels",
                "Published model entries, filtered, sorted and paginated",
                {
                    "200": response("A page of model entries.", ref("ModelPage")),
                    "400": BAD_PARAMETERS,
                    "404": NO_SUCH_PAGE,
                },
                [*filters, PAGE, PER_PAGE],
            ),
            "/api/models/{slug}/": get(
                "getModel",
                "One published model entry, with its description",
                {
                    "200": response("The model entry.", ref("ModelEntryDetail")),
                    "400": BAD_PARAMETERS,
                    "404": response("No published model entry has this slug.", ref("Error")),
                },
                [SLUG_PARAMETER],
            ),
            "/api/categories/": get(
                "listCategories",
                "The categories, with their published entries and pros and cons",
                {
                    "200": response("Every category.", ref("CategoryList")),
                    "400": BAD_PARAMETERS,
                },
            ),
            "/api/articles/": get(
                "listArticles",
                "Published articles, newest first, with their Markdown bodies",
                {
                    "200": response("A page of articles.", ref("ArticlePage")),
                    "400": BAD_PARAMETERS,
                    "404": NO_SUCH_PAGE,
                },
                [PAGE],
            ),
            "/api/articles/{slug}/": get(
                "getArticle",
                "One published article, with its body rendered as HTML",
                {
                    "200": response("The article.", ref("ArticleDetail")),
                    "400": BAD_PARAMETERS,
                    "404": response("No published article has this slug.", ref("Error")),
                },
                [SLUG_PARAMETER],
            ),
            "/api/openapi.json": get(
                "getOpenAPI",
                "This description",
                {
                    "200": response("The OpenAPI description.", {"type": "object"}),
                    "400": BAD_PARAMETERS,
                },
            ),
            "/models.json": get(
                "downloadModelsJson",
                "Every published model entry matching the filters, as JSON",
                {
                    "200": response("The matching entries.", ref("ModelDownload")),
                    "400": BAD_PARAMETERS,
                },
                filters,
            ),
            "/models.csv": get(
                "downloadModelsCsv",
                "Every published model entry matching the filters, as CSV with a header row",
                {
                    "200": {
                        "description": "The matching entries, one row each.",
                        "headers": {
                            "Link": {
                                "description": 'The licence (rel="license"), the page '
                                'describing the download (rel="describedby") and each dataset '
                                'facts were imported from (rel="via", titled with its credit).',
                                "schema": STRING,
                            }
                        },
                        "content": {"text/csv": {"schema": STRING}},
                    },
                    "400": BAD_PARAMETERS,
                },
                filters,
            ),
            **chart_paths(),
        },
        "components": {"schemas": component_schemas()},
    }
