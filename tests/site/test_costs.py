"""What a model costs to use, as readers see it: the directory's price and memory columns, sort
orders and filters, the model page's "What it costs to use", and the model-vs-model rows.

Run on SQLite and, with DATABASE_URL pointing at PostgreSQL, on PostgreSQL: the sorting and the
filters are done by the database."""

import io

import pytest
from django.core.management import call_command

from kb.catalogue.models import Access
from tests.support.directory import facet_counts, listed_entry, names, row_text
from tests.support.factories import CategoryFactory, OrganizationFactory
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def table(response, kind):
    """The one table with the class ``kind`` among its classes."""
    tables = parse(response.content).find_all("table")
    (found,) = [t for t in tables if kind in t.get("class", "").split()]
    return found


@pytest.fixture
def catalogue():
    """Closed models with and without a price, open ones of several sizes and one of unknown
    size, and a hosted model whose (estimated) parameter count must not count as memory."""
    closed, open_ = CategoryFactory(slug="closed"), CategoryFactory(slug="open")
    maker = OrganizationFactory()
    rows = [
        # name, category, access, parameters, API price
        ("Dear", closed, Access.HOSTED, 10**9, ("30", "60", "gpt-x, standard rate")),
        ("Cheap", closed, Access.HOSTED, None, ("0.15", "0.6")),
        ("Unpriced", closed, Access.HOSTED, None, None),
        ("Small", open_, Access.WEIGHTS, 7 * 10**9, None),
        ("Huge", open_, Access.BOTH, 70 * 10**9, ("0.9", "0.9")),
        ("Unsized", open_, Access.WEIGHTS, None, None),
    ]
    for name, category, access, parameters, price in rows:
        listed_entry(
            name,
            category=category,
            organization=maker,
            access=access,
            parameter_count=parameters,
            price=price,
        )
    listed_entry(
        "Mixture",
        category=open_,
        organization=maker,
        access=Access.WEIGHTS,
        parameter_count=46_700_000_000,
        active_parameter_count=12_900_000_000,
    )


# ---------- The directory ----------


def test_the_directory_shows_the_price_and_the_memory(client, catalogue):
    page = client.get("/models/")
    assert "$30.00 in · $60.00 out" in row_text(page, "dear")
    # The price's date is on the model's page; the heading says per million tokens.
    assert "US$ per M tokens" in visible_text(page.content)
    # Short words in the table's cells; the model page says them in full.
    assert "Not published" in row_text(page, "unpriced")
    assert "No weights" in row_text(page, "dear")
    # The 4-bit width unless another is chosen, its heading saying it is computed; all three on
    # the model page.
    small = row_text(page, "small")
    assert "3.5 GB" in small and "14.0 GB" not in small
    assert "Weights at 4 bits, computed" in visible_text(page.content)
    assert "Unknown: no parameter count" in row_text(page, "unsized")
    headers = [th.text for th in parse(page.content).find("thead").find_all("th")]
    assert headers[-2:] == ["API price US$ per M tokens", "Weights at 4 bits, computed"]


@pytest.mark.parametrize(
    ("query", "bits", "small"),
    [
        ("memory_bits=16", 16, "14.0 GB"),
        ("memory_bits=8", 8, "7.0 GB"),
        ("memory_bits=16&memory_gb=24", 16, "14.0 GB"),
        ("memory_bits=4", 4, "3.5 GB"),
        ("memory_bits=3", 4, "3.5 GB"),  # no such width: left out with a notice
    ],
)
def test_the_memory_column_follows_the_width_chosen(client, catalogue, query, bits, small):
    page = client.get(f"/models/?{query}")
    others = {"14.0 GB", "7.0 GB", "3.5 GB"} - {small}
    assert small in row_text(page, "small")
    assert not any(other in row_text(page, "small") for other in others)
    headers = [th.text for th in parse(page.content).find("thead").find_all("th")]
    assert headers[-1] == f"Weights at {bits} bits, computed"
    cells = parse(page.content).find_all(
        "td", **{"data-label": f"Weights at {bits} bits, computed"}
    )
    assert len(cells) == len(names(page))
    # Sorting again keeps the width chosen (the default needs no saying).
    sort_form = parse(page.content).find("form", class_="sort-form")
    kept = sort_form.find_all("input", type="hidden", name="memory_bits")
    assert [box["value"] for box in kept] == (
        [] if bits == 4 and "gb" not in query else [str(bits)]
    )


def test_cheapest_first_sorts_by_the_input_price_with_unpriced_last(client, catalogue):
    page = client.get("/models/?sort=cheapest")
    assert names(page)[:3] == ["Cheap", "Huge", "Dear"]
    assert set(names(page)[3:]) == {"Unpriced", "Small", "Mixture", "Unsized"}


