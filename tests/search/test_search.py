"""The search page: ranking, highlighting, facets, pages, spelling help and messages.

One suite for both engines: it runs on whichever database the tests run on (SQLite by default,
PostgreSQL when DATABASE_URL points at it; CI runs both).
"""

import re

import pytest
from django.db import connection

from kb.catalogue.models import Category, Modality, ModelEntry, Status
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModelEntryFactory,
    ProConFactory,
)
from tests.support.search_pages import (
    hits,
    search,
    searching_overhead,
    synonyms_kept,
    titles,
)
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


# Ranking on the bundled content.


def test_mistral_finds_mistral_then_mixtral(client, seed):
    found = hits(search(client, "mistral"))
    assert found[0]["title"] == "Mistral"
    assert [hit["title"] for hit in found if hit["kind"].startswith("Model")] == [
        "Mistral",
        "Mixtral",
    ]


def test_a_misspelled_name_finds_the_model_and_says_what_was_meant(client, seed):
    page = search(client, "mixtrl")
    assert titles(page)[0] == "Mixtral"
    assert "No results for “mixtrl”. Did you mean mixtral ? Showing its results." in visible_text(
        page.content
    )
    assert 'href="?q=mixtral"' in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "meant"), [("gemni", "Gemini"), ("clade", "Claude"), ("mistrall", "Mistral")]
)
def test_other_misspellings_find_the_model(client, seed, typed, meant):
    assert titles(search(client, typed))[0] == meant


def test_api_finds_the_closed_models_material(client, seed):
    found = hits(search(client, "api"))
    # The category's pro "Easier to use (via API or UI)" finds its page, quoted.
    (category,) = [hit for hit in found if hit["kind"] == "Category"]
    assert category["title"] == "Closed (proprietary) models"
    assert category["snippet"] == "Easier to use (via <mark>API</mark> or UI)"
    models = [hit["title"] for hit in found if hit["kind"].startswith("Model")]
    assert sorted(models) == ["Claude", "GPT-4", "Gemini", "Sora"]
    assert all("Closed" in hit["kind"] for hit in found if hit["kind"] != "Category")


def test_video_finds_sora_first_of_the_models(client, seed):
    found = hits(search(client, "video"))
    assert [hit["title"] for hit in found if hit["kind"].startswith("Model")][0] == "Sora"


def test_a_half_typed_word_finds_what_it_starts(client, seed):
    assert titles(search(client, "mixt"))[0] == "Mixtral"
    assert titles(search(client, "stable diff"))[0] == "Stable Diffusion"


def test_an_exact_model_name_comes_first(client, seed):
    ArticleFactory(title="Gemini Gemini: Gemini reviewed", lede="Gemini, Gemini and Gemini.")
    assert titles(search(client, "gemini"))[:2] == ["Gemini", "Gemini Gemini: Gemini reviewed"]


def test_title_matches_come_before_body_matches(client, db):
    ArticleFactory(title="About licences", body="Falcon " * 30)
    ModelEntryFactory(name="Falcon Small", summary="Small.")
    assert titles(search(client, "falcon")) == ["Falcon Small", "About licences"]


def test_case_and_accents_fold(client, db):
    ModelEntryFactory(name="Café Noir", summary="Un modèle français.")
    assert titles(search(client, "CAFE noir")) == ["Café Noir"]
    assert titles(search(client, "modele")) == ["Café Noir"]


def test_words_are_stemmed(client, db):
    ModelEntryFactory(name="Painter", summary="Generates images from descriptions.")
    assert titles(search(client, "generating image")) == ["Painter"]


def test_phrases_and_exclusions(client, db):
    ModelEntryFactory(name="First", summary="An open weights model.")
    ModelEntryFactory(name="Second", summary="Weights are open to researchers.")
    assert titles(search(client, '"open weights"')) == ["First"]
    assert titles(search(client, "open weights -researchers")) == ["First"]


