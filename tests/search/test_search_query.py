"""Visitor text to engine syntax: every word quoted, nothing of the visitor's read as an operator."""

import pytest

from kb.catalogue.text import fold
from kb.search.backends.postgres import query_texts, search_query, websearch_text
from kb.search.backends.sqlite import fts_expression
from kb.search.query import parse
from kb.search.spelling import closest, edit_distance


@pytest.mark.parametrize(
    ("typed", "phrases"),
    [
        ("Mistral", ["mistral"]),
        ("GPT-4 vision", ['"gpt 4"', "vision"]),
        ('"open source" -closed', ['"open source"', "-closed"]),
        ("the mistral of AND", ["mistral"]),
        ("Café  Crème", ["cafe", "creme"]),
        ('-"not this" mistral', ['-"not this"', "mistral"]),
        ("-alone", []),
        ("!!! ???", []),
    ],
)
def test_parse(typed, phrases):
    assert [str(p) for p in parse(typed).phrases] == phrases


def test_the_key_is_the_folded_text_for_exact_names():
    assert parse(' "Stable  Diffusión" ').key == "stable diffusion"
    assert fold("ÉCOLE\x00 Ｆｕｌｌ") == "ecole full"


def test_fts5_gets_every_word_quoted():
    query = parse('C++ "near or" -closed mis')
    assert (
        fts_expression(query.terms, query.negative)
        == '("c" AND "near" + "or" AND "mis") NOT ("closed")'
    )
    assert fts_expression(query.terms, prefix=True).endswith('"mis"*)')


def test_postgresql_gets_each_typed_phrase_quoted_for_websearch():
    query = parse('GPT-4 "open or closed" -api')
    assert websearch_text(query.phrases) == '"GPT-4" "open or closed" -"api"'
    texts, shape = query_texts(parse("mistral mix"), prefix=True)
    assert texts == ['"mistral"', "'mix':*"]
    combined = search_query(shape, prefix=True)
    assert combined.lhs.function == "websearch_to_tsquery"
    assert combined.rhs.function == "to_tsquery"
    assert [q.source_expressions[1].name for q in (combined.lhs, combined.rhs)] == [
        "text0",
        "text1",
    ]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("mixtrl", "mixtral", 1), ("claude", "cluade", 1), ("gemni", "gemini", 1), ("abc", "xyz", 3)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=3) == distance


def test_the_closest_word_within_the_allowed_edits():
    assert closest("mixtrl", {"mixtral": 2, "mistral": 5}) == "mixtral"
    assert closest("mistrl", {"mixtral": 2, "mistral": 5}) == "mistral"
    assert closest("galon", {"galion": 3, "gala": 1, "galen": 9}) == "galen"
    assert closest("sora", {"sonar": 1, "zebra": 1}) is None
    assert closest("falcon", {"falcon": 1, "falcons": 8}) == "falcon"
