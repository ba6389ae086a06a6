"""The reading pages: home, articles, the category comparison, categories and organizations.
Visitors see published content only; whoever may change an item also sees it as a draft, marked
as such."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from kb.catalogue.facts import split_pros_cons
from kb.catalogue.filters import SORTS
from kb.catalogue.models import Article, Category, ModelEntry, Organization

from ..comparison import category_comparison
from ..listing import entries_page
from ..markdown import render_document
from .common import home_crumbs, latest_change, render_item, visible

HOME_ARTICLES = 3
HOME_LATEST_RELEASES = 6


def latest_releases():
    """The newest releases, as the directory's "newest first" lists them: chosen along the index
    on (status, release date) before they are joined (ModelEntryQuerySet.chosen)."""
    order = [*SORTS["newest"][1], "pk"]
    newest = ModelEntry.objects.published().filter(release_date__isnull=False).order_by(*order)
    entries = ModelEntry.objects.select_related("organization", "category").order_by(*order)
    return entries.chosen(newest[:HOME_LATEST_RELEASES])


def home(request):
    context = {
        "categories": Category.objects.with_published_counts(),
        "featured_articles": Article.objects.published().filter(featured=True)[:HOME_ARTICLES],
        # As the directory's "newest first" lists them: after an import, every entry was
        # updated the same day, so the latest releases are what a reader wants to see.
        "latest_releases": latest_releases(),
    }
    return render(request, "kb/home.html", context)


def article_list(request):
    context = {"articles": Article.objects.published(), "crumbs": home_crumbs()}
    return render(request, "kb/article_list.html", context)


# Articles named under an article's "Related" heading at most, newest first.
RELATED_ARTICLES_SHOWN = 5


def article_detail(request, slug):
    articles = Article.objects.prefetch_related(
        "categories", Prefetch("entries", queryset=ModelEntry.objects.published())
    )
    article = get_object_or_404(visible(articles, request), slug=slug)
    # Only staff see a draft: they get the preview's warnings about placeholders.
    body = render_document(article.body, preview=not article.is_published)
    categories = article.categories.all()
    # Other articles about the same categories ("see also"): the newest few, and a link to
    # all articles when there are more.
    related_articles = []
    if categories:
        related_articles = list(
            Article.objects.published()
            .filter(categories__in=[category.pk for category in categories])
            .exclude(pk=article.pk)
            .distinct()[: RELATED_ARTICLES_SHOWN + 1]
        )
    more_articles = len(related_articles) > RELATED_ARTICLES_SHOWN
    related_articles = related_articles[:RELATED_ARTICLES_SHOWN]
    related = [*categories, *article.entries.all(), *related_articles]
    context = {
        "article": article,
        "body": body,
        "related_articles": related_articles,
        "more_articles": more_articles,
        "last_updated": latest_change([article, *related, *body.shown]),
        "crumbs": home_crumbs(("Articles", reverse("kb:article_list"))),
    }
    return render_item(request, "kb/article_detail.html", article, context)


def compare(request):
    comparison = category_comparison()
    context = {
        "comparison": comparison,
        "last_updated": latest_change(comparison.shown),
        "crumbs": home_crumbs(),
    }
    return render(request, "kb/compare.html", context)


def category_detail(request, slug):
    category = get_object_or_404(Category.objects.prefetch_related("pros_cons"), slug=slug)
    listing = entries_page(request, category.entries.published().with_related())
    context = {
        "category": category,
        "pros_cons": split_pros_cons(category.pros_cons.all()),
        **listing.context(),
    }
    return render(request, "kb/category_detail.html", context)


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    listing = entries_page(request, organization.entries.published().with_related())
    context = {"organization": organization, **listing.context()}
    return render(request, "kb/organization_detail.html", context)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (error pages, the admin's):
    send them to the site's icon (temporarily: its hashed name changes with each release)."""
    return redirect(static("img/favicon.svg"))
