"""The downloads: every published model entry as CSV or JSON, and the page describing them.

Both credit whom the data must credit: the site's own licence and the datasets facts were
imported from (``Dataset.objects.credited()``). The JSON says so in its body (``attribution``);
a CSV file has no place for it (RFC 4180 knows no comments, and a ``#`` line is a data row to
every CSV reader), so its response says so in an HTTP ``Link`` header (RFC 8288), as the W3C's
CSV on the Web recommends for a CSV file's metadata: ``rel="license"`` for the licence,
``rel="describedby"`` for the page that describes the download (/data/, which credits each
dataset), and a ``rel="via"`` link (RFC 4287: the source of the information) to each dataset.
"""

import csv
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kb.catalogue.filters import FACETS, SORT_CHOICES, ModelExportForm
from kb.catalogue.models import Dataset

from .api import (
    chart_series,
    error_response,
    invalid_parameters,
    json_response,
    open_to_every_origin,
)
from .serializers import (
    CSV_COLUMNS,
    attribution,
    csv_cell,
    entry_csv_row,
    entry_record,
    published_entries,
)


def matching_records(request):
    """The records the query asks for, or the form holding what was wrong with it."""
    form = ModelExportForm(request.GET, strict=True)
    if not form.is_valid():
        return None, form
    entries = form.query().apply(published_entries())
    return [entry_record(entry, request) for entry in entries], form


@require_safe
def models_json(request):
    records, form = matching_records(request)
    if records is None:
        return invalid_parameters(form)
    return json_response({"count": len(records), "attribution": attribution(), "results": records})


@require_safe
def models_csv(request):
    records, form = matching_records(request)
    if records is None:
        return invalid_parameters(form)
    response = open_to_every_origin(HttpResponse(content_type="text/csv; charset=utf-8"))
    response["Content-Disposition"] = 'attachment; filename="models.csv"'
    response["Link"] = credit_links(request)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(entry_csv_row(record) for record in records)
    return response


@require_safe
def chart_csv(request, chart):
    """One table of a chart's numbers (``table``, the first unless named) as CSV."""
    series, error = chart_series(request, chart, extra=["table"])
    if error:
        return error
    tables = {table.name: table for table in series.tables()}
    # Left out, the first; given empty, refused like the chart's other options.
    name = request.GET.get("table", next(iter(tables)))
    if name not in tables:
        detail = {"table": [f"This chart's tables are {', '.join(tables)}."]}
        return error_response(400, "Invalid query parameters.", detail)
    table = tables[name]
    response = open_to_every_origin(HttpResponse(content_type="text/csv; charset=utf-8"))
    response["Content-Disposition"] = f'attachment; filename="{chart}-{name}.csv"'
    response["Link"] = credit_links(request)
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return response


def link_title(text):
    """A Link header's title parameter: quoted where the text is ASCII, else ``title*`` in
    UTF-8 (RFC 8187), as a header's value must be Latin-1."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return f'title="{escaped}"'
    return f"title*=UTF-8''{quote(text, safe='')}"


def credit_links(request):
    """The ``Link`` header of the CSV download: its licence, the page describing it, and each
    dataset its facts come from, titled with the credit it asks for."""
    links = [
        f'<{settings.CONTENT_LICENCE["url"]}>; rel="license"',
        f'<{request.build_absolute_uri(reverse("kb:data"))}>; rel="describedby"; type="text/html"',
    ]
    for dataset in Dataset.objects.credited():
        credit = (
            f"{dataset.publisher}, {dataset.name} ({dataset.licence_name}), "
            f"last retrieved {dataset.last_retrieved.isoformat()}"
        )
        links.append(f'<{dataset.url}>; rel="via"; {link_title(credit)}')
    return ", ".join(links)


@require_safe
def data_page(request):
    context = {
        "csv_columns": CSV_COLUMNS,
        "fixed_facets": [spec for spec in FACETS if not callable(spec.choices)],
        "sorts": SORT_CHOICES,
        "datasets": Dataset.objects.credited(),
    }
    return render(request, "kb/data.html", context)
