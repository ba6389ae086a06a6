"""Names as people type them, words as people spell them, and a page that says what was searched.

On whichever engine the tests run on (SQLite by default, PostgreSQL with DATABASE_URL).
"""

from dataclasses import replace

import pytest
from django.db import connection

from kb.search import statements, synonyms
from kb.search.backends.sqlite import SQLiteBackend, fts_expression
from kb.search.models import Synonym
from kb.search.query import parse
from tests.support.epoch import import_sample
from tests.support.factories import ArticleFactory, ModelEntryFactory
from tests.support.search_pages import hits, search, titles
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(db):
    for name, summary in [
        ("GPT-4", "OpenAI's large multimodal model."),
        ("GPT-4o (Aug 2024)", "The August snapshot of GPT-4o."),
        ("GPT-4 Turbo", "A faster GPT-4."),
        ("Llama 3", "Meta's open weights models."),
        ("Llama 3.1-405B", "The largest Llama 3.1."),
        ("Llama 3.1-8B", "The smallest Llama 3.1."),
        ("Llama 2", "Meta's second generation."),
        ("Qwen3-235B-A22B", "A mixture of experts from Alibaba."),
        ("Qwen2.5-72B", "Alibaba's dense model."),
        ("o1-preview", "A reasoning model."),
        ("Mistral 7B", "A 7.3-billion-parameter model that beats Llama 2 13B."),
    ]:
        ModelEntryFactory(name=name, summary=summary)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("gpt4", "GPT-4"),
        ("gpt-4", "GPT-4"),
        ("GPT 4", "GPT-4"),
        ("GPT4", "GPT-4"),
        ("gpt-4o", "GPT-4o (Aug 2024)"),
        ("gpt4o", "GPT-4o (Aug 2024)"),
        ("llama3.1", "Llama 3.1-405B"),
        ("llama 3.1 405b", "Llama 3.1-405B"),
        ("llama-3.1-8b", "Llama 3.1-8B"),
        ("llama 3", "Llama 3"),
        ("llama3", "Llama 3"),
        ("qwen3 235b", "Qwen3-235B-A22B"),
        ("qwen 3", "Qwen3-235B-A22B"),
        ("qwen3-235b-a22b", "Qwen3-235B-A22B"),
        ("qwen2.5", "Qwen2.5-72B"),
        ("o1 preview", "o1-preview"),
        ("o1", "o1-preview"),
    ],
)
def test_names_typed_any_way_find_the_model_first(client, names, typed, first):
    assert titles(search(client, typed))[0] == first


def test_a_version_is_a_number_not_digits_inside_another(client, names):
    # Mistral's summary holds "7.3-billion" and "Llama 2".
    assert titles(search(client, "llama 3")) == ["Llama 3", "Llama 3.1-405B", "Llama 3.1-8B"]
    assert titles(search(client, "llama 3.1")) == ["Llama 3.1-405B", "Llama 3.1-8B"]
    assert "Mistral 7B" not in titles(search(client, "qwen 3"))


def test_a_family_query_ranks_the_family_first(client, names):
    ArticleFactory(title="Running models at home", body="We tried GPT-4 and others.")
    found = titles(search(client, "gpt 4"))
    assert found[:3] == ["GPT-4", "GPT-4 Turbo", "GPT-4o (Aug 2024)"]
    assert found[-1] == "Running models at home"


def test_the_names_column_never_shows_in_a_snippet(client, names):
    [hit, *_] = hits(search(client, "qwen 3 235 b"))
    assert hit["title"] == "Qwen3-235B-A22B"
    assert "235 b" not in hit["snippet"]


def test_a_known_name_is_never_corrected(client, names):
    page = search(client, "gpt4")
    assert "Did you mean" not in visible_text(page.content)
    assert "No results" not in visible_text(page.content)


@pytest.mark.parametrize("typed", ["gpt-4", '"gpt 4"', "GPT 4", "gpt4"])
def test_the_heading_shows_the_query_as_typed(client, names, typed):
    text = visible_text(search(client, typed).content)
    assert f"for “{typed}”" in text


def test_a_correction_keeps_the_rest_of_the_query_as_typed(client, names):
    page = search(client, "Qwen3 expertz")
    assert titles(page) == ["Qwen3-235B-A22B"]
    text = visible_text(page.content)
    assert "No results for “Qwen3 expertz”. Did you mean Qwen3 experts ?" in text
    assert "1 result for “Qwen3 experts”" in text


# Words as people spell them.


def test_british_and_american_spellings_find_each_other(client, db):
    ModelEntryFactory(name="Alpha", summary="Released under a permissive licence.")
    ModelEntryFactory(name="Beta", summary="Its license forbids military use.")
    ModelEntryFactory(name="Gamma", summary="Easy customization of the outputs.")
    assert sorted(titles(search(client, "licence"))) == ["Alpha", "Beta"]
    assert sorted(titles(search(client, "license"))) == ["Alpha", "Beta"]
    assert sorted(titles(search(client, "licences"))) == ["Alpha", "Beta"]
    assert titles(search(client, "customisation")) == ["Gamma"]


@pytest.fixture
def editors_synonyms(db):
    synonyms.forget()
    yield
    synonyms.forget()


