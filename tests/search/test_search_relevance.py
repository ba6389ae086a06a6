"""The relevance test set (kb/tools/relevance.py) on whichever engine the tests run on: at least
95 % of its queries answered right at rank 1, all of them in the top 3."""

import pytest
from django.core.management import call_command

from kb.search import synonyms
from kb.search.models import SearchDocument
from kb.tools import relevance


@pytest.fixture
def catalogue(db):
    relevance.build()
    yield
    synonyms.forget()


def test_the_relevance_set_is_large_enough():
    assert len(relevance.QUERIES) >= 60


def test_the_relevance_set_is_answered_right(catalogue):
    found = relevance.answers()
    top1, top3 = relevance.shares(found)
    misses = [(a.query, a.expected, a.found) for a in found if a.rank != 1]
    assert top1 >= 0.95, misses
    assert top3 == 1, misses


def test_the_command_reports_the_shares_and_leaves_nothing_behind(db, capsys):
    call_command("relevance", "--misses")
    out = capsys.readouterr().out
    assert f"{len(relevance.QUERIES)} queries on " in out
    assert "right at rank 1" in out
    assert "in the top 3" in out
    assert not SearchDocument.objects.filter(title="Qwen3-235B-A22B").exists()
