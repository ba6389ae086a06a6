"""Suggestions as you type: the header's search box and the fragment its script fetches; the
model pickers' JSON."""

from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import ModelEntry
from tests.support.factories import ModelEntryFactory
from tests.support.html import inline_code, parse
from tests.support.search_pages import hits, searching_overhead, suggest_url, synonyms_kept

pytestmark = pytest.mark.django_db


def suggestions(client, text):
    response = client.get(suggest_url(text))
    assert response.status_code == 200
    return response


def test_suggestions_show_the_top_matches_of_a_half_typed_word(client, seed):
    options = hits(suggestions(client, "mis"))
    assert options[0] == {
        "kind": "Model · Mistral AI · Open-source models",
        "title": "Mistral",
        "url": "/models/mistral/",
        "snippet": "",
        "id": "site-search-option-1",
    }
    assert options[-1]["url"] == "/search/?q=mis"
    assert options[-1]["id"] == "site-search-option-all"
    assert len(options) <= 7


def test_suggestions_are_a_fragment_of_options(client, seed):
    html = suggestions(client, "gem").content.decode()
    fragment = parse(html)
    assert html.startswith("<li")
    first = fragment.elements[0]
    assert (first.tag, first.get("role"), first.get("id")) == (
        "li",
        "option",
        "site-search-option-1",
    )
    assert fragment.find_all("html") == []
    options = fragment.find_all(role="option")
    assert [option.get("aria-selected") for option in options] == ["false"] * len(options)
    assert len(fragment.find_all(aria_selected="false")) == len(options)
    assert "All results for “gem”" in html


def test_suggestions_help_with_spelling(client, seed):
    assert hits(suggestions(client, "mixtrl"))[0]["title"] == "Mixtral"


def test_no_suggestions_is_an_empty_fragment(client, seed):
    assert suggestions(client, "").content == b""
    assert suggestions(client, "xylophone").content.strip() == b""


def test_suggestions_are_escaped(client, db):
    ModelEntryFactory(name="<img src=x onerror=alert(1)> Quokka")
    html = suggestions(client, "quok").content.decode()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; Quokka" in html


def test_suggestions_need_four_queries(client, seed, django_assert_num_queries):
    # Title matches, whether the query names a family with variants, the first matches in
    # order, their names and links.
    synonyms_kept()
    with django_assert_num_queries(4 + searching_overhead()):
        suggestions(client, "mis")


def test_a_nul_is_refused(client, seed):
    assert client.get(suggest_url("a\x00b")).status_code == 400


# The box in the header.


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/", "Site"),
        ("/models/", "Site"),
        ("/search/", "Search page"),
        ("/search/?q=mistral", "Search page"),
    ],
)
def test_every_page_has_the_search_box(client, seed, url, name):
    """In the header; on the search page, the page's own box instead: one box, not two."""
    html = client.get(url).content.decode()
    page = parse(html)
    form = page.find("form", action="/search/", method="get", role="search", aria_label=name)
    if url.startswith("/search/"):
        assert page.find_all("form", role="search") == [form]
    assert form.find(
        "input",
        name="q",
        role="combobox",
        aria_autocomplete="list",
        aria_expanded="false",
        aria_controls="site-search-options",
        aria_keyshortcuts="/",
        data_suggest_url="/search/suggest/",
    )
    assert page.find("ul", id="site-search-options", class_="site-search-options", role="listbox")
    assert page.find_all(role="status", aria_live="polite")
    assertInHTML('<script type="module" src="/static/js/search.js"></script>', html)


def test_pages_hold_no_inline_script_or_style(client, seed):
    assert inline_code(client.get("/search/?q=mistral").content, data_blocks=False) == []


def test_the_search_pages_box_is_labelled_and_the_headers_is_gone(client, seed):
    page = parse(client.get("/search/?q=mistral").content)
    assert page.find("div", class_="header-search").children == []
    form = page.find("form", role="search")
    assert form["aria-label"] == "Search page"
    label = form.find("label", for_="site-search-q")
    assert label.text == "Search articles, models, pros and cons"
    assert "class" not in label.attrs  # shown, not visually hidden


def test_the_box_shows_the_current_search(client, seed):
    html = client.get("/search/?q=mistral+%3Cb%3E").content.decode()
    assert (
        'id="site-search-q" type="text" enterkeyhint="search" name="q" value="mistral &lt;b&gt;"'
        in html
    )


def test_the_script_is_a_static_file():
    assert finders.find("js/search.js")


# The model pickers' suggestions (static/js/model-picker.js): models only, as JSON.


def model_suggestions(client, text):
    response = client.get(f"/search/suggest/models/?q={quote(text, errors='surrogatepass')}")
    assert response["Content-Type"] == "application/json"
    return response


def test_model_suggestions_offer_slugs_labelled_with_name_and_maker(client, seed):
    response = model_suggestions(client, "mist")
    assert response.status_code == 200
    assert response.json() == {
        "models": [
            {"value": "mistral", "label": "Mistral · Mistral AI · Open-source models"},
            {"value": "mixtral", "label": "Mixtral · Mistral AI · Open-source models"},
        ]
    }


def test_model_suggestions_hold_models_only(client, seed):
    assert any("/articles/" in hit["url"] for hit in hits(suggestions(client, "open")))
    values = [model["value"] for model in model_suggestions(client, "open").json()["models"]]
    assert values
    published = set(ModelEntry.objects.published().values_list("slug", flat=True))
    assert set(values) <= published


def test_model_suggestions_help_with_spelling(client, seed):
    assert model_suggestions(client, "mixtrl").json()["models"][0]["value"] == "mixtral"


def test_model_suggestions_of_nothing_are_empty(client, seed):
    assert model_suggestions(client, "").json() == {"models": []}
    assert model_suggestions(client, "xylophone").json() == {"models": []}


def test_model_suggestions_need_five_queries(client, seed, django_assert_num_queries):
    # Title matches, whether the query names a family with variants, the first matches in
    # order, their names, their slugs.
    synonyms_kept()
    with django_assert_num_queries(5 + searching_overhead()):
        model_suggestions(client, "mis")


def test_model_suggestions_refuse_a_nul(client, seed):
    response = model_suggestions(client, "a\x00b")
    assert response.status_code == 400
    assert response.json() == {"errors": {"q": ["Null characters are not allowed."]}}


def test_the_model_picker_script_is_a_static_file():
    assert finders.find("js/model-picker.js")
