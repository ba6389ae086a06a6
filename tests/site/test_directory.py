"""The model directory /models/: filters, facet counts, sort orders, pagination, bad input."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from kb.catalogue.filters import FACETS, ModelFilterForm, ModelQuery, facet_choices
from kb.catalogue.models import FACET_COLUMNS, Access, ModelEntry, OpennessGrade, Status
from kb.site.listing import CUBE, Tallied, facets
from tests.support.catalogue import build_catalogue
from tests.support.directory import facet_counts, listed_entry, names, row_text
from tests.support.factories import (
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

Dimension, Grade = OpennessGrade.Dimension, OpennessGrade.Grade


def checked(response, facet):
    inputs = parse(response.content).find_all("input", name=facet)
    return {box["value"] for box in inputs if "checked" in box.attrs and box["value"]}


def form(response, **attrs):
    return parse(response.content).find("form", **attrs)


def has_input(element, **attrs):
    """Whether ``element`` holds an input with exactly these attributes."""
    return any(box.attrs == attrs for box in element.find_all("input"))


@pytest.fixture
def catalogue(db):
    """Five published entries with every kind of known and unknown fact, and a draft."""
    open_source = CategoryFactory(slug="open", name="Open models", short_name="Open", icon="🔓")
    closed = CategoryFactory(slug="closed", name="Closed models", short_name="Closed", icon="🔒")
    acme, bolt, core = (
        OrganizationFactory(slug=slug, name=name)
        for slug, name in (("acme", "Acme"), ("bolt", "Bolt"), ("core", "Core Labs"))
    )
    text = ModalityFactory(slug="text", name="Text", position=1)
    image = ModalityFactory(slug="image", name="Image", position=2)
    rows = [
        # name, category, organization, modalities, release, parameters, OSI, access
        ("Alpha", open_source, acme, [text], (2023, 1, 1), 7_000_000_000, True, Access.WEIGHTS),
        ("beta", open_source, bolt, [text, image], (2024, 5, 1), None, False, Access.BOTH),
        ("Gamma", closed, core, [image], None, 1_000_000_000_000, None, Access.HOSTED),
        ("Delta", closed, core, [text], (2022, 6, 1), 70_000_000_000, False, Access.HOSTED),
        ("Zeta", open_source, acme, [], (2021, 1, 1), 500_000_000, True, ""),
    ]
    # Openness: Alpha all open (100), beta only its weights and their licence (open, but 2 of 9
    # graded: no score), Gamma not graded, Delta all closed (0), Zeta all partial (50).
    grades = {
        "Alpha": {dimension: "open" for dimension in Dimension.values},
        "beta": {"weights": "open", "weights_licence": "open", "api": "unknown"},
        "Delta": {dimension: "closed" for dimension in Dimension.values},
        "Zeta": {dimension: "partial" for dimension in Dimension.values},
    }
    for name, category, organization, modalities, release, parameters, osi, access in rows:
        listed_entry(
            name,
            category=category,
            organization=organization,
            release_date=datetime.date(*release) if release else None,
            parameter_count=parameters,
            licence_name="Some licence" if osi is not None else "",
            licence_osi_approved=osi,
            access=access,
            modalities=modalities,
            grades=grades.get(name),
        )
    draft = ModelEntryFactory(
        name="Epsilon draft", slug="epsilon", category=open_source, organization=bolt
    )
    draft.status = Status.DRAFT
    draft.save()
    draft.modalities.set([text, image])


def test_lists_every_published_entry_with_its_key_facts(client, catalogue):
    page = client.get("/models/")
    assert page.status_code == 200
    assert names(page) == ["Alpha", "beta", "Delta", "Gamma", "Zeta"]
    text = visible_text(page.content)
    assert "5 models" in text
    assert "Epsilon" not in text
    alpha = row_text(page, "alpha")
    for fact in ("Alpha", "Acme", "Open", "Text", "1 Jan 2023", "Some licence", "OSI-approved"):
        assert fact in alpha
    # Its openness tier, from its access and grades (the access itself is on its page).
    assert "Fully open (weights, code and data)" in alpha
    assertInHTML('<a class="model-name" href="/models/alpha/">Alpha</a>', page.content.decode())
    assert parse(page.content).find_all(href="/organizations/acme/")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Proprietary (OpenAI terms of use)", "Proprietary"),
        ("Apache License 2.0", "Apache 2.0"),
        ("MIT License", "MIT"),
        ("BigScience RAIL License v1.0", "BigScience RAIL v1.0"),
        (
            "Apache License 2.0 (Falcon-7B); Falcon-180B TII License (Falcon-180B)",
            "Apache 2.0 / Falcon-180B TII",
        ),
        ("CC BY-NC 4.0", "CC BY-NC 4.0"),
        ("License", "License"),
    ],
)
def test_licences_are_short_in_the_table_and_link_to_their_full_terms(client, db, name, short):
    url = "https://example.org/terms"
    ModelEntryFactory(slug="m", licence_name=name, licence_url=url)
    cell = parse(client.get("/models/").content).find("td", data_label="Licence")
    link = cell.find("a")
    assert (link.text, link["href"]) == (short, url)
    assert link.attrs.get("title") == (name if short != name else None)
    # The model's page names the licence in full.
    assert name in visible_text(client.get("/models/m/").content)


def test_a_licence_without_a_link_keeps_its_full_name(client, db):
    ModelEntryFactory(slug="m", licence_name="Proprietary (Acme terms)", licence_url="")
    cell = parse(client.get("/models/").content).find("td", data_label="Licence")
    assert cell.text.strip() == "Proprietary (Acme terms)"


def test_each_entry_shows_its_openness_score_and_coverage_or_why_it_has_none(client, catalogue):
    page = client.get("/models/")
    assertInHTML(
        '<th scope="col">Openness <span class="muted">0–100</span></th>', page.content.decode()
    )
    alpha = row_text(page, "alpha")  # every dimension open: its tier says so too
    assert "Alpha Acme · Open · Fully open (weights, code and data) 100 out of 100 9 of 9" in alpha
    beta = row_text(page, "beta")
    assert "No score 2 of 9 graded, too few" in beta and "out of 100" not in beta
    assert "0 out of 100 9 of 9 graded" in row_text(page, "delta")
    gamma = row_text(page, "gamma")
    assert "Not graded" in gamma and "out of 100" not in gamma


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_openness=25", ["Alpha", "Zeta"]),
        ("min_openness=75", ["Alpha"]),
        # Not graded, or too few graded, is no score at all.
        ("min_openness=0", ["Alpha", "Delta", "Zeta"]),
        ("min_openness=50&category=open", ["Alpha", "Zeta"]),
        ("min_openness=0&licence=not-osi", ["Delta"]),
        ("sort=openness", ["Alpha", "Zeta", "Delta", "beta", "Gamma"]),  # no score last
        ("sort=openness&min_openness=50", ["Alpha", "Zeta"]),
    ],
)
def test_filter_and_sort_by_openness(client, catalogue, query, expected):
    assert names(client.get(f"/models/?{query}")) == expected


def test_openness_steps_are_counted_under_the_other_filters(client, catalogue):
    page = client.get("/models/")
    assert facet_counts(page, "min_openness") == {"any": 5, "25": 2, "50": 2, "75": 1}
    html = page.content.decode()
    assertInHTML(
        '<input type="radio" name="min_openness" value="" id="f-min_openness-any" checked>', html
    )
    assertInHTML('<span class="facet-label">At least 75</span>', html)
    filtered = client.get("/models/?category=closed&min_openness=50")
    assert names(filtered) == []
    assert facet_counts(filtered, "min_openness") == {"any": 2, "50": 0}
    assert checked(filtered, "min_openness") == {"50"}
    # The facets count under the least score too.
    assert facet_counts(filtered, "category") == {"open": 2, "closed": 0}


def test_a_score_from_a_shared_link_is_offered_ticked(client, catalogue):
    page = client.get("/models/?min_openness=40")
    assert names(page) == ["Alpha", "Zeta"]
    assert checked(page, "min_openness") == {"40"}
    assert facet_counts(page, "min_openness") == {"any": 5, "25": 2, "40": 2, "50": 2, "75": 1}


def test_sorting_keeps_the_least_openness_score(client, catalogue):
    sort_form = form(client.get("/models/?min_openness=50&sort=openness"), class_="sort-form")
    assert has_input(sort_form, type="hidden", name="min_openness", value="50")
    (option,) = sort_form.find_all("option", value="openness")
    assert (option.attrs, option.text) == (
        {"value": "openness", "selected": ""},
        "Openness score, most open first",
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "category=closed",
        "organization=acme&organization=core",
        "modality=text&modality=image",
        "access=hosted&access=unknown",
        "licence=osi&licence=unknown",
        "min_openness=25&sort=newest",
        "sort=openness",
        "sort=smallest&category=open",
        "sort=oldest&access=",
        "year=2024&sort=openness",
    ],
)
def test_the_api_and_the_downloads_list_what_the_directory_lists(client, catalogue, query):
    listed = [name.lower() for name in names(client.get(f"/models/?{query}"))]
    api = client.get(f"/api/models/?{query}")
    assert api.status_code == 200, api.content
    assert [record["slug"] for record in api.json()["results"]] == listed
    download = client.get(f"/models.json?{query}").json()["results"]
    assert [record["slug"] for record in download] == listed


def test_unknown_facts_read_not_published_never_zero(client, catalogue):
    page = client.get("/models/?organization=core")
    gamma = row_text(page, "gamma")
    assert "Not published" in gamma  # release date, context window, licence
    assert " 0 " not in f" {gamma} "


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=closed", ["Delta", "Gamma"]),
        ("organization=acme", ["Alpha", "Zeta"]),
        ("organization=acme&organization=core", ["Alpha", "Delta", "Gamma", "Zeta"]),
        ("modality=image", ["beta", "Gamma"]),
        # Choices within a facet are alternatives; beta has both and is listed once.
        ("modality=text&modality=image", ["Alpha", "beta", "Delta", "Gamma"]),
        ("access=hosted", ["Delta", "Gamma"]),
        ("access=both", ["beta"]),
        ("access=unknown", ["Zeta"]),
        ("licence=osi", ["Alpha", "Zeta"]),
        ("licence=not-osi", ["beta", "Delta"]),
        ("licence=unknown", ["Gamma"]),
        ("licence=osi&licence=unknown", ["Alpha", "Gamma", "Zeta"]),
        # Across facets every filter applies.
        ("category=open&licence=not-osi", ["beta"]),
        ("category=closed&modality=text&access=hosted", ["Delta"]),
        ("category=closed&organization=acme", []),
        # The release year (the timeline's links): undated entries are in no year.
        ("year=2023", ["Alpha"]),
        ("year=2022&category=closed", ["Delta"]),
        ("year=2022&category=open", []),
        ("year=2025", []),
    ],
)
def test_filters(client, catalogue, query, expected):
    page = client.get(f"/models/?{query}")
    assert page.status_code == 200
    assert names(page) == expected
    if not expected:
        assert "No models match all of these filters." in visible_text(page.content)


def test_ticked_choices_stay_ticked(client, catalogue):
    page = client.get("/models/?category=open&modality=text&licence=osi")
    assert checked(page, "category") == {"open"}
    assert checked(page, "modality") == {"text"}
    assert checked(page, "licence") == {"osi"}
    assert checked(page, "organization") == set()


def test_facet_counts_without_filters(client, catalogue):
    page = client.get("/models/")
    assert facet_counts(page, "category") == {"open": 3, "closed": 2}
    assert facet_counts(page, "organization") == {"acme": 2, "bolt": 1, "core": 2}
    assert facet_counts(page, "modality") == {"text": 3, "image": 2}
    assert facet_counts(page, "access") == {"weights": 1, "hosted": 2, "both": 1, "unknown": 1}
    assert facet_counts(page, "licence") == {"osi": 2, "not-osi": 2, "unknown": 1}


def test_each_facet_counts_under_the_other_facets_filters(client, catalogue):
    page = client.get("/models/?category=closed&modality=text")
    assert names(page) == ["Delta"]
    # Category ignores its own filter (how many ticking each would give), not modality's.
    assert facet_counts(page, "category") == {"open": 2, "closed": 1}
    # Modality ignores its own filter, not category's.
    assert facet_counts(page, "modality") == {"text": 1, "image": 1}
    # The others apply both; choices that would match nothing are left out.
    assert facet_counts(page, "organization") == {"core": 1}
    assert facet_counts(page, "access") == {"hosted": 1}
    assert facet_counts(page, "licence") == {"not-osi": 1}


def test_a_ticked_choice_matching_nothing_still_shows_with_zero(client, catalogue):
    page = client.get("/models/?category=closed&organization=acme")
    assert facet_counts(page, "organization") == {"acme": 0, "core": 2}
    assert checked(page, "organization") == {"acme"}


def test_drafts_count_nowhere(client, catalogue):
    page = client.get("/models/?organization=bolt")
    assert names(page) == ["beta"]
    assert facet_counts(page, "modality") == {"text": 1, "image": 1}
    assert facet_counts(client.get("/models/"), "organization")["bolt"] == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "beta", "Delta", "Gamma", "Zeta"]),
        ("newest", ["beta", "Alpha", "Delta", "Zeta", "Gamma"]),
        ("oldest", ["Zeta", "Delta", "Alpha", "beta", "Gamma"]),
        ("largest", ["Gamma", "Delta", "Alpha", "Zeta", "beta"]),
        ("smallest", ["Zeta", "Alpha", "Delta", "Gamma", "beta"]),
    ],
)
def test_sort_orders_put_unknown_last(client, catalogue, sort, expected):
    page = client.get(f"/models/?sort={sort}")
    assert names(page) == expected
    assert [option.attrs for option in parse(page.content).find_all("option", value=sort)] == [
        {"value": sort, "selected": ""}
    ]


def test_a_to_z_ignores_case_accents_and_leading_punctuation(client, db):
    """The Epoch catalogue's "(ensemble): AWD-LSTM-DOC ..." sorts under E, not before 0-9 and A;
    on both engines (SQLite's LOWER() folds ASCII only)."""
    for name in [
        "(ensemble): AWD-LSTM",
        "Zeta",
        "éclair",
        "“Quoted” model",
        "4 layer QRNN",
        "Delta",
    ]:
        ModelEntryFactory(name=name)
    assert names(client.get("/models/")) == [
        "4 layer QRNN",
        "Delta",
        "éclair",
        "(ensemble): AWD-LSTM",
        "“Quoted” model",
        "Zeta",
    ]
    assert names(client.get("/models/?sort=newest"))[0] == "4 layer QRNN"


def test_sorting_keeps_the_filters(client, catalogue):
    page = client.get("/models/?category=open&sort=newest")
    assert names(page) == ["beta", "Alpha", "Zeta"]
    # The sort form carries the filters, the filter form carries the sort order.
    sort_form = form(page, class_="sort-form")
    assert has_input(sort_form, type="hidden", name="category", value="open")
    filter_form = form(page, class_="filter-form")
    assert has_input(filter_form, type="hidden", name="sort", value="newest")


@pytest.mark.parametrize(
    ("query", "message", "expected"),
    [
        ("organization=nope", "No organization “nope”; that filter was left out.", 5),
        ("category=open&category=gone", "No category “gone”; that filter was left out.", 3),
        ("modality=smell", "No modality “smell”; that filter was left out.", 5),
        ("access=free", "No access “free”; that filter was left out.", 5),
        ("licence=gpl", "No licence “gpl”; that filter was left out.", 5),
        ("sort=bogus", "No sort order “bogus”; sorted by name instead.", 5),
        ("page=abc", "No page “abc”; showing the first page.", 5),
        ("page=0", "No page “0”; showing the first page.", 5),
        ("page=99", "There is no page 99; showing page 1 of 1.", 5),
        ("per_page=7", "Page size “7” is not offered; showing 20 a page.", 5),
        ("min_openness=lots", "No openness score “lots”; that filter was left out.", 5),
        ("min_openness=101", "No openness score “101”; that filter was left out.", 5),
        ("year=soon", "No release year “soon”; that filter was left out.", 5),
        ("year=20233", "No release year “20233”; that filter was left out.", 5),
    ],
)
def test_bad_parameters_give_a_normal_page_with_a_message(
    client, catalogue, query, message, expected
):
    page = client.get(f"/models/?{query}")
    assert page.status_code == 200
    assert message in visible_text(page.content)
    assert len(names(page)) == expected


def test_visitor_input_in_messages_is_escaped(client, catalogue):
    page = client.get("/models/?organization=<script>alert(1)</script>")
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_compare_checkboxes_submit_to_the_comparison(client, catalogue):
    picker = form(client.get("/models/"), method="get", action="/compare/models/")
    boxes = [box["value"] for box in picker.find_all("input", type="checkbox", name="m")]
    assert boxes == ["alpha", "beta", "delta", "gamma", "zeta"]
    (label,) = picker.find_all("label", for_="pick-alpha")
    assert (label.attrs, label.text) == (
        {"for": "pick-alpha", "class": "visually-hidden"},
        "Compare Alpha",
    )


def test_the_filter_form_is_a_plain_get_form(client, catalogue):
    page = client.get("/models/")
    assert form(page, method="get", action="/models/", class_="filter-form")
    assertInHTML(
        '<button type="submit" class="button">Apply filters</button>', page.content.decode()
    )


@pytest.fixture
def many(db):
    category = CategoryFactory(slug="open")
    organization = OrganizationFactory()
    for number in range(45):
        ModelEntryFactory(name=f"Model {number:02}", category=category, organization=organization)
    ModelEntryFactory(name="Other", category=CategoryFactory(slug="other"))


def test_pagination_pages_and_keeps_the_filters(client, many):
    first = client.get("/models/?category=open")
    assert names(first) == [f"Model {number:02}" for number in range(20)]
    text = visible_text(first.content)
    assert "45 models · showing 1–20" in text
    html = first.content.decode()
    assert 'href="?category=open&amp;page=2" rel="next"' in html
    assert 'href="?category=open&amp;page=3"' in html
    last = client.get("/models/?category=open&page=3")
    assert names(last) == [f"Model {number:02}" for number in range(40, 45)]
    assert 'href="?category=open&amp;page=2" rel="prev"' in last.content.decode()
    assert 'aria-current="page">3</a>' in last.content.decode()


def test_page_past_the_end_shows_the_last_page(client, many):
    page = client.get("/models/?page=12")
    assert page.status_code == 200
    assert "There is no page 12; showing page 3 of 3." in visible_text(page.content)
    assert names(page)[0] == "Model 40"


@pytest.mark.parametrize("size", [50, 100])
def test_page_size_is_bounded_to_the_offered_sizes(client, many, size):
    page = client.get(f"/models/?per_page={size}")
    assert len(names(page)) == 46
    assert not page.context["page"].has_other_pages()


@pytest.mark.parametrize("count", [10, 200])
def test_query_count_does_not_grow_with_entries(client, django_assert_num_queries, count):
    build_catalogue(count)
    # Three facet choice lists; counted from the entries (a modality is ticked, which the
    # tallies do not count the other facets by): the facets of few values (one query), the
    # organizations, the openness steps, the memory steps, the count; the modalities from
    # their tally; the price steps; the page, its modalities and its API prices.
    with django_assert_num_queries(13):
        page = client.get("/models/?modality=text&sort=largest&licence=osi&licence=not-osi")
    assert page.status_code == 200
    assert names(page)


def test_query_count_of_the_plain_directory(client, django_assert_num_queries):
    build_catalogue(30)
    # Three facet choice lists; the three tallies (every count, the total too); the price
    # steps; the page, its modalities and its API prices.
    with django_assert_num_queries(10):
        assert client.get("/models/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "category=%00",
        "organization=%E2%80%AE%F0%9F%94%93",
        "modality=" + "x" * 5000,
        "page=-1",
        "page=1e5",
        "page=99999999999999999999999999",
        "per_page=100000",
        "sort=%00",
        "sort=name&sort=newest&sort=bogus",
        "min_openness=%00",
        "min_openness=-5",
        "min_openness=1e400",
    ],
)
def test_odd_input_never_breaks_the_page(client, catalogue, query):
    page = client.get(f"/models/?{query}")
    assert page.status_code == 200
    assert names(page)


