"""The OpenAPI 3.1 description of the JSON API and the downloads, served at /api/openapi.json.

Written by hand; tests/opendata/test_openapi.py checks that every API route is described and schemathesis
checks the responses against it. The slugs a filter accepts are listed from the database when the
description is served, so a client (or schemathesis) knows the values that exist today.
"""

from django.conf import settings

from kb.catalogue.models import Access, OpennessGrade
from kb.catalogue.openness import DIMENSION_COUNT, MINIMUM_GRADED
from kb.site.filters import DEFAULT_SORT, FACETS, PAGE_SIZES, SORT_CHOICES, SORTS

SLUG_PARAMETER = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}


def nullable(schema):
    return {**schema, "type": [schema["type"], "null"]}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
STRINGS = {"type": "array", "items": STRING}


def obj(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(item):
    return obj(
        {
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "next": nullable(URL),
            "previous": nullable(URL),
            "results": {"type": "array", "items": ref(item)},
        }
    )


def list_of(item):
    return obj(
        {"count": {"type": "integer", "minimum": 0}, "results": {"type": "array", "items": item}}
    )


SCHEMAS = {
    "Error": obj(
        {
            "error": STRING,
            "detail": {
                "type": "object",
                "description": "What was wrong, by parameter.",
                "additionalProperties": STRINGS,
            },
        }
    ),
    "OpennessGrade": obj(
        {
            "dimension": {"type": "string", "enum": OpennessGrade.Dimension.values},
            "label": STRING,
            "grade": {"type": "string", "enum": OpennessGrade.Grade.values},
            "source_url": nullable(URL),
            "checked_on": nullable(DATE),
        }
    ),
    "ModelEntry": obj(
        {
            "slug": STRING,
            "name": STRING,
            "url": URL,
            "api_url": URL,
            "organization": obj({"slug": STRING, "name": STRING, "website": nullable(URL)}),
            "category": obj({"slug": STRING, "name": STRING}),
            "modalities": STRINGS,
            "release_date": nullable(DATE),
            "parameters": nullable(STRING),
            "parameter_count": nullable({"type": "integer", "minimum": 1}),
            "context_window": nullable({"type": "integer", "minimum": 1}),
            "licence": obj(
                {
                    "name": nullable(STRING),
                    "url": nullable(URL),
                    "osi_approved": {"type": ["boolean", "null"]},
                }
            ),
            "access": {"type": ["string", "null"], "enum": [*Access.values, None]},
            "homepage": nullable(URL),
            "summary": nullable(STRING),
            "openness": obj(
                {
                    "score": {
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": 100,
                        "description": "open 1, partial ½, closed 0, averaged over the graded "
                        "dimensions, ×100, halves rounded up. null when fewer than "
                        f"{MINIMUM_GRADED} of {DIMENSION_COUNT} dimensions are graded.",
                    },
                    "graded": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": DIMENSION_COUNT,
                        "description": "How many dimensions have a known grade: the score's "
                        "coverage.",
                    },
                    "unknown": {"type": "integer", "minimum": 0},
                    "grades": {"type": "array", "items": ref("OpennessGrade")},
                }
            ),
            "sources": {
                "type": "array",
                "items": obj({"fact": STRING, "url": URL, "title": nullable(STRING)}),
            },
            "updated_at": DATETIME,
        }
    ),
    "ModelEntryDetail": {
        "allOf": [
            ref("ModelEntry"),
            obj({"description_markdown": STRING, "description_html": STRING}),
        ]
    },
    "Category": obj(
        {
            "slug": STRING,
            "name": STRING,
            "short_name": STRING,
            "icon": nullable(STRING),
            "summary": nullable(STRING),
            "url": URL,
            "description_markdown": STRING,
            "description_html": STRING,
            "entry_count": {"type": "integer", "minimum": 0},
            "entries": STRINGS,
            "pros": STRINGS,
            "cons": STRINGS,
        }
    ),
    "Article": obj(
        {
            "slug": STRING,
            "title": STRING,
            "lede": nullable(STRING),
            "url": URL,
            "published_at": nullable(DATETIME),
            "updated_at": DATETIME,
            "featured": {"type": "boolean"},
            "categories": STRINGS,
            "entries": STRINGS,
            "body_markdown": STRING,
        }
    ),
    "ArticleDetail": {"allOf": [ref("Article"), obj({"body_html": STRING})]},
    "ModelPage": page_of("ModelEntry"),
    "ArticlePage": page_of("Article"),
    "ModelDownload": list_of(ref("ModelEntry")),
    "CategoryList": list_of(ref("Category")),
}


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
    """The filters and the sort order, as kb.site.filters.ModelFilterForm defines them."""
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
            "min_openness",
            whole_number(minimum=0, maximum=100),
            "Only entries whose openness score is at least this; entries with fewer than "
            f"{MINIMUM_GRADED} of {DIMENSION_COUNT} dimensions graded have no score and are left "
            "out.",
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


def openapi_spec():
    filters = filter_parameters()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "AI Models Knowledge Base API",
            "version": "1.0.0",
            "description": (
                "Read-only data about open-source and closed AI models: the model entries with "
                "their facts, licence, openness grades and sources; the categories; the "
                "published articles. Unknown facts are null. Unknown parameters and malformed "
                "values are answered with 400 and an Error saying what was wrong."
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
                        "content": {"text/csv": {"schema": STRING}},
                    },
                    "400": BAD_PARAMETERS,
                },
                filters,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
