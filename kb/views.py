"""Public pages. Visitors see published content only; whoever may change an item also sees it
as a draft, marked as such."""

from django.contrib.auth import get_permission_codename
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from . import directory, filters, model_comparison
from .comparison import category_comparison
from .facts import pros_and_cons, sourced_facts, split_pros_cons
from .forms import MAX_COMPARED, ModelPickForm
from .markdown import render_document
from .models import Article, Category, ModelEntry, Organization

HOME_ARTICLES = 3
HOME_RECENT_ENTRIES = 6


def visible(queryset, request):
    """Published rows for visitors; every row for those who may change such rows in the admin,
    who preview drafts on the real page."""
    opts = queryset.model._meta
    if request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
        return queryset
    return queryset.published()


def render_item(request, template, item, context):
    response = render(request, template, context)
    if not item.is_published:
        add_never_cache_headers(response)
    return response


def home(request):
    context = {
        "categories": Category.objects.with_published_counts(),
        "featured_articles": Article.objects.published().filter(featured=True)[:HOME_ARTICLES],
        "recent_entries": ModelEntry.objects.published()
        .select_related("organization", "category")
        .order_by("-updated_at", "pk")[:HOME_RECENT_ENTRIES],
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
    category = get_object_or_404(Category.objects.prefetch_related("pros_cons"), slug=slug)
    listing = directory.entries_page(request, category.entries.published().with_related())
    context = {
        "category": category,
        "pros_cons": split_pros_cons(category.pros_cons.all()),
        **listing.context(),
    }
    return render(request, "kb/category_detail.html", context)


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    listing = directory.entries_page(request, organization.entries.published().with_related())
    context = {"organization": organization, **listing.context()}
    return render(request, "kb/organization_detail.html", context)


def model_list(request):
    choices = filters.facet_choices()
    form = filters.ModelFilterForm(request.GET, choices=choices)
    query = form.query()
    entries = query.apply(ModelEntry.objects.published().with_related())
    listing = directory.paginate(entries, query.page, query.per_page)
    context = {
        **listing.context(),
        "facets": directory.facets(query, choices),
        "query": query,
        "sorts": filters.SORT_CHOICES,
        "page_sizes": filters.PAGE_SIZES,
        "filtered": query.filtered,
        "notices": form.notices + listing.notices,
        "max_compared": MAX_COMPARED,
    }
    return render(request, "kb/model_list.html", context)


def others_to_compare(entry):
    """The "Compare with…" choices: every other published entry, or None for a text input."""
    choices = model_comparison.picker_choices()
    return None if choices is None else [other for other in choices if other.pk != entry.pk]


def model_detail(request, slug):
    entry = get_object_or_404(visible(ModelEntry.objects.with_details(), request), slug=slug)
    facts, general_sources = sourced_facts(entry)
    context = {
        "entry": entry,
        "facts": facts,
        "general_sources": general_sources,
        "pros_cons": pros_and_cons(entry),
        "articles": entry.articles.published(),
        "others": others_to_compare(entry),
    }
    return render_item(request, "kb/model_detail.html", entry, context)


def compare_models(request):
    # Unbound on a first visit (no ``m`` at all), so it greets rather than complains.
    data = request.GET if "m" in request.GET else None
    form = ModelPickForm(data)
    valid = form.is_valid()
    picked = form.slots or form.given
    context = {
        "form": form,
        "comparison": model_comparison.compare(form.slugs) if valid else None,
        # None above the limit: then the pickers are text inputs.
        "picker": model_comparison.picker_choices(),
        # Five pickers, the first ones showing what was asked for.
        "picker_slots": (picked + [""] * MAX_COMPARED)[:MAX_COMPARED],
        "max_compared": MAX_COMPARED,
    }
    status = 400 if form.is_bound and not valid else 200
    return render(request, "kb/compare_models.html", context, status=status)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (error pages, the admin's):
    send them to the site's icon (temporarily: its hashed name changes with each release)."""
    return redirect(static("img/favicon.svg"))