def test_facets_count_within_the_year_and_the_year_stays_in_the_forms(client, catalogue):
    page = client.get("/models/?year=2024&sort=newest")
    assert names(page) == ["beta"]
    assert facet_counts(page, "category") == {"open": 1}
    assert facet_counts(page, "min_openness") == {"any": 1}
    assert has_input(
        form(page, class_="filter-form"),
        type="number",
        name="year",
        id="f-year",
        inputmode="numeric",
        min="1900",
        max="2100",
        value="2024",
        **{"aria-describedby": "f-year-help"},
    )
    assert has_input(form(page, class_="sort-form"), type="hidden", name="year", value="2024")


@pytest.mark.parametrize("year", ["soon", "1899", "2101", "2023.5"])
def test_the_api_refuses_a_bad_year_with_a_400_saying_so(client, catalogue, year):
    response = client.get(f"/api/models/?year={year}")
    assert response.status_code == 400
    assert "year" in response.json()["detail"]


COMBINATIONS = [
    {},
    {"category": 0},
    {"access": ["weights", "unknown"], "licence": ["osi"]},
    {"category": 1, "openness": ["unknown"], "status": ["unknown"]},
    {"organization": 1, "modality": ["image"], "access": ["hosted", "both"]},
    {"modality": ["text", "code"], "licence": ["not-osi", "unknown"], "year": 2020},
    {"category": 0, "memory_gb": 8, "memory_bits": 16},
    {"category": 1, "min_openness": 50},  # no entry has enough grades for a score: 0 each
    {"max_input_price": 12, "organization": 2},
]


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_every_facet_count_is_the_number_listed_when_its_choice_is_ticked(db, combination):
    """The counts come from grouped queries (kb.site.listing); each must equal the number of
    entries the directory lists with that choice ticked in place of the facet's own and the
    other filters kept, counted here one choice at a time."""
    entries = build_catalogue(40)
    categories = sorted({entry.category.slug for entry in entries})
    organizations = sorted({entry.organization.slug for entry in entries})
    selected = {spec.name: [] for spec in FACETS}
    limits = {}
    for name, value in combination.items():
        if name == "category":
            selected[name] = [categories[value]]
        elif name == "organization":
            selected[name] = [organizations[value]]
        elif name in selected:
            selected[name] = value
        else:
            limits[name] = Decimal(value) if name == "max_input_price" else value
    query = ModelQuery(selected=selected, **limits)
    choices = facet_choices()
    published = ModelEntry.objects.published()
    checked = 0
    for facet in facets(query, choices)[: len(FACETS)]:
        for option in facet.options:
            alone = ModelQuery(selected={**selected, facet.name: [option.value]}, **limits)
            assert option.count == alone.apply(published).distinct().count(), (
                facet.name,
                option.value,
            )
            checked += 1
        listed = {value for value, _ in choices[facet.name]} - {o.value for o in facet.options}
        for value in listed:  # a choice left out matches nothing
            alone = ModelQuery(selected={**selected, facet.name: [value]}, **limits)
            assert not alone.apply(published).exists(), (facet.name, value)
    assert checked


