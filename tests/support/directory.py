"""Small catalogues for the directory's tests (tests/site/test_directory.py, test_costs.py), one
entry at a time, and what a reader sees of the directory's page."""

import datetime
from decimal import Decimal

from kb.catalogue.models import ApiPrice, OpennessGrade

from .factories import ModelEntryFactory
from .html import parse


def listed_entry(name, *, modalities=(), grades=None, price=None, **values):
    """A published entry called ``name``, its slug the name in lower case, with ``values`` for
    its other fields, its ``modalities``, its openness ``grades`` (``{dimension: grade}``) and its
    API ``price`` (``(input, output)`` per million tokens, or with a note third), each when given.
    """
    entry = ModelEntryFactory(name=name, slug=name.lower(), **values)
    if modalities:
        entry.modalities.set(modalities)
    for dimension, grade in (grades or {}).items():
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=grade)
    if price:
        input_price, output_price, *note = price
        ApiPrice.objects.create(
            entry=entry,
            input_per_million=Decimal(input_price),
            output_per_million=Decimal(output_price),
            as_of=datetime.date(2026, 12, 1),
            source_url=f"https://example.com/{entry.slug}/pricing",
            note=note[0] if note else "",
        )
    return entry


def names(response):
    """The model names listed, in order."""
    return [link.text for link in parse(response.content).find_all("a", class_="model-name")]


def row_text(response, slug):
    """The visible text of the directory's row for ``slug``."""
    rows = parse(response.content).find_all("tr")
    return next(row for row in rows if row.find_all(value=slug)).text


def facet_counts(response, facet):
    """{choice value: count} of one facet, as shown next to each choice."""
    prefix = f"f-{facet}-"
    return {
        # The number, then words for screen readers.
        label["for"].removeprefix(prefix): int(label.find("span", class_="count").children[0])
        for label in parse(response.content).find_all("label")
        if label.get("for", "").startswith(prefix) and label.find_all("span", class_="facet-label")
    }
