"""The published content as plain data: the records of the JSON API and of the downloads.

A fact nobody published is ``None`` (``null`` in JSON, an empty cell in CSV), never ``0`` or "".
"""

from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.urls import reverse

from kb.catalogue.csv_safety import neutralise
from kb.catalogue.models import Article, Category, ModelEntry, ProCon, Source
from kb.catalogue.openness import Dimension, scorecard
from kb.site import markdown


def published_entries():
    """Published entries with everything a record shows, in a fixed number of queries."""
    return (
        ModelEntry.objects.published()
        .select_related("organization", "category")
        .prefetch_related(
            "modalities",
            "openness",
            Prefetch("sources", queryset=Source.objects.order_by("fact", "id")),
        )
    )


def published_articles():
    return (
        Article.objects.published()
        .order_by("-published_at", "title")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("slug")),
            Prefetch("entries", queryset=ModelEntry.objects.published().only("slug")),
        )
    )


def categories_with_entries():
    return Category.objects.with_published_counts().prefetch_related(
        Prefetch(
            "entries",
            queryset=ModelEntry.objects.published()
            .order_by(Lower("name"))
            .only("slug", "category"),
            to_attr="published_entries",
        ),
        Prefetch("pros_cons", queryset=ProCon.objects.order_by("position", "id")),
    )


def or_none(value):
    return value if value not in ("", None) else None


def iso(value):
    return value.isoformat() if value else None


def entry_record(entry, request):
    """One model entry: facts, licence, openness grades and sources."""
    card = scorecard(entry)
    return {
        "slug": entry.slug,
        "name": entry.name,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("kb:api_model", args=[entry.slug])),
        "organization": {
            "slug": entry.organization.slug,
            "name": entry.organization.name,
            "website": or_none(entry.organization.website),
        },
        "category": {"slug": entry.category.slug, "name": entry.category.name},
        "modalities": [modality.slug for modality in entry.modalities.all()],
        "release_date": iso(entry.release_date),
        "parameters": or_none(entry.parameters),
        "parameter_count": entry.parameter_count,
        "context_window": entry.context_window,
        "licence": {
            "name": or_none(entry.licence_name),
            "url": or_none(entry.licence_url),
            "osi_approved": entry.licence_osi_approved,
        },
        "access": or_none(entry.access),
        "homepage": or_none(entry.homepage),
        "summary": or_none(entry.summary),
        "openness": {
            "score": card.score,
            "graded": card.graded,
            "unknown": card.unknown,
            "grades": [
                {
                    "dimension": row.dimension,
                    "label": row.label,
                    "grade": row.grade,
                    "source_url": or_none(row.source_url),
                    "checked_on": iso(row.checked_on),
                }
                for row in card.rows
            ],
        },
        "sources": [
            {"fact": source.fact, "url": source.url, "title": or_none(source.title)}
            for source in entry.sources.all()
        ],
        "updated_at": iso(entry.updated_at),
    }


def entry_detail_record(entry, request):
    """An entry's record with its description, as Markdown and as the page shows it."""
    return {
        **entry_record(entry, request),
        "description_markdown": entry.description,
        "description_html": str(markdown.render(entry.description)),
    }


def category_record(category, request):
    return {
        "slug": category.slug,
        "name": category.name,
        "short_name": category.short_name,
        "icon": or_none(category.icon),
        "summary": or_none(category.summary),
        "url": request.build_absolute_uri(category.get_absolute_url()),
        "description_markdown": category.description,
        "description_html": str(markdown.render(category.description)),
        "entry_count": category.entry_count,
        "entries": [entry.slug for entry in category.published_entries],
        "pros": [p.text for p in category.pros_cons.all() if p.kind == ProCon.Kind.PRO],
        "cons": [p.text for p in category.pros_cons.all() if p.kind == ProCon.Kind.CON],
    }


def article_record(article, request):
    return {
        "slug": article.slug,
        "title": article.title,
        "lede": or_none(article.lede),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "published_at": iso(article.published_at),
        "updated_at": iso(article.updated_at),
        "featured": article.featured,
        "categories": [category.slug for category in article.categories.all()],
        "entries": [entry.slug for entry in article.entries.all()],
        "body_markdown": article.body,
    }


def article_detail_record(article, request):
    """The article with its body rendered, generated blocks and all (the list leaves that out:
    each block costs queries)."""
    return {**article_record(article, request), "body_html": str(markdown.render(article.body))}


CSV_COLUMNS = [
    "slug",
    "name",
    "url",
    "organization",
    "organization_name",
    "category",
    "modalities",
    "release_date",
    "parameters",
    "parameter_count",
    "context_window",
    "licence",
    "licence_url",
    "licence_osi_approved",
    "access",
    "homepage",
    "summary",
    "openness_score",
    "openness_graded",
    "openness_unknown",
    *[
        f"openness_{dimension}{part}"
        for dimension in Dimension.values
        for part in ("", "_source", "_checked")
    ],
    "sources",
    "updated_at",
]


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def entry_csv_row(record):
    """A record flattened to one CSV row, in ``CSV_COLUMNS`` order.

    Modalities share a cell separated by ``;``; sources share one, a ``fact url`` pair per line.
    """
    flat = {
        "slug": record["slug"],
        "name": record["name"],
        "url": record["url"],
        "organization": record["organization"]["slug"],
        "organization_name": record["organization"]["name"],
        "category": record["category"]["slug"],
        "modalities": ";".join(record["modalities"]),
        "release_date": record["release_date"],
        "parameters": record["parameters"],
        "parameter_count": record["parameter_count"],
        "context_window": record["context_window"],
        "licence": record["licence"]["name"],
        "licence_url": record["licence"]["url"],
        "licence_osi_approved": record["licence"]["osi_approved"],
        "access": record["access"],
        "homepage": record["homepage"],
        "summary": record["summary"],
        "openness_score": record["openness"]["score"],
        "openness_graded": record["openness"]["graded"],
        "openness_unknown": record["openness"]["unknown"],
        "sources": "\n".join(f"{s['fact']} {s['url']}" for s in record["sources"]),
        "updated_at": record["updated_at"],
    }
    for grade in record["openness"]["grades"]:
        prefix = f"openness_{grade['dimension']}"
        flat[prefix] = grade["grade"]
        flat[f"{prefix}_source"] = grade["source_url"]
        flat[f"{prefix}_checked"] = grade["checked_on"]
    return [csv_cell(flat[column]) for column in CSV_COLUMNS]
