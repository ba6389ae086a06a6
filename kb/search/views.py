"""The search page, the suggestions under the header's search box and those of the model pickers."""

from django.http import JsonResponse
from django.shortcuts import render

from kb.catalogue.models import ModelEntry

from . import engine
from .forms import SearchForm
from .models import Kind
from .query import MAX_LENGTH

TEMPLATE = "search/search.html"


def with_params(params, **changes):
    """A query string: ``params`` with ``changes`` applied (``None`` removes a parameter)."""
    params = params.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return f"?{params.urlencode()}"


def facet_links(params, facets, total):
    """Each facet with its options and their links: choose an option, or remove the filter.

    Only options that change the results are offered: a chosen one (to remove it) or one that
    holds fewer than all ``total`` results. A facet left without options is not shown, such as
    a type, category or organization that every result shares.
    """
    links = []
    for facet in facets:
        options = [
            (
                option,
                with_params(
                    params, page=None, **{facet.name: None if option.selected else option.value}
                ),
            )
            for option in facet.options
            if option.selected or option.count < total
        ]
        if options:
            links.append((facet, options))
    return links


def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    data = form.cleaned_data
    results = engine.search(
        data["q"],
        filters=form.filters,
        page=data["page"] or 1,
        per_page=data["size"] or engine.PER_PAGE,
    )
    context = {
        "form": form,
        "results": results,
        "facets": facet_links(request.GET, results.facets, results.total),
        "filtered": any(form.filters.values()),
        "max_length": MAX_LENGTH,
    }
    return render(request, TEMPLATE, context)


def suggest(request):
    """The options of the header box's list: an HTML fragment of the search page."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, f"{TEMPLATE}#suggestions", {"form": form}, status=400)
    results, hits = engine.suggest(form.cleaned_data["q"])
    context = {"form": form, "results": results, "hits": hits}
    return render(request, f"{TEMPLATE}#suggestions", context)


def suggest_models(request):
    """Models only, as JSON, for the model pickers' text inputs (static/js/model-picker.js):
    each option's value is the model's slug, which the comparison takes as it is."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    _, hits = engine.suggest(form.cleaned_data["q"], filters={"type": Kind.MODEL})
    slugs = dict(
        ModelEntry.objects.published()
        .filter(pk__in=[hit.object_id for hit in hits])
        .values_list("pk", "slug")
    )
    models = [
        {"value": slugs[hit.object_id], "label": f"{hit.title} · {hit.context}"}
        for hit in hits
        if hit.object_id in slugs
    ]
    return JsonResponse({"models": models})
