"""The charts' numbers in the open data: ``/api/charts/NAME/`` and ``/data/charts/NAME.csv``, with
the chart block's options as query parameters, the datasets credited, and clear 4xx answers."""

import csv
import io

import pytest

from kb.catalogue.models import ModelEntry
from tests.support.epoch import import_sample, sample_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(seed):
    import_sample()


def test_a_charts_numbers_as_json_with_its_attribution(client, imported):
    response = client.get("/api/charts/open-share/", {"from": "2023", "to": "2025"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["chart"] == "open-share"
    assert body["title"] == "Models released each year, by openness, 2023 to 2025"
    assert body["options"] == {"from": "2023", "to": "2025"}
    assert body["summary"].startswith("In 2025, ")
    (credit,) = body["attribution"]
    assert (credit["publisher"], credit["name"], credit["last_retrieved"]) == (
        "Epoch AI",
        "Notable AI Models",
        "2026-05-02",
    )
    (table,) = body["tables"]
    assert table["columns"] == [
        "year",
        "fully_open",
        "open_weights",
        "restricted_weights",
        "hosted",
        "unreleased",
        "unknown",
        "total",
    ]
    assert [row[0] for row in table["rows"]] == [2023, 2024, 2025]
    for row in table["rows"]:
        assert sum(row[1:-1]) == row[-1]


def test_the_csv_is_the_jsons_table_with_the_credit_in_its_link_header(client, imported):
    url = "/data/charts/by-organization.csv"
    response = client.get(url, {"by": "country", "top": "5"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="by-organization-counts.csv"'
    link = response["Link"]
    assert 'rel="license"' in link and 'rel="describedby"' in link
    assert '<https://epoch.ai/data/notable-ai-models>; rel="via"' in link
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    (table,) = client.get("/api/charts/by-organization/", {"by": "country", "top": "5"}).json()[
        "tables"
    ]
    assert rows[0] == table["columns"] == ["country", "open", "closed", "unknown", "total"]
    assert rows[1:] == [[str(cell) for cell in row] for row in table["rows"]]
    china = next(row for row in rows if row[0] == "China")
    sample_china = [r for r in sample_rows() if "China" in r["Country (of organization)"]]
    assert int(china[-1]) == len(sample_china)


def test_the_frontier_gaps_second_table(client, imported):
    response = client.get("/data/charts/frontier-gap.csv", {"table": "records"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    gpt_4 = next(row for row in rows if row["closed_name"] == "GPT-4 (Mar 2023)")
    assert gpt_4["closed_parameters"] == "1800000000000.0"
    assert gpt_4["matched_by_name"] == gpt_4["months"] == ""  # none yet: empty, not zero


def test_names_a_spreadsheet_would_run_are_neutralised(client, imported):
    ModelEntry.objects.filter(organization__name="Anthropic").update(country="=HYPERLINK(1)")
    rows = client.get("/data/charts/by-organization.csv", {"by": "country", "top": "30"})
    assert "'=HYPERLINK(1)" in rows.content.decode()


@pytest.mark.parametrize(
    ("url", "query", "status", "detail"),
    [
        (
            "/api/charts/pie/",
            {},
            404,
            {"chart": ["The charts are open-share, frontier-gap, by-organization."]},
        ),
        (
            "/data/charts/pie.csv",
            {},
            404,
            {"chart": ["The charts are open-share, frontier-gap, by-organization."]},
        ),
        ("/api/charts/open-share/", {"from": "x"}, 400, {"from": ["A year, such as 2020."]}),
        (
            "/api/charts/open-share/",
            {"top": "3"},
            400,
            {"top": ["open-share takes no option “top”; it takes from, to, modality."]},
        ),
        (
            "/api/charts/open-share/",
            {"modality": "smell"},
            400,
            {"modality": ["No modality has the slug “smell”."]},
        ),
        (
            "/data/charts/open-share.csv",
            {"table": "records"},
            400,
            {"table": ["This chart's tables are years."]},
        ),
        # Given empty, refused like the chart's other options (left out, the first table).
        (
            "/data/charts/frontier-gap.csv",
            {"table": ""},
            400,
            {"table": ["This chart's tables are years, records."]},
        ),
        ("/api/charts/open-share/", {"table": "years"}, 400, None),  # the CSV's parameter only
    ],
)
def test_bad_requests_are_told_what_was_wrong(client, seed, url, query, status, detail):
    response = client.get(url, query)
    assert response.status_code == status
    if detail is not None:
        assert response.json()["detail"] == detail


def test_each_chart_is_described_with_its_own_options(client, seed):
    spec = client.get("/api/openapi.json").json()

    def parameters(path):
        return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}

    assert parameters("/api/charts/open-share/").keys() == {"from", "to", "modality"}
    frontier = parameters("/api/charts/frontier-gap/")
    assert frontier["measure"]["schema"]["enum"] == ["parameters", "compute"]
    assert frontier["modality"]["schema"]["enum"] == ["text", "image", "video", "audio", "code"]
    assert parameters("/api/charts/by-organization/")["top"]["schema"]["maximum"] == 30
    assert parameters("/data/charts/frontier-gap.csv")["table"]["schema"]["enum"] == [
        "years",
        "records",
    ]
    operation = spec["paths"]["/api/charts/open-share/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Chart"
    }
    assert "tables" in spec["components"]["schemas"]["Chart"]["properties"]


def test_from_after_to_counts_no_year(client, seed):
    body = client.get("/api/charts/open-share/", {"from": "2024", "to": "2020"}).json()
    assert body["tables"][0]["rows"] == []
