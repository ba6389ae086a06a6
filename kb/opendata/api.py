"""The read-only JSON API (model entries, categories, articles) and its OpenAPI description.

Plain Django views returning ``JsonResponse``. Each record is defined once as a django-ninja
``Schema`` (kb.opendata.serializers, kb.catalogue.schemas): it builds the record, and
kb.opendata.openapi generates the description's schemas from it. The views are not served by a
``NinjaAPI``: it would change what clients get (``application/json; charset=utf-8``, ASCII-escaped
JSON, its own 405 and 422 bodies, unknown query parameters ignored), and undoing that would take
more glue than these views are. The query parameters go through the same form as the directory
(kb.catalogue.filters), which refuses unknown ones; bad parameters get a 400 whose body says which
parameter was wrong.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from kb.catalogue import charts
from kb.catalogue.filters import PAGE_SIZES, SLUG, ModelFilterForm, PageForm, QueryForm

from .openapi import openapi_spec
from .serializers import (
    article_detail_record,
    article_record,
    attribution,
    categories_with_entries,
    category_record,
    chart_record,
    entry_detail_record,
    entry_record,
    published_articles,
    published_entries,
)

PAGE_SIZE = PAGE_SIZES[0]


def open_to_every_origin(response):
    # Public, read-only data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json_response(data, status=200):
    return open_to_every_origin(
        JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    )


def error_response(status, error, detail=None):
    return json_response({"error": error, "detail": detail or {}}, status=status)


def invalid_parameters(form):
    return error_response(400, "Invalid query parameters.", form.error_detail())


def not_found(what, slug):
    return error_response(404, f"No published {what} with this slug.", {"slug": [slug]})


def page_response(request, queryset, number, to_record, per_page=PAGE_SIZE, **extra):
    """A page of records; ``extra`` keys go before the results."""
    paginator = Paginator(queryset, per_page)
    number = number or 1
    try:
        page = paginator.page(number)
    except EmptyPage:
        detail = {"page": [f"The last page is {paginator.num_pages}."]}
        return error_response(404, f"There is no page {number}.", detail)

    def page_url(other):
        params = request.GET.copy()
        params["page"] = other
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return json_response(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            **extra,
            "results": [to_record(item, request) for item in page],
        }
    )


@require_safe
def model_list(request):
    form = ModelFilterForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    query = form.query()
    entries = query.apply(published_entries())
    return page_response(
        request,
        entries,
        query.page,
        entry_record,
        per_page=query.per_page,
        attribution=attribution(),
    )


@require_safe
def model_detail(request, slug):
    form = QueryForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    entry = published_entries().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if entry is None:
        return not_found("model entry", slug)
    return json_response(entry_detail_record(entry, request))


@require_safe
def category_list(request):
    form = QueryForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    categories = categories_with_entries()
    results = [category_record(category, request) for category in categories]
    return json_response({"count": len(results), "results": results})


@require_safe
def article_list(request):
    form = PageForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    return page_response(request, published_articles(), form.cleaned_data["page"], article_record)


@require_safe
def article_detail(request, slug):
    form = QueryForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    article = published_articles().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if article is None:
        return not_found("article", slug)
    return json_response(article_detail_record(article, request))


def chart_series(request, chart, extra=()):
    """(the chart's numbers, None) for the options in the query, or (None, the error response).
    ``extra`` names query parameters the caller reads itself."""
    if chart not in charts.CHARTS:
        detail = {"chart": [f"The charts are {', '.join(charts.CHARTS)}."]}
        return None, error_response(404, "There is no such chart.", detail)
    values = {name: request.GET[name] for name in request.GET if name not in extra}
    try:
        options = charts.ChartOptions.read(chart, values)
        return charts.chart_series(options), None
    except charts.OptionError as problem:
        detail = {name: [message] for name, message in problem.errors.items()}
    except charts.UnknownModality as unknown:
        detail = {"modality": [f"No modality has the slug “{unknown}”."]}
    return None, error_response(400, "Invalid query parameters.", detail)


@require_safe
def chart(request, chart):
    series, error = chart_series(request, chart)
    return error or json_response(chart_record(series))


@require_safe
def openapi(request):
    form = QueryForm(request.GET, strict=True)
    if not form.is_valid():
        return invalid_parameters(form)
    return json_response(openapi_spec())
