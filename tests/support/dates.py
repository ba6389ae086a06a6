"""Dates as the pages show them, and a way to make every piece of content old."""

import datetime

from django.utils import dateformat, timezone

from kb.catalogue.models import (
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    ModelEntry,
    Organization,
    ProCon,
)

OLD = datetime.datetime(2024, 1, 2, 12, 0, tzinfo=datetime.UTC)
OLD_TEXT = "2 January 2024"
TRACKED = [Article, Category, ComparisonCell, ComparisonRow, ModelEntry, Organization, ProCon]


def age_everything():
    """Date every change long ago (queryset updates leave auto_now fields alone)."""
    for model in TRACKED:
        model.objects.update(updated_at=OLD)


def today():
    return dateformat.format(timezone.now(), "j F Y")
