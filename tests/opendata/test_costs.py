"""What a model costs to use, in the open data: the record's ``api_price`` and
``weights_memory`` (kb.catalogue.schemas), in the API, /models.json and the CSV columns."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from kb.catalogue.models import Access, ApiPrice
from tests.support.factories import ModelEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    hosted = ModelEntryFactory(slug="hosted", access=Access.HOSTED, parameter_count=10**9)
    ApiPrice.objects.create(
        entry=hosted,
        input_per_million=Decimal("2.5"),
        output_per_million=Decimal("10"),
        as_of=datetime.date(2026, 12, 1),
        source_url="https://example.com/pricing",
    )
    ModelEntryFactory(
        slug="mixture",
        access=Access.WEIGHTS,
        parameter_count=46_700_000_000,
        active_parameter_count=12_900_000_000,
    )
    ModelEntryFactory(slug="unsized", access=Access.WEIGHTS)


def records(client, path="/api/models/"):
    return {record["slug"]: record for record in client.get(path).json()["results"]}


@pytest.mark.parametrize("path", ["/api/models/", "/models.json"])
def test_the_record_has_the_price_and_the_memory(client, entries, path):
    found = records(client, path)
    assert found["hosted"]["api_price"] == {
        "input_per_million": 2.5,
        "output_per_million": 10.0,
        "currency": "USD",
        "as_of": "2026-12-01",
        "source_url": "https://example.com/pricing",
        "note": None,
    }
    # Hosted only: no weights, whatever its parameter count.
    assert found["hosted"]["weights_memory"] is None
    assert found["mixture"]["api_price"] is None
    assert found["mixture"]["weights_memory"] == {
        "gb_at_16_bits": 93.4,
        "gb_at_8_bits": 46.7,
        "gb_at_4_bits": 23.4,
    }
    assert found["mixture"]["parameter_count"] == 46_700_000_000
    assert found["mixture"]["active_parameter_count"] == 12_900_000_000
    assert found["unsized"]["weights_memory"] == {
        "gb_at_16_bits": None,
        "gb_at_8_bits": None,
        "gb_at_4_bits": None,
    }


def test_the_csv_has_a_column_per_cost(client, entries):
    body = client.get("/models.csv").content.decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(body))}
    assert {
        key: value for key, value in rows["hosted"].items() if key.startswith(("price_", "memory_"))
    } == {
        "price_input_per_million": "2.5",
        "price_output_per_million": "10.0",
        "price_currency": "USD",
        "price_as_of": "2026-12-01",
        "price_source": "https://example.com/pricing",
        "price_note": "",
        "memory_16bit_gb": "",
        "memory_8bit_gb": "",
        "memory_4bit_gb": "",
    }
    assert rows["mixture"]["price_input_per_million"] == ""
    assert rows["mixture"]["memory_4bit_gb"] == "23.4"
    assert rows["mixture"]["active_parameter_count"] == "12900000000"
    assert rows["unsized"]["memory_16bit_gb"] == ""


def test_the_openapi_description_says_the_memory_is_computed(client):
    spec = client.get("/api/openapi.json").json()
    memory = spec["components"]["schemas"]["WeightsMemory"]
    assert "computed here, not published" in memory["description"]
    assert "running the model needs more" in memory["description"]
    parameters = [p["name"] for p in spec["paths"]["/api/models/"]["get"]["parameters"]]
    assert {"memory_gb", "memory_bits", "max_input_price"} <= set(parameters)
