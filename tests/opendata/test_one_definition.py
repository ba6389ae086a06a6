"""Adding a fact to the model entry's record is one change (kb.catalogue.schemas): the API's
description, the JSON record, the CSV download and the admin's import and export follow it.

The expected keys and columns are read from the definition, never listed again here.
"""

import csv
import datetime
import io
from typing import get_args

import pytest
from django.urls import reverse
from ninja import Schema

from kb.catalogue import models
from kb.catalogue.epoch.sync import EPOCH_DATASET
from kb.catalogue.schemas import RECORD_COLUMNS, ModelEntry
from kb.catalogue.spreadsheets import ModelEntryResource

pytestmark = pytest.mark.django_db


def nested_schema(annotation):
    """The schema of a nested object or of a list's items, if the annotation has one."""
    for kind in (annotation, *get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, Schema):
            return kind
    return None


def keys(schema):
    """The keys of ``schema``'s records, nested ones as paths."""
    for key, field in schema.model_fields.items():
        yield (key,)
        if nested := nested_schema(field.annotation):
            yield from ((key, *path) for path in keys(nested))


def is_described(spec, path):
    """Whether the OpenAPI component of the record describes ``path``, following references."""
    components = spec["components"]["schemas"]
    schema = components["ModelEntry"]
    for key in path:
        if key not in schema.get("properties", {}):
            return False
        schema = schema["properties"][key]
        schema = schema.get("items", schema)
        # A nested record that may be null: the alternative that is not null.
        schema = next((s for s in schema.get("anyOf", []) if "$ref" in s), schema)
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return True


def is_sent(record, path):
    value = record
    for key in path:
        value = value[0] if isinstance(value, list) else value
        if key not in value:
            return False
        value = value[key]
    return True


def test_every_key_is_described_and_sent(client, seed):
    # Every list of the record holds an item, so that its keys are seen sent.
    llama = models.ModelEntry.objects.get(slug="llama-2")
    dataset = models.Dataset.objects.create(**EPOCH_DATASET)
    models.FactProvenance.objects.create(
        entry=llama, fact="parameters", dataset=dataset, retrieved_on=datetime.date(2026, 5, 2)
    )
    models.ApiPrice.objects.create(
        entry=llama,
        input_per_million="0.5",
        output_per_million="1",
        as_of=datetime.date(2026, 12, 1),
        source_url="https://example.com/pricing",
        note="A tier",
    )
    spec = client.get(reverse("kb:api_openapi")).json()
    record = client.get(reverse("kb:api_model", args=["llama-2"])).json()
    paths = list(keys(ModelEntry))
    assert ("openness", "grades", "source_url") in paths
    assert [path for path in paths if not is_described(spec, path)] == []
    assert [path for path in paths if not is_sent(record, path)] == []
    top = [path[0] for path in paths if len(path) == 1]
    assert list(spec["components"]["schemas"]["ModelEntry"]["properties"]) == top
    assert list(record)[: len(top)] == top
    assert client.get(reverse("kb:models_json")).json()["results"][0].keys() == set(top)


def test_every_column_is_in_the_csv_and_every_edited_one_in_the_admin_export(client, seed):
    header = next(csv.reader(io.StringIO(client.get(reverse("kb:models_csv")).content.decode())))
    assert header == [column.name for column in RECORD_COLUMNS]
    exported = ModelEntryResource().export().headers
    edited = [
        column.name if column.dimension else column.edited_as
        for column in RECORD_COLUMNS
        if column.edited_as
    ]
    assert [name for name in exported if name in edited] == edited
    assert "licence_name" in edited and "openness_weights_checked" in edited