def test_model_names_with_punctuation(client, seed):
    assert titles(search(client, "GPT-4"))[0] == "GPT-4"


# What is searched.


def test_entries_are_found_by_organization_modality_and_licence(client, seed):
    assert titles(search(client, "stability"))[0] == "Stable Diffusion"
    assert titles(search(client, "CreativeML"))[0] == "Stable Diffusion"
    assert "Gemini" in titles(search(client, "audio"))


def test_article_body_is_searched_without_markdown_syntax(client, db):
    ArticleFactory(title="Notes", body="## Heading\n\nSee [the **quokka** page](https://x.org/y).")
    found = hits(search(client, "quokka"))
    assert [hit["title"] for hit in found] == ["Notes"]
    assert found[0]["snippet"].startswith("Heading See the <mark>quokka</mark> page")
    assert titles(search(client, "https")) == []


def test_a_pro_or_con_is_found_as_part_of_its_owners_page(client, seed):
    # The category's page, and the seed article, which lists its cons ([[cons open-source]]).
    found, article = hits(search(client, "misinformation"))
    assert article["title"] == "Open-Source vs Closed Models"
    assert found["title"] == "Open-source models"
    assert found["url"] == "/categories/open-source/"
    assert "Can raise concerns if misused (e.g., <mark>misinformation</mark>)" in found["snippet"]
    entry = ModelEntry.objects.get(slug="sora")
    ProConFactory(category=None, entry=entry, kind="con", text="Watermarks can be cropped")
    ProConFactory(category=None, entry=entry, kind="pro", text="Watermarks on every frame")
    # One result for the page, however many of its points match.
    (found,) = hits(search(client, "watermarks"))
    assert found["url"] == "/models/sora/"
    assert found["kind"] == "Model · OpenAI · Closed (proprietary) models"
    assert "<mark>Watermarks</mark> can be cropped" in found["snippet"]


def test_drafts_never_appear(client, db):
    ArticleFactory(title="Secret quokka plans", status=Status.DRAFT)
    draft = ModelEntryFactory(name="Quokka Draft", status=Status.DRAFT)
    ProConFactory(category=None, entry=draft, text="A quokka con")
    assert titles(search(client, "quokka")) == []
    assert "Quokka" not in client.get("/search/suggest/?q=quok").content.decode()


def test_staff_do_not_see_drafts_in_search_either(editor_client, db):
    ArticleFactory(title="Secret quokka plans", status=Status.DRAFT)
    assert titles(search(editor_client, "quokka")) == []


# Highlighting and escaping.


def test_matched_words_are_marked(client, seed):
    found = hits(search(client, "sparse experts"))
    assert found[0]["title"] == "Mixtral"
    assert "<mark>sparse</mark>" in found[0]["snippet"]
    assert "<mark>experts</mark>" in found[0]["snippet"]


def test_a_snippet_cannot_inject_markup(client, db):
    ModelEntryFactory(
        name="Injector <b>bold</b>",
        summary='<script>alert("x")</script> <mark>fake</mark> quokka <img src=x onerror=alert(1)>',
    )
    page = search(client, "quokka")
    html = page.content.decode()
    for markup in ("<script>alert", "<img src=x", "<mark>fake", "<b>bold"):
        assert markup not in html
    assert "Injector &lt;b&gt;bold&lt;/b&gt;" in html
    [hit] = hits(page)
    assert hit["snippet"].count("<mark>") == 1
    assert "<mark>quokka</mark>" in hit["snippet"]


def test_text_cannot_forge_the_highlight_markers(client, db):
    ModelEntryFactory(name="Forger", summary="\ue000fake\ue001 quokka")
    found = hits(search(client, "quokka"))
    assert found[0]["snippet"] == "fake <mark>quokka</mark>"


def test_the_query_is_escaped_wherever_it_is_shown(client, seed):
    html = search(client, "<b>mistral</b>").content.decode()
    assert "<b>mistral" not in html
    assert "&lt;b&gt;mistral&lt;/b&gt;" in html


# Facets.


