"""What a model costs to use (kb.catalogue.costs): the memory its weights need, computed from
its parameter count, and its published API price, edited inline on the entry with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from reversion.models import Version

from kb.catalogue.costs import (
    WeightsMemory,
    fits_in,
    money,
    most_parameters_fitting,
    weights_memory,
)
from kb.catalogue.freshness import read_content_version
from kb.catalogue.models import Access, ApiPrice, ModelEntry, content_models
from tests.support.admin_forms import changeform_data
from tests.support.factories import ModelEntryFactory

PRICE = {
    "input_per_million": Decimal("2.5"),
    "output_per_million": Decimal("10"),
    "as_of": datetime.date(2026, 12, 1),
    "source_url": "https://example.com/pricing",
}


# ---------- Memory, computed ----------


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (7_000_000_000, ["14.0 GB", "7.0 GB", "3.5 GB"]),
        # 23.35 GB at 4 bits: halves round up.
        (46_700_000_000, ["93.4 GB", "46.7 GB", "23.4 GB"]),
        (176_247_271_424, ["352.5 GB", "176.2 GB", "88.1 GB"]),
        # A small model does not read "0.0 GB", as if it needed nothing.
        (30, ["under 0.1 GB", "under 0.1 GB", "under 0.1 GB"]),
    ],
)
def test_memory_is_parameters_times_bits_over_eight_in_gigabytes(parameters, expected):
    memory = WeightsMemory(parameters)
    assert [size.bits for size in memory.sizes] == [16, 8, 4]
    assert [str(size) for size in memory.sizes] == expected
    assert memory.label == (
        f"Computed from {parameters:,} parameters, weights only; running needs more for "
        "activations and context."
    )


def test_no_parameter_count_is_unknown_memory_not_zero():
    memory = WeightsMemory(None)
    assert not memory.known
    assert memory.sizes == []
    assert memory.at(4) is None
    assert memory.label.startswith("Unknown: no parameter count recorded")


def test_a_mixture_of_experts_needs_memory_for_all_its_parameters():
    entry = ModelEntryFactory.build(
        access=Access.WEIGHTS,
        parameter_count=46_700_000_000,
        active_parameter_count=12_900_000_000,
    )
    memory = weights_memory(entry)
    assert memory.at(16) == Decimal("93.4")  # the total, not the 12.9B active ones
    assert "46,700,000,000 parameters (all of them; 12,900,000,000 are active per token)" in (
        memory.label
    )


@pytest.mark.parametrize(
    ("access", "has_memory"),
    [
        (Access.WEIGHTS, True),
        (Access.BOTH, True),
        (Access.HOSTED, False),
        (Access.UNRELEASED, False),
        ("", False),
    ],
)
def test_only_downloadable_weights_have_memory(access, has_memory):
    entry = ModelEntryFactory.build(access=access, parameter_count=7_000_000_000)
    assert (weights_memory(entry) is not None) is has_memory


@pytest.mark.django_db
@pytest.mark.parametrize(("gb", "bits", "fits"), [(24, 4, 48), (24, 16, 12), (80, 8, 80)])
def test_fitting_in_memory_is_a_parameter_count_limit(gb, bits, fits):
    assert most_parameters_fitting(gb, bits) == fits * 10**9
    at_limit = ModelEntryFactory(access=Access.WEIGHTS, parameter_count=fits * 10**9)
    ModelEntryFactory(access=Access.WEIGHTS, parameter_count=fits * 10**9 + 1)
    ModelEntryFactory(access=Access.HOSTED, parameter_count=1_000)  # no weights to fit
    ModelEntryFactory(access=Access.WEIGHTS, parameter_count=None)  # unknown: not shown
    assert list(ModelEntry.objects.filter(fits_in(gb, bits))) == [at_limit]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("30"), "$30.00"),
        (Decimal("30.0000"), "$30.00"),
        (Decimal("2.5000"), "$2.50"),
        (Decimal("0.0750"), "$0.075"),
        (Decimal("1500"), "$1,500.00"),
        (Decimal("0"), "$0.00"),
    ],
)
def test_money_has_at_least_two_decimals(value, text):
    assert money(value) == text


# ---------- The API price ----------


def test_the_api_price_is_content():
    assert ApiPrice in content_models()


@pytest.mark.django_db
def test_a_price_cannot_be_negative():
    price = ApiPrice(entry=ModelEntryFactory(), **{**PRICE, "input_per_million": Decimal("-1")})
    with pytest.raises(ValidationError) as error:
        price.full_clean()
    assert "input_per_million" in error.value.message_dict


@pytest.mark.django_db
def test_an_entry_has_one_price():
    entry = ModelEntryFactory()
    ApiPrice.objects.create(entry=entry, **PRICE)
    with pytest.raises(IntegrityError):
        ApiPrice.objects.create(entry=entry, **PRICE)


@pytest.mark.django_db
def test_changing_a_price_moves_the_content_version_on():
    entry = ModelEntryFactory()
    before = read_content_version("default")
    ApiPrice.objects.create(entry=entry, **PRICE)
    assert read_content_version("default") > before


@pytest.mark.django_db
def test_an_editor_adds_the_price_inline_and_the_revision_keeps_it(editor_client, editor):
    entry = ModelEntryFactory(access=Access.HOSTED)
    url = reverse("admin:kb_modelentry_change", args=[entry.pk])
    page = editor_client.get(url)
    assert "API price (per million tokens, from the maker" in page.content.decode()
    data = changeform_data(
        page,
        **{
            "api_prices-TOTAL_FORMS": "1",
            "api_prices-0-input_per_million": "2.50",
            "api_prices-0-output_per_million": "10",
            "api_prices-0-currency": "USD",
            "api_prices-0-as_of": "2026-12-01",
            "api_prices-0-source_url": "https://example.com/pricing",
            "api_prices-0-note": "Standard tier",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    price = entry.api_prices.get()
    assert (price.input_per_million, price.output_per_million) == (Decimal("2.5"), Decimal("10"))
    revision = Version.objects.get_for_object(entry).first().revision
    assert revision.user == editor
    assert revision.version_set.get_for_model(ApiPrice).get().field_dict["note"] == "Standard tier"


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_price_with_messages(editor_client):
    entry = ModelEntryFactory(access=Access.HOSTED)
    url = reverse("admin:kb_modelentry_change", args=[entry.pk])
    page = editor_client.get(url)
    data = changeform_data(
        page,
        **{
            "api_prices-TOTAL_FORMS": "1",
            "api_prices-0-input_per_million": "-3",
            "api_prices-0-output_per_million": "ten",
            "api_prices-0-currency": "USD",
            "api_prices-0-as_of": "2026-12-01",
            "api_prices-0-source_url": "not a url",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    (prices,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "api_prices"
    ]
    errors = prices.errors[0]
    assert set(errors) == {"input_per_million", "output_per_million", "source_url"}
    assert not entry.api_prices.exists()
