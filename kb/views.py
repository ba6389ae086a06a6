"""Public pages. Visitors see published content only; staff also see drafts, marked as such."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

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


def article_list(request):
    return render(request, "kb/article_list.html", {"articles": Article.objects.published()})


def article_detail(request, slug):
    article = get_object_or_404(visible(Article.objects.all(), request), slug=slug)
    return render_item(request, "kb/article_detail.html", article, {"article": article})


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