def facet(response, name):
    """The options of one facet: label and count, selected or not, and their links."""
    return response.context["facets"][[f.name for f, _ in response.context["facets"]].index(name)]


def options(response, name):
    _, links = facet(response, name)
    return [(o.label, o.count, o.selected) for o, _ in links]


def test_facets_count_by_type_category_and_organization(client, seed):
    page = search(client, "api")
    text = visible_text(page.content)
    assert "8 results for “api”" in text
    assert "Type Models (4) Articles (2) Categories (1) Comparisons (1)" in text
    assert "Category Open-source models (3)" in text
    assert "Organization OpenAI (2) Anthropic (1) Google (1)" in text


def test_facets_that_every_result_shares_are_not_offered(client, db):
    """Choosing the organization every result shares would change nothing, nor would the
    type when all are models: only the category, which tells them apart, is offered."""
    first = ModelEntryFactory(name="Quokka 0")
    ModelEntryFactory(name="Quokka 1", category=first.category, organization=first.organization)
    ModelEntryFactory(name="Quokka 2", organization=first.organization)
    page = search(client, "quokka")
    assert [f.name for f, _ in page.context["facets"]] == ["category"]
    assert f"{first.organization.name} (3)" not in visible_text(page.content)


def test_a_chosen_filter_stays_offered_so_it_can_be_removed(client, seed):
    page = search(client, "mistral", organization="mistral-ai")
    assert options(page, "organization") == [("Mistral AI", 2, True)]
    assert "Mistral AI (2) remove filter" in visible_text(page.content)


def test_with_one_kind_of_result_no_filter_panel_is_shown(client, db):
    first = ModelEntryFactory(name="Quokka 0")
    for n in (1, 2):
        ModelEntryFactory(
            name=f"Quokka {n}", category=first.category, organization=first.organization
        )
    page = search(client, "quokka")
    assert page.context["facets"] == []
    assert "Filter results" not in visible_text(page.content)
    assert titles(page) == ["Quokka 0", "Quokka 1", "Quokka 2"]


def test_choosing_a_facet_filters_the_results(client, seed):
    page = search(client, "mistral")
    _, links = facet(page, "type")
    href = dict((o.value, h) for o, h in links)["model"]
    assert href == "?q=mistral&type=model"
    filtered = client.get(f"/search/{href}")
    assert titles(filtered) == ["Mistral", "Mixtral"]
    assert options(filtered, "type") == [("Models", 2, True)]
    assert "2 results for “mistral”" in visible_text(filtered.content)
    selected = dict((o.value, h) for o, h in facet(filtered, "type")[1])["model"]
    assert selected == "?q=mistral"


def test_category_and_organization_filters(client, seed):
    # The comparison's Access row compares open-source with closed models ("API ... only"); the
    # numbers' article says how it counts API-only models.
    assert sorted(titles(search(client, "api", category="open-source"))) == [
        "Compare the categories",
        "Open-Source vs Closed Models",
        "The two worlds in numbers",
    ]
    assert sorted(titles(search(client, "openai", organization="openai"))) == ["GPT-4", "Sora"]
    assert options(search(client, "openai", organization="openai"), "organization") == [
        ("OpenAI", 2, True)
    ]


def test_a_filter_without_results_offers_to_drop_it(client, seed):
    page = search(client, "sora", type="article", organization="meta")
    assert titles(page) == []
    assert "No results for “sora” with these filters. Search without filters" in visible_text(
        page.content
    )


# Pages and sizes.


@pytest.fixture
def many(db):
    category = Category.objects.create(name="Zoo", short_name="Zoo", slug="zoo")
    for n in range(25):
        ModelEntryFactory(name=f"Quokka {n:02d}", slug=f"quokka-{n}", category=category)


