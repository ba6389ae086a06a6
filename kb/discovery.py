"""How readers and crawlers find what is new: Atom feeds, the sitemap and robots.txt."""

import re

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import Max, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.http import require_safe

from .models import Article, Category, ComparisonRow, ModelEntry, Organization, Status
from .structured_data import SITE_NAME

FEED_LENGTH = 30
# What XML 1.0 cannot carry: C0 controls but tab and line breaks, and two non-characters.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TextXMLGenerator(SimplerXMLGenerator):
    """Writes text and attribute values without the characters XML cannot carry (an editor
    can paste them; Django's generator raises an error on them)."""

    def characters(self, content):
        super().characters(NOT_IN_XML.sub("", content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: NOT_IN_XML.sub("", value) for key, value in attrs.items()})


class TextAtom1Feed(Atom1Feed):
    """Atom whose entries' summaries are plain text, as ledes and summaries are: Django writes
    them as ``type="html"``, which a feed reader renders as markup (``<img onerror=...>`` in a
    lede would run). Titles, authors and categories are text in Atom already."""

    def write(self, outfile, encoding):
        handler = TextXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ContentFeed(Feed):
    """An Atom feed of published rows: first published, and last changed."""

    feed_type = TextAtom1Feed
    author_name = SITE_NAME

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class ArticleFeed(ContentFeed):
    """New and updated articles, the latest change first."""

    title = f"Articles · {SITE_NAME}"
    subtitle = "New and updated articles about open-source and closed AI models."

    def link(self):
        return reverse("kb:article_list")

    def items(self):
        return Article.objects.published().order_by("-updated_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lede


class ModelEntryFeed(ContentFeed):
    """Model entries, the most recently published first."""

    title = f"New models · {SITE_NAME}"
    subtitle = "Model entries as they are added to the knowledge base."

    def link(self):
        return reverse("kb:model_list")

    def items(self):
        return (
            ModelEntry.objects.published()
            .select_related("organization", "category")
            .order_by("-published_at", "-created_at")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.name} ({item.organization.name})"

    def item_description(self, item):
        return item.summary

    def item_categories(self, item):
        return [item.category.name]


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ModelEntrySitemap(Sitemap):
    def items(self):
        return ModelEntry.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


PUBLISHED_ENTRIES = Q(entries__status=Status.PUBLISHED)


class ListingSitemap(Sitemap):
    """Pages listing published entries: they change when the listing or one of them does."""

    model = None

    def items(self):
        return self.model.objects.annotate(
            entries_updated=Max("entries__updated_at", filter=PUBLISHED_ENTRIES)
        ).order_by("pk")

    def lastmod(self, item):
        return max(filter(None, [item.updated_at, item.entries_updated]))


class CategorySitemap(ListingSitemap):
    model = Category


class OrganizationSitemap(ListingSitemap):
    model = Organization


class StaticPageSitemap(Sitemap):
    """Pages without a row of their own; each changes with the content it shows."""

    pages = {
        "kb:home": (Category, Article, ModelEntry),
        "kb:model_list": (ModelEntry, Organization, Category),
        "kb:article_list": (Article,),
        "kb:compare": (Category, ModelEntry, ComparisonRow),
        "kb:timeline": (ModelEntry,),
        "kb:data": (ModelEntry,),
    }

    def items(self):
        return list(self.pages)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "latest"):
            models = {model for shown in self.pages.values() for model in shown}
            self.latest = {model: latest_change(model) for model in models}
        return max(filter(None, (self.latest[model] for model in self.pages[item])), default=None)


def latest_change(model):
    rows = model.objects.published() if hasattr(model.objects, "published") else model.objects
    return rows.aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "models": ModelEntrySitemap,
    "categories": CategorySitemap,
    "organizations": OrganizationSitemap,
}


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("kb:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", f"Sitemap: {sitemap_url}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