def test_least_memory_first_sorts_downloadable_weights_by_size(client, catalogue):
    page = client.get("/models/?sort=least_memory")
    # Dear has a parameter count but no weights to download: with the unknown, last.
    assert names(page)[:3] == ["Small", "Mixture", "Huge"]
    assert set(names(page)[3:]) == {"Dear", "Cheap", "Unpriced", "Unsized"}


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("memory_gb=24", ["Mixture", "Small"]),  # 23.4 GB at 4 bits fits, 35 GB does not
        ("memory_gb=24&memory_bits=4", ["Mixture", "Small"]),
        ("memory_gb=24&memory_bits=16", ["Small"]),
        ("memory_gb=80&memory_bits=8", ["Huge", "Mixture", "Small"]),
        ("memory_gb=1", []),
        ("max_input_price=1", ["Cheap", "Huge"]),
        ("max_input_price=0.15", ["Cheap"]),
        # Read to a hundredth of a cent, rounded down: not quite 0.15.
        ("max_input_price=0.149999", []),
        ("max_input_price=0.150099", ["Cheap"]),
        ("max_input_price=30&category=closed", ["Cheap", "Dear"]),
        ("max_input_price=1&memory_gb=48", ["Huge"]),
        ("memory_gb=48&memory_bits=4&max_input_price=1", ["Huge"]),
    ],
)
def test_the_cost_filters(client, catalogue, query, listed):
    page = client.get(f"/models/?{query}")
    assert page.status_code == 200
    assert names(page) == listed


def test_the_cost_filters_count_each_step_and_keep_the_others(client, catalogue):
    page = client.get("/models/?max_input_price=1")
    # Under the price filter, only Huge has weights: it fits in 48 and 80 GB at 4 bits.
    assert facet_counts(page, "memory_gb") == {"any": 2, "48": 1, "80": 1}
    assert facet_counts(page, "max_input_price") == {"any": 7, "1": 2, "5": 2, "15": 2}
    sort_form = parse(page.content).find("form", class_="sort-form")
    assert {"name": "max_input_price", "value": "1"} in [
        {key: box.attrs[key] for key in ("name", "value")}
        for box in sort_form.find_all("input")
        if box.attrs.get("type") == "hidden"
    ]
    # The memory facet counts at the width asked for.
    page = client.get("/models/?memory_bits=16")
    assert facet_counts(page, "memory_gb") == {"any": 7, "16": 1, "24": 1, "48": 1, "80": 1}


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("memory_gb=abc", "No memory size “abc” (a whole number of gigabytes, from 1)"),
        ("memory_gb=0", "No memory size “0”"),
        ("memory_gb=-5", "No memory size “-5”"),
        ("memory_gb=1e9999", "No memory size “1e9999”"),
        ("memory_gb=%00", "No memory size"),
        ("memory_gb=24&memory_bits=3", "Weights are counted at 16, 8 or 4 bits, not “3”"),
        ("memory_bits=x", "not “x”; counted at 4 bits"),
        ("max_input_price=-1", "No price “-1” (US dollars, such as 2.50)"),
        ("max_input_price=NaN", "No price “NaN”"),
        ("max_input_price=Infinity", "No price “Infinity”"),
        ("max_input_price=1e99999", "No price “1e99999”"),
        ("max_input_price=1000001", "No price “1000001”"),
        ("max_input_price=%E2%80%AE", "No price"),
    ],
)
def test_bad_cost_filters_are_left_out_with_a_notice(client, catalogue, query, notice):
    page = client.get(f"/models/?{query}")
    assert page.status_code == 200
    assert notice in visible_text(page.content)
    assert len(names(page)) == 7 or "memory_bits=3" in query