@pytest.mark.django_db(False)
def test_the_facets_counted_together_follow_the_index_order():
    """The grouped query reads the index entry_facets alone when it groups in its order."""
    specs = {spec.name: spec for spec in FACETS}
    assert [specs[name].group_by for name in CUBE] == FACET_COLUMNS


TALLIED_QUERIES = [
    "",
    "category={category}",
    "category={category}&min_openness=50&sort=openness",
    "min_openness=25",
    "min_openness=75&access=weights&access=both",
    "memory_gb=16&memory_bits=8",
    "memory_gb=8&memory_bits=16&min_openness=25&licence=osi",
    "memory_gb=80&memory_bits=4&status=unknown",
    "organization={organization}",
    "organization={organization}&min_openness=25",
    "modality=text",
    "modality=text&modality=image&openness=unknown",
    "modality=code&memory_gb=24",
    # Filters the tallies do not count by: counted from the entries, in whole or in part.
    "year=2020",
    "max_input_price=5",
    "min_openness=30",
    "memory_gb=12&memory_bits=8",
    "organization={organization}&modality=text",
]


def scored_and_sized_entries():
    """Entries with scores reaching each step and weights on each side of the memory steps."""
    text = ModalityFactory(slug="text", name="Text")
    grades = [Grade.OPEN] * 9, [Grade.OPEN] * 5 + [Grade.CLOSED] * 4, [Grade.PARTIAL] * 9
    for number, (letters, parameters) in enumerate(
        zip(
            grades * 3,
            (4 * 10**9, 4 * 10**9 + 1, 16 * 10**9, 33 * 10**9, 200 * 10**9) * 2,
            strict=False,
        )
    ):
        listed_entry(
            f"Sized-{number}",
            modalities=[text],
            access=[Access.WEIGHTS, Access.BOTH, Access.HOSTED][number % 3],
            parameter_count=parameters,
            grades=dict(zip(Dimension, letters, strict=True)),
            licence_osi_approved=[True, None][number % 2],
        )