def test_results_are_paginated(client, many):
    first = search(client, "quokka")
    assert len(titles(first)) == 20
    assert "25 results for “quokka”" in visible_text(first.content)
    assert "Page 1 of 2" in visible_text(first.content)
    second = search(client, "quokka", page=2)
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert 'href="?q=quokka&amp;page=1" rel="prev"' in second.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, many):
    page = search(client, "quokka", page=400)
    assert "Page 2 of 2" in visible_text(page.content)


def test_the_page_size_can_be_chosen_within_bounds(client, many):
    assert len(titles(search(client, "quokka", size=5))) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("page=0", "Page: Ensure this value is greater than or equal to 1."),
        ("page=abc", "Page: Enter a whole number."),
        ("page=100000", "Page: Ensure this value is less than or equal to 500."),
        ("size=1000", "Size: Ensure this value is less than or equal to 50."),
        ("type=secret", "Type: Select a valid choice."),
        ("category=no%20slug", "Category: Enter a valid “slug”"),
        ("q=a%00b", "Null characters are not allowed."),
    ],
)
def test_bad_parameters_get_a_clear_message(client, many, params, message):
    response = client.get(f"/search/?{params}")
    assert response.status_code == 400
    assert message in visible_text(response.content)


def test_pages_keep_title_matches_first_and_show_each_match_once(client, db):
    for n in range(3):
        ArticleFactory(title=f"Quokka notes {n}", body="Small.")
    for n in range(30):
        ArticleFactory(title=f"Marsupials {n:02d}", body="A quokka, " * (n % 5 + 1))
    first = titles(search(client, "quokka"))
    second = titles(search(client, "quokka", page=2))
    assert sorted(first[:3]) == ["Quokka notes 0", "Quokka notes 1", "Quokka notes 2"]
    assert len(first) == 20
    assert len(second) == 13
    assert len(set(first + second)) == 33


def test_a_broad_query_lists_title_matches_then_the_others_newest_first(client, db, monkeypatch):
    monkeypatch.setattr("kb.search.engine.EXACT_LIMIT", 10)
    for n in range(2):
        ArticleFactory(title=f"Quokka notes {n}", body="Small.")
    for n in range(62):  # 64 documents in all: a sample by id always holds 4 of them
        ArticleFactory(title=f"Marsupials {n:02d}", body="A quokka, " * (n % 5 + 1))
    pages = [titles(search(client, "quokka", page=page)) for page in (1, 2, 3, 4)]
    assert "About 64 results for “quokka”" in visible_text(search(client, "quokka").content)
    assert sorted(pages[0][:2]) == ["Quokka notes 0", "Quokka notes 1"]
    listed = pages[0][2:] + pages[1] + pages[2] + pages[3]
    assert listed == [f"Marsupials {n:02d}" for n in range(61, -1, -1)]


def test_too_many_title_matches_to_rank_list_the_exact_name_then_the_newest(
    client, db, monkeypatch
):
    monkeypatch.setattr("kb.search.engine.EXACT_LIMIT", 10)
    monkeypatch.setattr("kb.search.engine.MIN_SAMPLE", 1)
    ModelEntryFactory(name="Quokka")
    for n in range(63):
        ModelEntryFactory(name=f"Quokka {n:02d}")
    listed = [name for page in (1, 2, 3, 4) for name in titles(search(client, "quokka", page=page))]
    assert listed == ["Quokka"] + [f"Quokka {n:02d}" for n in range(62, -1, -1)]


@pytest.mark.parametrize("min_sample", [1, 100])  # the first sample enough, or a larger one
def test_counts_of_many_matches_are_estimated_and_said_to_be(client, db, monkeypatch, min_sample):
    monkeypatch.setattr("kb.search.engine.EXACT_LIMIT", 10)
    monkeypatch.setattr("kb.search.engine.MIN_SAMPLE", min_sample)
    category = CategoryFactory()  # one category document, not one between each entry's
    for n in range(64):
        ModelEntryFactory(name=f"Quokka {n:02d}", category=category)
    for n in range(64):
        ArticleFactory(title=f"Quokka article {n:02d}")
    page = search(client, "quokka")
    text = visible_text(page.content)
    assert re.search(r"About 1\d\d results for “quokka”", text), text
    assert re.search(
        r"Type (Models|Articles) \(about \d+\) (Models|Articles) \(about \d+\)", text
    ), text
    assert re.search(r"Page 1 of about \d+", text), text
    assert len(titles(page)) == 20


