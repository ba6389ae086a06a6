"""The search page and the suggestions under the header's search box."""

from django.shortcuts import render

from . import engine
from .forms import SearchForm
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


def facet_links(params, facets):
    """Each facet with its options and their links: choose an option, or remove the filter."""
    return [
        (
            facet,
            [
                (
                    option,
                    with_params(
                        params, page=None, **{facet.name: None if option.selected else option.value}
                    ),
                )
                for option in facet.options
            ],
        )
        for facet in facets
        if facet.options
    ]


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
        "facets": facet_links(request.GET, results.facets),
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