@pytest.mark.parametrize("template", TALLIED_QUERIES)
def test_the_tallies_count_what_the_entries_count(db, template):
    """Every count the tallies give equals the count made from the entries, the total too; and
    for the queries they can answer, they answered (nothing is left for the entries to count)."""
    entries = build_catalogue(40)
    scored_and_sized_entries()
    values = {
        "category": entries[0].category.slug,
        "organization": entries[0].organization.slug,
    }
    choices = facet_choices()
    query = ModelFilterForm(QueryDict(template.format(**values)), choices=choices).query()
    tallied = Tallied.of(query, choices)
    assert facets(query, choices, tallied) == facets(query, choices)
    matching = query.apply(ModelEntry.objects.published()).count()
    assert tallied.total in (None, matching)
    answered = set(tallied.facets)
    if template in TALLIED_QUERIES[:13]:
        expected = {spec.name for spec in FACETS}
        if "organization=" in template:
            expected -= {*CUBE, "modality"}
        if "modality=" in template:
            expected -= {*CUBE, "organization"}
        assert answered == expected
        assert (tallied.total is not None) == (
            "organization=" not in template and "modality=" not in template
        )
    if template in TALLIED_QUERIES[13:16]:
        assert not answered and tallied.total is None


def test_the_directory_counts_from_the_tallies_not_the_entries(client):
    """Its counts read the tallies (a few rows each), not the entries: nothing counts entries
    but the price steps, over the few entries with a price."""
    category = build_catalogue(30)[0].category.slug
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/models/?category={category}&min_openness=25")
    assert page.status_code == 200 and not page.context["notices"]
    counting = [
        query["sql"]
        for query in queries
        if 'FROM "kb_modelentry"' in query["sql"]
        and ("COUNT(" in query["sql"] or "MIN(" in query["sql"])
    ]
    assert len(counting) == 1 and "kb_apiprice" in counting[0]
    assert sum("kb_entrytally" in query["sql"] for query in queries) == 1


def test_facet_choices_show_names_as_text(client):
    """The facets' choices are written by a tag (kb_tags.facet_options): a name is text there,
    whatever it holds."""
    name = "<img src=x onerror=alert(1)> \"Quotes\" & 'apostrophes'"
    ModelEntryFactory(organization=OrganizationFactory(name=name, slug="odd"))
    page = parse(client.get("/models/").content)
    label = page.find("label", **{"for": "f-organization-odd"})
    assert label.find("span", class_="facet-label").text == name
    assert page.find("input", id="f-organization-odd")["value"] == "odd"
    assert not page.find_all("img")
