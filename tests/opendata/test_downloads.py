import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import Status
from kb.opendata.serializers import CSV_COLUMNS
from tests.support.factories import ModelEntryFactory
from tests.support.html import json_ld, parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_a_header_and_a_row_per_published_entry(client, seed):
    ModelEntryFactory(slug="secret", status=Status.DRAFT)
    response = client.get(reverse("kb:models_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="models.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == CSV_COLUMNS
    rows = csv_rows(response)
    assert len(rows) == 10 and "secret" not in [row["slug"] for row in rows]
    llama = next(row for row in rows if row["slug"] == "llama-2")
    assert llama["organization"] == "meta"
    assert llama["licence_osi_approved"] == "false"
    assert (llama["openness_score"], llama["openness_graded"]) == ("50", "9")
    assert llama["openness_training_data"] == "closed"
    assert llama["openness_weights_licence_source"] == "https://ai.meta.com/llama/license/"
    assert llama["openness_weights_checked"] == "2026-11-28"
    assert "licence https://ai.meta.com/llama/license/" in llama["sources"].splitlines()
    gemini = next(row for row in rows if row["slug"] == "gemini")
    assert gemini["modalities"] == "text;image;video;audio;code"  # in the modalities' order
    assert gemini["parameter_count"] == ""  # unknown, not 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 10),
        ("category=open-source", 6),
        ("category=open-source&licence=osi", 2),
        ("organization=openai&organization=google", 3),
        ("modality=video", 2),
        ("access=weights&min_openness=60", 3),
    ],
)
def test_both_downloads_apply_the_directory_filters(client, seed, query, expected):
    api = client.get(f"/api/models/?{query}").json()["results"]
    as_json = client.get(f"/models.json?{query}").json()
    as_csv = csv_rows(client.get(f"/models.csv?{query}"))
    assert as_json["count"] == len(as_json["results"]) == len(as_csv) == expected
    # The JSON download holds exactly the API's records; the CSV the same entries, same order.
    assert as_json["results"] == api
    assert [row["slug"] for row in as_csv] == [record["slug"] for record in api]


def test_sorting_applies_to_the_downloads(client, seed):
    rows = csv_rows(client.get("/models.csv?sort=newest&category=closed"))
    assert [row["slug"] for row in rows] == ["sora", "gemini", "claude", "gpt-4"]


@pytest.mark.parametrize("url", ["/models.csv", "/models.json"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [("page=2", "page"), ("category=nowhere", "category"), ("format=xml", "format")],
)
def test_bad_parameters_get_a_json_400(client, seed, url, query, parameter):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["detail"]) == [parameter]


def test_an_entry_with_no_grades_has_an_empty_score_not_zero(client, seed):
    ModelEntryFactory(slug="ungraded")
    row = next(row for row in csv_rows(client.get("/models.csv")) if row["slug"] == "ungraded")
    assert row["openness_score"] == ""
    assert row["openness_unknown"] == "9"
    assert row["openness_weights"] == "unknown"
    records = client.get("/models.json").json()["results"]
    record = next(record for record in records if record["slug"] == "ungraded")
    assert record["openness"]["score"] is None


FORMULAS = {
    "name": '=HYPERLINK("https://evil.example/","click")',
    "summary": "+cmd|' /C calc'!A0",
    "parameters": "-2+3",
    "licence_name": "@SUM(1+1)",
    "homepage": "",
}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_start_a_formula_are_quoted(client, db, start):
    entry = ModelEntryFactory(slug="formula", name=f"{start}1+1", summary="Plain - text")
    row = csv_rows(client.get("/models.csv"))[0]
    assert row["name"] == f"'{start}1+1"
    assert row["summary"] == "Plain - text"
    # The JSON keeps the text as it is.
    assert client.get("/models.json").json()["results"][0]["name"] == entry.name


def test_every_text_column_of_the_csv_is_guarded(client, db):
    ModelEntryFactory(slug="formulas", **FORMULAS)
    row = csv_rows(client.get("/models.csv"))[0]
    for column, value in (
        ("name", FORMULAS["name"]),
        ("summary", FORMULAS["summary"]),
        ("parameters", FORMULAS["parameters"]),
        ("licence", FORMULAS["licence_name"]),
    ):
        assert row[column] == f"'{value}"


@pytest.mark.parametrize("url", ["/models.csv", "/models.json"])
def test_download_query_counts_do_not_grow_with_rows(client, seed, url):
    def count_queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    # entries, modalities, openness grades, API prices, sources, provenance, the datasets credited
    assert count_queries() == 7
    for _ in range(6):
        ModelEntryFactory().sources.create(fact="general", url="https://example.org/")
    assert count_queries() == 7


def test_the_data_page_describes_the_downloads_as_a_dataset(client, seed):
    page = client.get(reverse("kb:data"))
    html = page.content.decode()
    text = visible_text(html)
    assert "models.csv : one row per model, with a header row." in text
    assertInHTML('<a href="/api/openapi.json">OpenAPI 3.1</a>', html)
    data = json_ld(html)
    assert data["@type"] == "Dataset"
    assert [d["contentUrl"] for d in data["distribution"]] == [
        "http://testserver/models.csv",
        "http://testserver/models.json",
    ]
    assert [d["encodingFormat"] for d in data["distribution"]] == ["text/csv", "application/json"]
    assert data["url"] == "http://testserver/data/"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert (
        "The data is published under Creative Commons Attribution 4.0 International (CC BY 4.0)"
        in text
    )
    licence = "https://creativecommons.org/licenses/by/4.0/"
    assert {"href": licence, "rel": "license"} in [link.attrs for link in parse(html).find_all("a")]


def test_the_licence_is_one_setting_stated_everywhere(client, seed, settings):
    settings.CONTENT_LICENCE = {
        "name": "CC0 1.0",
        "title": "Creative Commons Zero 1.0 Universal",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    url = "https://creativecommons.org/publicdomain/zero/1.0/"
    home = visible_text(client.get("/").content)
    assert "Text and data: CC0 1.0 (Creative Commons Zero 1.0 Universal)" in home
    html = client.get(reverse("kb:data")).content.decode()
    data = json_ld(html)
    assert data["license"] == url
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["license"] == {"name": "CC0 1.0", "url": url}
