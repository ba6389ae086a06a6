"""Dates and lifecycle, the openness tier, what a model reads and writes, the terms that govern
its use: on the seed's and Epoch AI's real rows (tests/support/epoch.py), in the admin, the
record, the model page and the directory's filters."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kb.catalogue import models
from kb.catalogue.bundled import EPOCH_SNAPSHOT
from kb.catalogue.epoch.mapping import BadRow, map_row
from kb.catalogue.epoch.source import parse
from kb.catalogue.models import Lifecycle, ModelEntry, OpennessGrade
from kb.catalogue.openness import tier_of
from tests.support.admin_forms import changeform_data
from tests.support.epoch import import_sample, sample_rows

pytestmark = pytest.mark.django_db

Dimension, Grade = OpennessGrade.Dimension, OpennessGrade.Grade


def row_named(name):
    return next(row for row in sample_rows() if row["Model"].strip() == name)


@pytest.fixture
def imported(seed):
    return import_sample()


def tier(slug):
    return ModelEntry.objects.get(slug=slug).openness_tier


# What a model reads and writes, from Epoch's Task.


@pytest.mark.parametrize(
    ("name", "reads", "writes"),
    [
        ("GPT-4 (Mar 2023)", ["text", "image"], ["text"]),
        ("Sora", ["text", "image"], ["video"]),
        ("DALL·E 3", ["text"], ["image"]),
        ("Gemini Nano-2", ["text", "image", "audio"], ["text"]),
        ("SSD", [], []),  # object detection: neither said
    ],
)
def test_reads_and_writes_come_from_the_task(name, reads, writes):
    mapped = map_row(row_named(name), 2)
    assert mapped.input_modalities == reads
    assert mapped.output_modalities == writes
    assert set(reads + writes) <= set(mapped.modalities)  # what the modality filter finds


def test_every_snapshot_row_names_each_modality_once():
    rows = parse(EPOCH_SNAPSHOT.read_bytes())[1]
    for number, row in enumerate(rows, 2):
        mapped = map_row(row, number)
        if isinstance(mapped, BadRow):
            continue
        for slugs in (mapped.modalities, mapped.input_modalities, mapped.output_modalities):
            assert len(slugs) == len(set(slugs)), mapped.name


def test_publication_date_is_the_announcement(imported):
    sora = ModelEntry.objects.get(slug="sora")
    # Epoch's row is Sora's announcement; the seed's release date (public release) is kept
    assert sora.announced_date == datetime.date(2024, 2, 15)
    assert sora.release_date == datetime.date(2024, 12, 9)
    assert sora.output_modalities == ["video"]


# The openness tier.


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("llama-2-7b", models.TIER_RESTRICTED_WEIGHTS),  # open weights (restricted use)
        ("llama-65b", models.TIER_RESTRICTED_WEIGHTS),  # non-commercial
        ("falcon-40b", models.TIER_OPEN_WEIGHTS),
        ("gpt-4-mar-2023", models.TIER_HOSTED),
        ("palm-540b", models.TIER_UNRELEASED),
        ("nemotron-3-super", models.TIER_UNKNOWN),  # no accessibility given
        ("llama-2", models.TIER_RESTRICTED_WEIGHTS),  # the seed: its licence graded partial
        ("gpt-4", models.TIER_HOSTED),
    ],
)
def test_the_tier_of_real_rows(imported, slug, expected):
    assert tier(slug) == expected
    assert tier_of(ModelEntry.objects.get(slug=slug)) == expected


def test_open_code_and_data_make_unrestricted_weights_fully_open(imported):
    falcon = ModelEntry.objects.get(slug="falcon-40b")
    OpennessGrade.objects.create(entry=falcon, dimension=Dimension.TRAINING_CODE, grade=Grade.OPEN)
    assert tier("falcon-40b") == models.TIER_OPEN_WEIGHTS  # data not open yet
    data = OpennessGrade.objects.create(
        entry=falcon, dimension=Dimension.TRAINING_DATA, grade=Grade.OPEN, note="All of it."
    )
    assert tier("falcon-40b") == models.TIER_FULLY_OPEN
    data.delete()
    assert tier("falcon-40b") == models.TIER_OPEN_WEIGHTS


def test_weights_on_request_are_restricted(imported):
    falcon = ModelEntry.objects.get(slug="falcon-40b")
    OpennessGrade.objects.create(
        entry=falcon,
        dimension=Dimension.WEIGHTS,
        grade=Grade.PARTIAL,
        note="Access needs an approved request.",
    )
    assert tier("falcon-40b") == models.TIER_RESTRICTED_WEIGHTS


def test_the_migration_fills_tiers_as_tier_of_computes_them(imported):
    migration = importlib.import_module(
        "kb.catalogue.migrations.0020_lifecycle_tiers_modalities_terms"
    )
    for entry in ModelEntry.objects.prefetch_related("openness"):
        grades = {grade.dimension: grade.grade for grade in entry.openness.all()}
        assert migration.tier(entry.access, entry.weights_use, grades) == tier_of(entry)


# Lifecycle.


def test_a_status_date_needs_its_status(seed):
    gpt4 = ModelEntry.objects.get(slug="gpt-4")
    gpt4.lifecycle_date = datetime.date(2025, 4, 30)
    with pytest.raises(ValidationError) as error:
        gpt4.full_clean()
    assert "lifecycle" in error.value.message_dict


def test_unknown_modalities_are_refused(seed):
    gpt4 = ModelEntry.objects.get(slug="gpt-4")
    gpt4.input_modalities = ["text", "smell"]
    with pytest.raises(ValidationError) as error:
        gpt4.full_clean()
    assert error.value.message_dict["input_modalities"] == ["No modality smell."]


# Shown: the model page, the record, the directory.


@pytest.fixture
def retired(seed):
    """A test entry with every new fact set (test values, not content)."""
    entry = ModelEntry.objects.get(slug="gpt-4")
    entry.announced_date = datetime.date(2023, 3, 14)
    entry.lifecycle = Lifecycle.RETIRED
    entry.lifecycle_date = datetime.date(2025, 4, 30)
    entry.lifecycle_source_url = "https://example.com/status"
    entry.terms_url = "https://example.com/terms"
    entry.input_modalities = ["text", "image"]
    entry.output_modalities = ["text"]
    entry.save()
    return entry


def test_the_model_page_shows_dates_status_tier_modalities_and_terms(client, retired):
    html = client.get(retired.get_absolute_url()).content.decode()
    assert '<th scope="row">Openness tier</th>' in html and "API or product only" in html
    assert '<th scope="row">Announced</th>' in html and "14 March 2023" in html
    assert '<a href="https://example.com/status">Retired since 30 April 2025</a>' in html
    assert '<a href="https://example.com/terms">The document that governs use</a>' in html
    assert '<th scope="row">Reads</th>' in html and "Text, Image" in html


def test_the_record_carries_them(client, retired):
    record = client.get(reverse("kb:api_model", args=["gpt-4"])).json()
    assert record["announced_date"] == "2023-03-14"
    assert record["lifecycle"] == {
        "status": "retired",
        "since": "2025-04-30",
        "source_url": "https://example.com/status",
    }
    assert record["openness_tier"] == "hosted"
    assert record["licence"]["terms_url"] == "https://example.com/terms"
    assert (record["input_modalities"], record["output_modalities"]) == (
        ["text", "image"],
        ["text"],
    )
    row = next(
        line for line in client.get("/models.csv").content.decode().splitlines() if "gpt-4" in line
    )
    assert "retired,2025-04-30,https://example.com/status" in row


def names(response):
    return [entry.name for entry in response.context["page"].object_list]


def test_the_directory_filters_by_status(client, retired):
    response = client.get("/models/?status=retired")
    assert names(response) == ["GPT-4"]
    unknown = names(client.get("/models/?status=unknown"))
    assert "GPT-4" not in unknown and "Sora" in unknown


def test_the_directory_and_the_api_filter_by_tier(client, imported):
    response = client.get("/models/?openness=unreleased")
    assert set(names(response)) == set(
        ModelEntry.objects.published()
        .filter(access=models.Access.UNRELEASED)
        .values_list("name", flat=True)
    )
    assert "PaLM (540B)" in names(response)
    facet = next(f for f in response.context["facets"] if f.name == "openness")
    counts = {option.value: option.count for option in facet.options}
    assert counts["unreleased"] == len(names(response))
    api = client.get("/api/models/?openness=fully_open&openness=hosted&per_page=100").json()
    assert {r["openness_tier"] for r in api["results"]} == {"hosted"}
    bad = client.get("/api/models/?openness=half_open")
    assert bad.status_code == 400 and "openness" in bad.json()["detail"]


def test_an_editor_sets_status_and_modalities_in_the_admin(editor_client, seed):
    gpt4 = ModelEntry.objects.get(slug="gpt-4")
    url = reverse("admin:kb_modelentry_change", args=[gpt4.pk])
    page = editor_client.get(url)
    assert "Status since" in page.content.decode()
    data = changeform_data(
        page,
        lifecycle="deprecated",
        lifecycle_date="2025-01-01",
        lifecycle_source_url="https://example.com/deprecations",
        input_modalities=["text", "image"],
        output_modalities=["text"],
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    gpt4.refresh_from_db()
    assert gpt4.lifecycle == "deprecated" and gpt4.input_modalities == ["text", "image"]
    assert {"text", "image"} <= {m.slug for m in gpt4.modalities.all()}


def test_the_directory_shows_each_models_tier(client, imported):
    html = client.get("/models/?organization=meta").content.decode()
    assert '<span class="tier-tag">Restricted weights</span>' in html
