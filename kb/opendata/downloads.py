"""The downloads: every published model entry as CSV or JSON, and the page describing them."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kb.catalogue.models import Dataset
from kb.site.filters import FACETS, SORT_CHOICES, ModelExportForm

from .api import invalid_parameters, json_response, open_to_every_origin
from .serializers import CSV_COLUMNS, entry_csv_row, entry_record, published_entries


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
    return json_response({"count": len(records), "results": records})


@require_safe
def models_csv(request):
    records, form = matching_records(request)
    if records is None:
        return invalid_parameters(form)
    response = open_to_every_origin(HttpResponse(content_type="text/csv; charset=utf-8"))
    response["Content-Disposition"] = 'attachment; filename="models.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(entry_csv_row(record) for record in records)
    return response


@require_safe
def data_page(request):
    context = {
        "csv_columns": CSV_COLUMNS,
        "fixed_facets": [spec for spec in FACETS if not callable(spec.choices)],
        "sorts": SORT_CHOICES,
        "datasets": Dataset.objects.credited(),
    }
    return render(request, "kb/data.html", context)
