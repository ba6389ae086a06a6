import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from kb.models import ModelEntry, OpennessGrade
from kb.openness import EXPLANATION, score, scorecard

from .factories import ModelEntryFactory
from .text import visible_text

pytestmark = pytest.mark.django_db

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        (["open"] * 9, 100),
        (["closed"] * 9, 0),
        # Nothing known is no score ("not graded"), not a score of 0.
        (["unknown"] * 9, None),
        ([], None),
        (["closed"] + ["unknown"] * 8, 0),
        (["partial"] * 9, 50),
        (["open"] * 4 + ["partial"], 50),  # 4.5 of 9
        (["partial"], 6),  # 5.6 rounds to 6
        (["open"], 11),  # 11.1
        (["open"] * 7 + ["partial"] * 2, 89),  # 8 of 9 = 88.9
    ],
)
def test_the_score_is_the_mean_of_open_1_partial_half_rounded(grades, expected):
    assert score(grades) == expected


def grade(entry, dimension, value, **extra):
    return OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=value, **extra)


def test_scorecard_lists_every_dimension_in_order_and_ungraded_ones_as_unknown():
    entry = ModelEntryFactory()
    grade(entry, Dimension.WEIGHTS, Grade.OPEN, source_url="https://example.org/card")
    grade(entry, Dimension.PAPER, Grade.PARTIAL)
    card = scorecard(entry)
    assert [row.dimension for row in card.rows] == Dimension.values
    by_dimension = {row.dimension: row for row in card.rows}
    assert by_dimension["weights"].grade == "open"
    assert by_dimension["weights"].source_url == "https://example.org/card"
    assert by_dimension["api"].grade == "unknown" and by_dimension["api"].source_url == ""
    assert card.score == 17  # (1 + 0.5) / 9 = 16.7
    assert card.unknown == 7


def test_the_database_annotation_agrees_with_the_python_score(seed):
    entry = ModelEntryFactory(slug="half-known")
    grade(entry, Dimension.WEIGHTS, Grade.OPEN)
    grade(entry, Dimension.TRAINING_DATA, Grade.PARTIAL)
    grade(entry, Dimension.API, Grade.UNKNOWN)
    annotated = ModelEntry.objects.with_openness_score().prefetch_related("openness")
    got = {e.slug: (e.openness_score, e.openness_unknown) for e in annotated}
    expected = {e.slug: (scorecard(e).score, scorecard(e).unknown) for e in annotated}
    assert got == expected
    assert got["half-known"] == (17, 7)
    assert got["bloom"] == (83, 0)
    assert got["llama-2"] == (56, 0)
    assert got["gpt-4"] == (22, 0)


def test_the_annotation_is_not_multiplied_by_other_joins(seed):
    entries = ModelEntry.objects.with_openness_score().filter(modalities__slug__in=["text", "code"])
    assert {e.openness_score for e in entries if e.slug == "llama-2"} == {56}


def render_scorecard(entry):
    template = Template('{% include "includes/openness_scorecard.html" %}')
    request = RequestFactory().get("/")
    return template.render(Context({"entry": entry, "request": request}))


def test_the_scorecard_include_shows_grades_markers_sources_dates_and_the_formula(seed):
    html = render_scorecard(ModelEntry.objects.get(slug="llama-2"))
    text = visible_text(html)
    assert "Openness score: 56 out of 100" in text
    assert EXPLANATION in text
    # LLaMA 2 publishes its weights, not its training data, under a licence that is not open.
    assert "Weights ● Open huggingface.co 28 Nov 2026" in text
    assert "Training data ○ Closed arxiv.org 28 Nov 2026" in text
    assert "Licence of the weights ◐ Partial ai.meta.com 28 Nov 2026" in text
    assert '<a href="https://ai.meta.com/llama/license/" rel="noopener">ai.meta.com</a>' in html
    assert '<time datetime="2026-11-28">' in html
    assert html.count('<th scope="row">') == 9
    assert 'class="grade grade-closed"' in html
    assert 'aria-hidden="true">○</span>' in html


def test_the_scorecard_says_what_is_unknown_and_unsourced():
    entry = ModelEntryFactory(name="Mystery")
    grade(entry, Dimension.WEIGHTS, Grade.OPEN, checked_on=datetime.date(2026, 1, 5))
    text = visible_text(render_scorecard(entry))
    assert "Openness score: 11 out of 100 · 8 of 9 dimensions unknown" in text
    assert "Weights ● Open No source yet 5 Jan 2026" in text
    assert "API ? Unknown No source yet Not checked" in text
    assert "How open Mystery is, dimension by dimension" in text


def test_the_scorecard_costs_no_query_when_grades_are_prefetched(seed, django_assert_num_queries):
    entry = ModelEntry.objects.prefetch_related("openness").get(slug="bloom")
    with django_assert_num_queries(0):
        assert "Openness score: 83 out of 100" in visible_text(render_scorecard(entry))


def test_an_entry_with_no_known_grade_is_not_graded_rather_than_zero(client):
    entry = ModelEntryFactory(name="Fresh", slug="fresh")
    grade(entry, Dimension.API, Grade.UNKNOWN)
    card = scorecard(entry)
    assert (card.score, card.unknown) == (None, 9)
    annotated = ModelEntry.objects.with_openness_score().get(pk=entry.pk)
    assert (annotated.openness_score, annotated.openness_unknown) == (None, 9)
    text = visible_text(client.get("/models/fresh/").content)
    assert "Openness score: not graded yet · none of the 9 dimensions has a known grade" in text
    assert "out of 100" not in text
