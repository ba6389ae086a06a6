"""schema.org JSON-LD for pages: Article for articles, CreativeWork for model entries, Dataset for
the downloads. Each function returns plain data; kb.opendata.templatetags.seo writes it into the page."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kb.catalogue.models import ModelEntry

SITE_NAME = settings.KB_SITE_NAME
CONTEXT = "https://schema.org"

# As json_script does: inside <script>, "</script>" or "<!--" in the data must not end the element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    """``<script type="application/ld+json">``: data, never executed, so a strict CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def publisher(request):
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute(request, "kb:home")}


def absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


def without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def article_data(article, request):
    url = request.build_absolute_uri(article.get_absolute_url())
    author = article.author.get_full_name() if article.author else ""
    return without_empty(
        {
            "@context": CONTEXT,
            "@type": "Article",
            "headline": article.title,
            "description": article.lede,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": article.published_at,
            "dateModified": article.updated_at,
            "author": {"@type": "Person", "name": author} if author else publisher(request),
            "publisher": publisher(request),
        }
    )


def model_data(entry, request):
    organization = entry.organization
    return without_empty(
        {
            "@context": CONTEXT,
            "@type": "CreativeWork",
            "name": entry.name,
            "description": entry.summary,
            "url": request.build_absolute_uri(entry.get_absolute_url()),
            "creator": without_empty(
                {
                    "@type": "Organization",
                    "name": organization.name,
                    "url": organization.website
                    or request.build_absolute_uri(organization.get_absolute_url()),
                }
            ),
            "dateCreated": entry.release_date,
            "dateModified": entry.updated_at,
            "license": entry.licence_url or entry.licence_name,
            "genre": entry.category.name,
            "keywords": [modality.name for modality in entry.modalities.all()],
            "sameAs": entry.homepage,
            "citation": list(dict.fromkeys(source.url for source in entry.sources.all())),
        }
    )


def dataset_data(request):
    latest = ModelEntry.objects.published().aggregate(latest=Max("updated_at"))["latest"]
    return without_empty(
        {
            "@context": CONTEXT,
            "@type": "Dataset",
            "name": f"AI model entries of the {SITE_NAME}",
            "description": (
                "Open-source and closed AI models: who makes each, its release date, parameter "
                "sizes, context window, licence, access, a graded openness scorecard over nine "
                "dimensions, and the sources backing every fact."
            ),
            "url": absolute(request, "kb:data"),
            "creator": publisher(request),
            "publisher": publisher(request),
            "isAccessibleForFree": True,
            "license": settings.CONTENT_LICENCE["url"],
            "dateModified": latest,
            "keywords": ["AI models", "open source", "openness", "licences", "LLM"],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": "text/csv",
                    "contentUrl": absolute(request, "kb:models_csv"),
                },
                {
                    "@type": "DataDownload",
                    "encodingFormat": "application/json",
                    "contentUrl": absolute(request, "kb:models_json"),
                },
            ],
        }
    )
