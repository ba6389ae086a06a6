"""The model directory, a model's page and the model-vs-model comparison."""

from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from kb.catalogue import filters
from kb.catalogue.facts import datasets_shown, pros_and_cons, sourced_facts
from kb.catalogue.models import FactProvenance, ModelEntry

from .. import model_comparison
from ..forms import MAX_COMPARED, MIN_COMPARED, ModelPickForm
from ..listing import Tallied, facets, paginate
from .common import render_item, visible


def model_list(request):
    choices = filters.facet_choices()
    form = filters.ModelFilterForm(request.GET, choices=choices)
    query = form.query()
    entries = query.apply(
        ModelEntry.objects.published().with_related().prefetch_related("api_prices")
    )
    tallied = Tallied.of(query, choices)
    listing = paginate(entries, query.page, query.per_page, count=tallied.total)
    context = {
        **listing.context(),
        "facets": facets(query, choices, tallied),
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
    entries = (
        ModelEntry.objects.with_details()
        .select_related("family")
        .prefetch_related(
            "other_organizations",
            Prefetch("provenance", queryset=FactProvenance.objects.select_related("dataset")),
        )
    )
    entry = get_object_or_404(visible(entries, request), slug=slug)
    facts, general_sources = sourced_facts(entry)
    variants = entry.variants.published().order_by("release_date", "name")
    context = {
        "entry": entry,
        "facts": facts,
        "datasets": datasets_shown(facts),
        # A family lists its variants; nothing to ask for the others.
        "variants": list(variants) if entry.is_family else [],
        "general_sources": general_sources,
        "pros_cons": pros_and_cons(entry),
        "articles": entry.articles.published(),
        "others": others_to_compare(entry),
    }
    return render_item(request, "kb/model_detail.html", entry, context)


def comparison_url(slugs, differences=False):
    """The comparison of ``slugs``, keeping the "only differences" choice."""
    query = QueryDict(mutable=True)
    query.setlist("m", slugs)
    if differences:
        query["differences"] = "1"
    return f"{reverse('kb:compare_models')}?{query.urlencode()}"


def compare_models(request):
    # Unbound on a first visit (no ``m`` at all), so it greets rather than complains.
    data = request.GET if "m" in request.GET else None
    form = ModelPickForm(data)
    valid = form.is_valid()
    picked = form.slots or form.given
    comparison = differences = None
    headings = []
    if valid:
        comparison = model_comparison.compare(form.slugs)
        differences = form.cleaned_data["differences"]
        slugs = [entry.slug for entry in comparison.entries]
        # Each column's "Remove" link, while enough models remain to compare.
        headings = [
            (
                entry,
                comparison_url([s for s in slugs if s != entry.slug], differences)
                if len(slugs) > MIN_COMPARED
                else None,
            )
            for entry in comparison.entries
        ]
    context = {
        "form": form,
        "comparison": comparison.only_differences() if differences else comparison,
        "differing": comparison.differing if comparison else 0,
        "differences": differences,
        "headings": headings,
        "all_rows_url": comparison_url(form.slugs) if valid else None,
        "differences_url": comparison_url(form.slugs, True) if valid else None,
        # None above the limit: then the pickers are text inputs.
        "picker": model_comparison.picker_choices(),
        # Five pickers, the first ones showing what was asked for.
        "picker_slots": (picked + [""] * MAX_COMPARED)[:MAX_COMPARED],
        "max_compared": MAX_COMPARED,
    }
    status = 400 if form.is_bound and not valid else 200
    return render(request, "kb/compare_models.html", context, status=status)
