"""Dates as the pages show them, a way to make every piece of content old, and the moment the
clock stops at in tests that freeze it (the ``frozen_now`` fixture, tests/conftest.py)."""

import datetime

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
# A test that reads "today" or compares times to the second freezes the clock here: a change and
# the page showing it can otherwise fall on either side of midnight, or of a second.
NOW = datetime.datetime(2025, 3, 4, 12, 30, 15, 250_000, tzinfo=datetime.UTC)
NOW_TEXT = "4 March 2025"
TRACKED = [Article, Category, ComparisonCell, ComparisonRow, ModelEntry, Organization, ProCon]


def age_everything():
    """Date every change long ago (queryset updates leave auto_now fields alone)."""
    for model in TRACKED:
        model.objects.update(updated_at=OLD)
