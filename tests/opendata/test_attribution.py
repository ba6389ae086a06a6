"""Imported facts are credited wherever the data goes: each record's provenance (estimates
marked), the lists' and the JSON download's attribution, the CSV's Link header, the OpenAPI
description."""

import csv
import io

import pytest
from django.urls import reverse

from kb.catalogue.epoch.sync import EPOCH_DATASET, import_rows
from kb.catalogue.models import Dataset, FactProvenance, ModelEntry
from kb.opendata.downloads import link_title
from tests.support.epoch import RETRIEVED, sample_rows
from tests.support.factories import ModelEntryFactory

pytestmark = pytest.mark.django_db

EPOCH = EPOCH_DATASET["slug"]
CREDIT = {
    "slug": EPOCH,
    "publisher": "Epoch AI",
    "name": "Notable AI Models",
    "url": "https://epoch.ai/data/notable-ai-models",
    "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "last_retrieved": "2026-05-02",
}


@pytest.fixture
def imported(seed):
    import_rows(sample_rows(), RETRIEVED)


def record(client, slug):
    return client.get(reverse("kb:api_model", args=[slug])).json()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_an_estimate_is_marked_in_the_record(client, imported):
    provenance = {item["fact"]: item for item in record(client, "gpt-4-mar-2023")["provenance"]}
    assert provenance["parameters"] == {
        "fact": "parameters",
        "dataset": EPOCH,
        "retrieved_on": "2026-05-02",
        "confidence": "likely",
        "estimate": True,
        "note": provenance["parameters"]["note"],
    }
    assert provenance["parameters"]["note"].startswith("Rumored to be 1.8T parameter MoE")
    assert provenance["release_date"]["estimate"] is False


def test_a_confident_value_is_no_estimate(client, imported):
    provenance = record(client, "falcon-40b")["provenance"]
    assert provenance and all(item["dataset"] == EPOCH for item in provenance)
    parameters = next(item for item in provenance if item["fact"] == "parameters")
    assert (parameters["confidence"], parameters["estimate"]) == ("confident", False)


def test_facts_nobody_imported_have_no_provenance(client, seed):
    assert record(client, "gpt-4")["provenance"] == []


def test_the_api_list_and_the_json_download_name_the_datasets_to_credit(client, imported):
    for url in (reverse("kb:api_model_list"), reverse("kb:models_json")):
        body = client.get(url).json()
        assert body["attribution"] == [CREDIT]
        assert list(body)[-2:] == ["attribution", "results"]


def test_a_models_record_credits_the_datasets_its_facts_come_from(client, imported):
    body = record(client, "falcon-40b")
    assert body["attribution"] == [CREDIT]
    assert list(body)[-1] == "attribution"


def test_a_model_with_no_imported_fact_credits_no_dataset(
    client, imported, django_assert_num_queries
):
    # The entry, its modalities, grades, sources, provenance and API price: no dataset to
    # look up.
    with django_assert_num_queries(6):
        body = record(client, "gpt-4")
    assert body["provenance"] == [] and body["attribution"] == []


def test_nothing_to_credit_without_an_import(client, seed):
    assert client.get(reverse("kb:api_model_list")).json()["attribution"] == []
    assert client.get(reverse("kb:models_json")).json()["attribution"] == []
    link = client.get(reverse("kb:models_csv"))["Link"]
    assert 'rel="via"' not in link and 'rel="license"' in link


def test_the_csv_marks_estimates_in_its_provenance_column(client, imported):
    rows = {row["slug"]: row for row in csv_rows(client.get(reverse("kb:models_csv")))}
    lines = rows["gpt-4-mar-2023"]["provenance"].splitlines()
    assert f"parameters {EPOCH} 2026-05-02 likely estimate" in lines
    assert all(line.split()[0] in FactProvenance.Fact.values for line in lines)
    assert sum(line.endswith(" estimate") for line in lines) < len(lines)
    assert rows["gpt-4"]["provenance"] == ""


def test_the_csv_credits_in_its_link_header_not_in_the_file(client, imported):
    response = client.get(reverse("kb:models_csv"))
    assert response["Link"] == (
        '<https://creativecommons.org/licenses/by/4.0/>; rel="license", '
        '<http://testserver/data/>; rel="describedby"; type="text/html", '
        '<https://epoch.ai/data/notable-ai-models>; rel="via"; '
        'title="Epoch AI, Notable AI Models (CC BY 4.0), last retrieved 2026-05-02"'
    )
    header = response.content.decode().splitlines()[0]
    assert header.startswith("slug,name,")


def test_a_title_beyond_ascii_is_sent_encoded():
    assert link_title('Plain "quoted"') == 'title="Plain \\"quoted\\""'
    assert link_title("Données, Café") == "title*=UTF-8''Donn%C3%A9es%2C%20Caf%C3%A9"


def test_a_dataset_named_beyond_latin1_gives_a_valid_header(client, imported):
    Dataset.objects.filter(slug=EPOCH).update(publisher="Epoch AI 研究")
    link = client.get(reverse("kb:models_csv"))["Link"]
    assert link.isascii() and "title*=UTF-8''Epoch%20AI%20%E7%A0%94" in link


def test_the_openapi_description_credits_epoch_ai(client, imported):
    spec = client.get(reverse("kb:api_openapi")).json()
    description = spec["info"]["description"]
    assert (
        "Facts of many entries are imported from Epoch AI's Notable AI Models "
        "(https://epoch.ai/data/notable-ai-models), published under CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/), last retrieved 2026-05-02: reusing "
        'them, credit "Epoch AI, Notable AI Models".'
    ) in description
    components = spec["components"]["schemas"]
    for body in ("ModelPage", "ModelDownload"):
        assert components[body]["properties"]["attribution"]["items"] == {
            "$ref": "#/components/schemas/Attribution"
        }
    assert list(components["Attribution"]["properties"]) == list(CREDIT)
    provenance = components["FactProvenance"]["properties"]
    assert provenance["estimate"] == {"title": "Estimate", "type": "boolean"}
    link = spec["paths"]["/models.csv"]["get"]["responses"]["200"]["headers"]["Link"]
    assert 'rel="via"' in link["description"]


def test_the_openapi_description_credits_nobody_without_an_import(client, seed):
    description = client.get(reverse("kb:api_openapi")).json()["info"]["description"]
    assert "Epoch AI" not in description


def add_imported_entries(count):
    dataset = Dataset.objects.create(**EPOCH_DATASET)
    for entry in ModelEntryFactory.create_batch(count):
        for fact in (FactProvenance.Fact.PARAMETERS, FactProvenance.Fact.RELEASE_DATE):
            FactProvenance.objects.create(
                entry=entry, fact=fact, dataset=dataset, retrieved_on=RETRIEVED, confidence="likely"
            )


@pytest.mark.parametrize("entries", [3, 40])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The entries counted and read; modalities, grades, API prices, sources, provenance;
        # the datasets.
        ("/api/models/?per_page=100", 8),
        # The entries read; modalities, grades, API prices, sources, provenance; the datasets.
        ("/models.json", 7),
        ("/models.csv", 7),
    ],
)
def test_provenance_and_attribution_cost_the_same_at_any_size(
    client, django_assert_num_queries, entries, url, queries
):
    add_imported_entries(entries)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert ModelEntry.objects.count() == entries
