"""The search's SQL is compiled once per shape of query (kb.search.statements): a search answers
the same whatever searches ran before it, and one shape never stands for two statements."""

import pytest

from kb.search import engine, statements
from kb.search.models import SearchDocument
from kb.search.statements import Param

pytestmark = pytest.mark.django_db

# Searches of different shapes (prefix, spelling help, exclusions, facet filters, pages), and
# of the same shape with other words.
SEARCHES = [
    ("mistral", {}, 1),
    ("falcon", {}, 1),
    ("mistral", {}, 2),
    ("mistr", {}, 1),
    ("mixtrl", {}, 1),
    ("falcon -180b", {}, 1),
    ("mistral", {"type": "model"}, 1),
    ("mistral", {"type": "article"}, 1),
    ("open", {"category": "open-source"}, 1),
    ("open", {"category": "closed"}, 1),
    ("llama 2", {}, 1),
    ("gpt-4 vision", {}, 1),
]


def answer(text, filters, page):
    results = engine.search(text, filters=filters, page=page, per_page=2)
    hits = [(hit.title, hit.snippet) for hit in results.page] if results.page else []
    return str(results.query), results.total, [f.options for f in results.facets], hits


def test_a_search_answers_the_same_whatever_ran_before(seed, monkeypatch):
    monkeypatch.setattr(statements, "VERIFY", False)
    alone = []
    for search in SEARCHES:
        statements.forget()
        alone.append(answer(*search))
    assert len({str(found) for found in alone}) == len(SEARCHES)
    statements.forget()
    for n in [*range(len(SEARCHES)), *reversed(range(len(SEARCHES)))]:
        assert answer(*SEARCHES[n]) == alone[n], SEARCHES[n]


def test_a_statement_is_built_once_per_shape_and_run_with_each_values(seed, monkeypatch):
    monkeypatch.setattr(statements, "VERIFY", False)
    statements.forget()
    built = []

    def build():
        built.append(True)
        return SearchDocument.objects.filter(title=Param("title")).values_list("title")

    shape = ("titled",)
    assert statements.flat(shape, build, {"title": "Mistral"}) == ["Mistral"]
    assert statements.flat(shape, build, {"title": "Mixtral"}) == ["Mixtral"]
    assert len(built) == 1


def test_one_shape_for_two_statements_fails_when_verified(db, monkeypatch):
    monkeypatch.setattr(statements, "VERIFY", True)
    statements.forget()
    shape = ("titled",)
    by_title = SearchDocument.objects.filter(title=Param("text")).values("pk")
    by_label = SearchDocument.objects.filter(label=Param("text")).values("pk")
    statements.rows(shape, lambda: by_title, {"text": "Mistral"})
    with pytest.raises(AssertionError, match="share the shape"):
        statements.rows(shape, lambda: by_label, {"text": "Mistral"})


def test_only_so_many_statements_are_kept(db, monkeypatch):
    monkeypatch.setattr(statements, "MAX_KEPT", 2)
    statements.forget()
    for field in ("title", "label", "url"):
        query = SearchDocument.objects.filter(**{field: Param("text")}).values("pk")
        statements.rows((field,), lambda query=query: query, {"text": "x"})
    assert len(statements._kept) == 2
