"""Public pages. Visitors see published content only; staff also see drafts, marked as such."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .comparison import category_comparison
from .markdown import render_document
from .models import Article, Category, ModelEntry, Organization


def visible(queryset, request):
    """Published rows for visitors; every row for staff, who preview drafts on the real page."""
    if request.user.is_staff:
        return queryset
    return queryset.published()


def render_item(request, template, item, context):
    response = render(request, template, context)
    if not item.is_published:
        add_never_cache_headers(response)
    return response


def home(request):
    context = {
        "categories": Category.objects.all(),
        "articles": Article.objects.published(),
    }
    return render(request, "kb/home.html", context)


def latest_change(rows):
    """A page's "Last updated": the latest change to anything it shows."""
    return max((row.updated_at for row in rows), default=None)


def home_crumbs(*more):
    """Breadcrumbs as (label, URL) pairs, from the home page down."""
    return [("Home", reverse("kb:home")), *more]


def article_list(request):
    context = {"articles": Article.objects.published(), "crumbs": home_crumbs()}
    return render(request, "kb/article_list.html", context)


def article_detail(request, slug):
    articles = Article.objects.prefetch_related(
        "categories", Prefetch("entries", queryset=ModelEntry.objects.published())
    )
    article = get_object_or_404(visible(articles, request), slug=slug)
    # Only staff see a draft: they get the preview's warnings about placeholders.
    body = render_document(article.body, preview=not article.is_published)
    related = [*article.categories.all(), *article.entries.all()]
    context = {
        "article": article,
        "body": body,
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
    category = get_object_or_404(Category, slug=slug)
    entries = category.entries.published().with_related()
    return render(request, "kb/category_detail.html", {"category": category, "entries": entries})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    entries = organization.entries.published().with_related()
    context = {"organization": organization, "entries": entries}
    return render(request, "kb/organization_detail.html", context)


def model_list(request):
    entries = ModelEntry.objects.published().with_related()
    return render(request, "kb/model_list.html", {"entries": entries})


def model_detail(request, slug):
    entry = get_object_or_404(visible(ModelEntry.objects.with_related(), request), slug=slug)
    return render_item(request, "kb/model_detail.html", entry, {"entry": entry})
