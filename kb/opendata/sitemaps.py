"""How crawlers find the pages: the sitemap, each page with the date it last changed, and
robots.txt pointing at it."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from kb.catalogue.models import Article, Category, ComparisonRow, ModelEntry, Organization, Status


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