# Messages and the empty state.


def test_an_empty_search_suggests_browsing(client, db):
    text = visible_text(search(client, "").content)
    assert "Browse instead: the model directory" in text
    html = search(client, "").content.decode()
    assert 'href="/models/"' in html
    assert 'href="/articles/"' in html


def test_no_results_suggests_browsing(client, seed):
    page = search(client, "xylophone")
    assert "No results for “xylophone”." in visible_text(page.content)
    assert 'href="/models/"' in page.content.decode()


def test_a_search_of_stop_words_only_says_so(client, seed):
    page = search(client, "the of and")
    assert "“the of and” has no words to search for." in visible_text(page.content)


def test_a_long_search_is_shortened_with_a_message(client, seed):
    page = search(client, "mistral " + "x" * 300)
    assert "Your search was long, so only its first 200 characters were used." in visible_text(
        page.content
    )


# Database work per page.


@pytest.mark.parametrize("entries", [0, 30])
def test_the_results_page_needs_six_queries_whatever_the_size(
    client, seed, entries, django_assert_num_queries
):
    for n in range(entries):
        ModelEntryFactory(name=f"Mistral fine-tune {n}")
    # Counts in a sample; counts by facet of the matches (up to a limit); title matches;
    # whether the query names a family with variants; the page in order; its rows.
    synonyms_kept()
    expected = 6 + searching_overhead()
    with django_assert_num_queries(expected):
        search(client, "mistral")
    with django_assert_num_queries(expected):
        search(client, "mistral", page=2)
    # Facet filters: whether anything matches at all first, then the same counts in the filtered.
    with django_assert_num_queries(expected + 1):
        search(client, "mistral", type="model", organization="mistral-ai", category="open-source")


def test_a_broad_query_goes_over_its_matches_once(
    client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("kb.search.engine.EXACT_LIMIT", 10)
    monkeypatch.setattr("kb.search.engine.MIN_SAMPLE", 1)
    for n in range(64):
        ArticleFactory(title=f"Marsupials {n:02d}", body="A quokka.")
    synonyms_kept()
    # Counts in a sample, which holds enough; title matches; whether the query names a family
    # with variants; the others, newest first; rows.
    with django_assert_num_queries(5 + searching_overhead()):
        page = search(client, "quokka")
    assert "About 64 results for “quokka”" in visible_text(page.content)


def test_a_misspelled_search_needs_ten_queries(client, seed, django_assert_num_queries):
    synonyms_kept()
    search(client, "mixtrl")  # SQLite keeps the words of a first letter for the content version
    # As typed, as a prefix and corrected, each: counts in a sample, counts by facet of the
    # matches (up to a limit); between, the closest words (SQLite: the content version); then
    # the corrected query's 4 to rank and list.
    with django_assert_num_queries(2 + 2 + 1 + 2 + 4 + searching_overhead()):
        page = search(client, "mixtrl")
    assert titles(page)[0] == "Mixtral"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's vocabulary")
def test_the_words_kept_for_spelling_help_follow_the_content(client, seed):
    assert "Did you mean" not in visible_text(search(client, "quokkka").content)
    ModelEntryFactory(name="Quokka")  # a content change: the words of "q" are listed again
    page = search(client, "quokkka")
    assert titles(page) == ["Quokka"]
    assert "Did you mean quokka ?" in visible_text(page.content)


def test_an_empty_search_needs_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        search(client, "")


def test_modalities_added_later_are_searchable(client, db):
    entry = ModelEntryFactory(name="Listener")
    entry.modalities.add(Modality.objects.create(name="Audio", slug="audio"))
    assert titles(search(client, "audio")) == ["Listener"]