def test_editors_synonyms_expand_the_query(
    client, editors_synonyms, django_capture_on_commit_callbacks
):
    ModelEntryFactory(name="Alpha", summary="Open weights under Apache 2.0.")
    ModelEntryFactory(name="Beta", summary="Open source code and data.")
    ModelEntryFactory(name="Gamma", summary="A proprietary model behind an API.")
    ModelEntryFactory(name="Delta", summary="A large language model for chat.")
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.all().delete()
        Synonym.objects.create(terms="open weights, open-weights, open source")
        Synonym.objects.create(terms="proprietary\nclosed")
        Synonym.objects.create(terms="LLM, language model")
    assert sorted(titles(search(client, "open-weights"))) == ["Alpha", "Beta"]
    assert sorted(titles(search(client, "open source"))) == ["Alpha", "Beta"]
    assert sorted(titles(search(client, '"open weights"'))) == ["Alpha", "Beta"]
    assert titles(search(client, "closed")) == ["Gamma"]
    assert titles(search(client, "llm")) == ["Delta"]
    # Quoting keeps words apart: "open" and "source" alone are no synonym.
    assert titles(search(client, '"open" source')) == ["Beta"]


def test_synonym_words_reach_the_engines_quoted():
    query = parse('LLM -"x" NEAR', {("llm",): [("llm",), ("language", "model")]})
    assert fts_expression(query.terms, query.negative) == (
        '(("llm" OR "language" + "model") AND "near") NOT ("x")'
    )


def test_an_alias_is_found_as_a_name_and_kept_in_step(client, names):
    """The seed's "LLaMA 2" is officially "Llama 2": an editor's alias is searched as a name, and
    changing or removing it re-indexes its entry."""
    from kb.catalogue.models import EntryAlias, ModelEntry

    entry = ModelEntry.objects.get(name="Mistral 7B")
    alias = EntryAlias.objects.create(entry=entry, name="Le Chat Seven")
    assert titles(search(client, "le chat seven"))[0] == "Mistral 7B"
    alias.name = "Vent du Nord"
    alias.save()
    assert titles(search(client, "vent du nord"))[0] == "Mistral 7B"
    assert "Mistral 7B" not in titles(search(client, "le chat seven"))
    alias.delete()
    assert "Mistral 7B" not in titles(search(client, "vent du nord"))


# Versions typed without their dot, and aliases in a name.


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("gpt35 turbo", "GPT-3.5 Turbo"),
        ("gpt35", "GPT-3.5 Turbo"),
        ("llama31 405b", "Llama 3.1-405B"),
        ("sdxl", "Stable Diffusion XL (SDXL)"),
    ],
)
def test_versions_without_their_dot_and_names_in_brackets(client, names, typed, first):
    ModelEntryFactory(name="GPT-3.5 Turbo", summary="The model behind the first ChatGPT.")
    ModelEntryFactory(name="Stable Diffusion XL (SDXL)", summary="Text to image.")
    assert titles(search(client, typed))[0] == first


def test_a_number_alone_is_never_read_as_a_version(client, names):
    ModelEntryFactory(name="GPT-3.5 Turbo", summary="The model behind the first ChatGPT.")
    assert "GPT-3.5 Turbo" not in titles(search(client, "35"))
    assert parse("gpt-35").terms[0].forms[0].words == ("gpt", "35")
    assert all(form.words != ("gpt", "3", "5") for form in parse("gpt-35").terms[0].forms)


# Bad input on the name paths (versions joined to letters, families, numbers after a word):
# a page, and only quoted words reach the engine.

NAME_PATH_INPUT = [
    "gpt35🔥", "🤖 llama31", "gpt4👩\u200d💻", "🇫🇷 mistral 7", "llama 3 🔥 3",
    "gptЗ5", "gpt35 модель", "лама31 llama31", "qwen2.5 开源模型", "开源gpt35", "gpt35مرحبا",
    "שלום gpt 4", "\u202egpt35", "gpt\u200b35", "ｇｐｔ３５", "𝟑𝟓gpt", "gpt３.５",
    "!!!", "...", "-.-", "'\"", "(-)", "[[]]", "3.5.", ".3", "3..5", "-3", "--35", "*35*",
    "gpt35 " * 200, "llama31" * 200, "q" + "9" * 500, "9" * 300, "a1" * 300,
    " ".join(f"m{n}" for n in range(300)), "llama " + "3 " * 300,
]  # fmt: skip


def test_name_path_input_gets_a_page(client, names):
    for text in NAME_PATH_INPUT:
        assert search(client, text).status_code == 200, text
        assert client.get(f"/search/suggest/?q={text[:300]}").status_code == 200, text


@pytest.mark.parametrize("text", NAME_PATH_INPUT)
def test_name_path_input_reaches_the_engine_as_quoted_words(text):
    query = parse(text)
    if not query:
        return
    expression = fts_expression(query.terms, query.negative, prefix=True)
    unquoted = expression
    for term in query.terms:
        for form in term.forms:
            for word in form.words:
                unquoted = unquoted.replace(f'"{word}"', "")
    # What is left outside the quotes is the expression's own syntax only.
    assert set(unquoted) <= set("()+* ANDOTR"), (text, expression)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
@pytest.mark.parametrize(
    "text",
    ["open", "open weights", "llama 2", "gpt-4", "claude", "model", "mistral 7b", "stable", "ai"],
)
def test_the_titles_index_finds_the_title_matches_the_full_index_finds(seed, text):
    """Where the query must be in the title, the titles' own index answers (far fewer rows to
    read): the same documents as the full index's title and names columns."""
    import_sample()
    asked = replace(parse(text), synonyms=synonyms.table())
    matcher = SQLiteBackend().matcher(asked)

    def found(build, name):
        return set(statements.flat((name, text), build, matcher.values))

    in_titles = found(lambda: matcher.in_titles().values_list("document_id"), "titles")
    full = found(lambda: matcher.matching("in_title").values_list("document_id"), "full")
    assert in_titles == full
    assert full or text == "ai"