@pytest.mark.parametrize(
    "query",
    ["memory_gb=abc", "memory_bits=3", "max_input_price=-1", "max_input_price=NaN", "sort=dearest"],
)
@pytest.mark.parametrize("path", ["/api/models/", "/models.csv", "/models.json"])
def test_bad_cost_filters_get_a_400_from_the_api_and_the_downloads(client, catalogue, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert list(response.json()["detail"]) == [query.split("=")[0]]


def test_the_api_filters_and_sorts_by_cost_as_the_directory_does(client, catalogue):
    records = client.get("/api/models/?memory_gb=24&sort=least_memory").json()["results"]
    assert [record["slug"] for record in records] == ["small", "mixture"]
    records = client.get("/api/models/?sort=cheapest&max_input_price=1").json()["results"]
    assert [record["slug"] for record in records] == ["cheap", "huge"]


# ---------- The model page ----------


def test_a_hosted_model_page_gives_its_price_date_and_source(client, catalogue):
    text = visible_text(client.get("/models/dear/").content)
    assert "What it costs to use" in text
    assert "$30.00 per million input tokens, $60.00 per million output tokens (US dollars)" in text
    assert "read on 1 December 2026. gpt-x, standard rate" in text
    assert "Source: https://example.com/dear/pricing" in text
    assert "No downloadable weights, so there is nothing to run yourself." in text


def test_a_model_without_a_price_says_so(client, catalogue):
    text = visible_text(client.get("/models/unpriced/").content)
    assert "No published price recorded." in text


def test_an_open_model_page_gives_its_memory_computed(client, catalogue):
    page = client.get("/models/mixture/")
    body = table(page, "cost-table").find("tbody")
    rows = [[cell.text for cell in row.elements] for row in body.find_all("tr")]
    assert rows == [["16 bits", "93.4 GB"], ["8 bits", "46.7 GB"], ["4 bits", "23.4 GB"]]
    text = visible_text(page.content)
    assert (
        "Computed from 46,700,000,000 parameters (all of them; 12,900,000,000 are active per "
        "token), weights only; running needs more for activations and context." in text
    )


def test_an_open_model_of_unknown_size_has_unknown_memory(client, catalogue):
    text = visible_text(client.get("/models/unsized/").content)
    assert "Unknown: no parameter count is recorded" in text
    assert "0.0 GB" not in text


# ---------- The model-vs-model comparison ----------


def cost_rows(response):
    groups = table(response, "compare-table").find_all("tbody")
    group = next(g for g in groups if "What it costs to use" in g.text)
    return {
        row.find("th").text.removesuffix(" Differs"): [cell.text for cell in row.find_all("td")]
        for row in group.find_all("tr")[1:]
    }


def test_the_comparison_has_cost_rows_with_the_cheapest_and_least_marked(client, catalogue):
    rows = cost_rows(client.get("/compare/models/?m=dear&m=cheap&m=huge"))
    assert rows["API price, input per million tokens"] == [
        "$30.00 (as of 1 December 2026)",
        "$0.15 (as of 1 December 2026) Cheapest",
        "$0.90 (as of 1 December 2026)",
    ]
    assert rows["Memory for the weights at 4 bits (computed)"] == [
        "No downloadable weights",
        "No downloadable weights",
        "35.0 GB",
    ]
    rows = cost_rows(client.get("/compare/models/?m=small&m=mixture&m=unpriced"))
    assert rows["API price, output per million tokens"] == ["No published price recorded"] * 3
    # An unknown value might be the least: nothing is marked.
    assert rows["Memory for the weights at 16 bits (computed)"] == [
        "14.0 GB",
        "93.4 GB",
        "No downloadable weights",
    ]
    rows = cost_rows(client.get("/compare/models/?m=small&m=mixture"))
    assert rows["Memory for the weights at 16 bits (computed)"] == ["14.0 GB Least", "93.4 GB"]


def test_only_differences_keeps_the_cost_rows_that_differ(client, catalogue):
    page = client.get("/compare/models/?m=unpriced&m=cheap&differences=1")
    rows = cost_rows(page)
    assert list(rows) == [
        "API price, input per million tokens",
        "API price, output per million tokens",
    ]


# ---------- The bundled prices, as `make run` loads them ----------


@pytest.fixture
def made_run(db):
    """A fresh database loaded as `make run` loads it: the seed, Epoch AI's whole snapshot (some
    15 s), then the bundled prices of the models it imported."""
    call_command("load_content", "--if-empty", "--epoch", stdout=io.StringIO())


def test_the_bundled_prices_of_epochs_variants_load_and_show(client, made_run):
    page = client.get("/models/?sort=cheapest&category=closed")
    priced = names(page)[:8]
    assert priced[0] == "Claude Haiku 4.5"
    assert set(priced[1:3]) == {"Claude Sonnet 4.5", "Claude Sonnet 4"}
    assert set(priced[3:5]) == {"Claude Opus 4.7", "Claude Opus 4.5"}
    assert set(priced[5:7]) == {"Claude Opus 4.1", "Claude Opus 4"}
    assert priced[7] == "GPT-4"
    assert "$1.00 in · $5.00 out" in row_text(page, "claude-haiku-45")

    text = visible_text(client.get("/models/claude-opus-4/").content)
    assert "$15.00 per million input tokens, $75.00 per million output tokens (US dollars)" in text
    assert (
        "As Anthropic publishes it, read on 4 December 2026. Listed as Claude Opus 4: base input"
    ) in text
    assert "Source: https://platform.claude.com/docs/en/docs/about-claude/pricing" in text
    # Not in Anthropic's table, or only marked deprecated in an older copy: no price.
    for slug in ("claude-35-sonnet", "claude-3-opus"):
        unpriced = visible_text(client.get(f"/models/{slug}/").content)
        assert "No published price recorded." in unpriced
