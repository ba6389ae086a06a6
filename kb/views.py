"""Public pages. Visitors see published content only; staff also see drafts, marked as such."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from . import directory
from .facts import openness_grades, pros_and_cons, sourced_facts, split_pros_cons
from .forms import MAX_COMPARED, DirectoryForm, ModelPickForm
from .model_comparison import compare, picker_entries
from .models import Article, Category, ModelEntry, Organization

HOME_ARTICLES = 3
HOME_RECENT_ENTRIES = 6


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
        "categories": Category.objects.with_published_counts(),
        "featured_articles": Article.objects.published().filter(featured=True)[:HOME_ARTICLES],
        "recent_entries": ModelEntry.objects.published()
        .select_related("organization", "category")
        .order_by("-updated_at", "pk")[:HOME_RECENT_ENTRIES],
    }
    return render(request, "kb/home.html", context)


def article_list(request):
    return render(request, "kb/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    article = get_object_or_404(visible(Article.objects.all(), request), slug=slug)
    return render_item(request, "kb/article_detail.html", article, {"article": article})


def category_detail(request, slug):
    category = get_object_or_404(Category.objects.prefetch_related("pros_cons"), slug=slug)
    context = {
        "category": category,
        "entries": category.entries.published().with_related(),
        "pros_cons": split_pros_cons(category.pros_cons.all()),
    }
    return render(request, "kb/category_detail.html", context)


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    entries = organization.entries.published().with_related()
    context = {"organization": organization, "entries": entries}
    return render(request, "kb/organization_detail.html", context)


def model_list(request):
    choices = directory.facet_choices()
    form = DirectoryForm(request.GET, choices=choices)
    query = form.query()
    entries = directory.sorted_entries(
        directory.filtered_entries(query["selected"]).with_related(), query["sort"]
    )
    listing = directory.paginate(entries, query["page"], query["per_page"])
    context = {
        "page": listing.page,
        "page_range": listing.page_range,
        "facets": directory.facets(query["selected"], choices),
        "query": query,
        "sorts": directory.SORT_CHOICES,
        "page_sizes": directory.PAGE_SIZES,
        "filtered": any(query["selected"].values()),
        "notices": form.notices + listing.notices,
        "max_compared": MAX_COMPARED,
    }
    return render(request, "kb/model_list.html", context)


def model_detail(request, slug):
    entry = get_object_or_404(visible(ModelEntry.objects.with_details(), request), slug=slug)
    facts, general_sources = sourced_facts(entry)
    context = {
        "entry": entry,
        "facts": facts,
        "general_sources": general_sources,
        "openness": openness_grades(entry),
        "pros_cons": pros_and_cons(entry),
        "articles": entry.articles.published(),
        "others": [other for other in picker_entries() if other.pk != entry.pk],
    }
    return render_item(request, "kb/model_detail.html", entry, context)


def compare_models(request):
    entries = picker_entries()
    # Unbound on a first visit (no ``m`` at all), so it greets rather than complains.
    data = request.GET if "m" in request.GET else None
    form = ModelPickForm(data, entries=[(entry.slug, entry.name) for entry in entries])
    valid = form.is_valid()
    picked = form.slugs or form.given
    context = {
        "form": form,
        "comparison": compare(form.slugs) if valid else None,
        "picker": entries,
        # Five pickers, the first ones showing what was asked for.
        "picker_slots": (picked + [""] * MAX_COMPARED)[:MAX_COMPARED],
        "max_compared": MAX_COMPARED,
    }
    status = 400 if form.is_bound and not valid else 200
    return render(request, "kb/compare_models.html", context, status=status)
