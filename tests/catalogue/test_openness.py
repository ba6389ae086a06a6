import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import ModelEntry, OpennessGrade
from kb.catalogue.openness import EXPLANATION, MINIMUM_GRADED, score, scorecard
from tests.support.factories import ModelEntryFactory
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension


# A spread of grade combinations: (grades, score). Unknown and missing grades are left out.
SCORES = [
    (["open"] * 9, 100),
    (["closed"] * 9, 0),
    (["partial"] * 9, 50),
    (["open"] * 7 + ["partial"] * 2, 89),  # 8 of 9 = 88.9
    # Nothing known is no score, not a score of 0.
    (["unknown"] * 9, None),
    ([], None),
    # Under the minimum of 5 graded: no score. The example, open weights under an open
    # licence and nothing else known, scored 11 when unknown counted as closed.
    (["open", "open"] + ["unknown"] * 7, None),
    (["open"] * 4, None),
    (["closed"] + ["unknown"] * 8, None),
    # At the minimum and over: the mean of the graded dimensions only.
    (["open"] * 5, 100),
    (["open"] * 5 + ["unknown"] * 4, 100),
    (["closed"] * 5, 0),
    (["open", "partial", "closed", "closed", "closed"], 30),  # 1.5 of 5
    (["open"] * 2 + ["partial"] + ["closed"] * 2 + ["unknown"], 50),  # 2.5 of 5
    (["open"] * 4 + ["partial"] + ["closed"] * 2, 64),  # 4.5 of 7 = 64.3
    (["partial"] + ["closed"] * 7, 6),  # 0.5 of 8 = 6.25
    (["open"] + ["closed"] * 7, 13),  # 1 of 8 = 12.5, half up
    (["open"] * 3 + ["closed"] * 3, 50),
    (["open"] * 2 + ["closed"] * 4, 33),  # 2 of 6 = 33.3
    (["open"] * 4 + ["closed"] * 2, 67),  # 4 of 6 = 66.7
]


@pytest.mark.parametrize(("grades", "expected"), SCORES)
def test_the_score_is_the_mean_of_the_graded_dimensions_open_1_partial_half(grades, expected):
    assert score(grades) == expected


def test_the_minimum_is_a_majority_of_the_dimensions_and_the_method_says_so():
    assert MINIMUM_GRADED == 5
    assert "at least 5 of 9 dimensions graded" in EXPLANATION
    assert "not counted as closed" in EXPLANATION


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
    assert card.score is None  # 2 of 9 graded: too few
    assert (card.graded, card.unknown) == (2, 7)


def test_the_database_annotation_agrees_with_the_python_score(seed):
    entry = ModelEntryFactory(slug="half-known")
    grade(entry, Dimension.WEIGHTS, Grade.OPEN)
    grade(entry, Dimension.TRAINING_DATA, Grade.PARTIAL)
    grade(entry, Dimension.API, Grade.UNKNOWN)
    for number, (grades, _score) in enumerate(SCORES):
        entry = ModelEntryFactory(slug=f"spread-{number}")
        for dimension, value in zip(Dimension, grades, strict=False):
            grade(entry, dimension, value)
    annotated = ModelEntry.objects.with_openness_score().prefetch_related("openness")
    got = {e.slug: (e.openness_score, e.openness_graded, e.openness_unknown) for e in annotated}
    expected = {
        e.slug: (scorecard(e).score, scorecard(e).graded, scorecard(e).unknown) for e in annotated
    }
    assert got == expected
    for number, (_grades, expected_score) in enumerate(SCORES):
        assert got[f"spread-{number}"][0] == expected_score
    assert got["half-known"] == (None, 2, 7)
    assert got["bloom"] == (83, 9, 0)
    assert got["llama-2"] == (50, 9, 0)
    assert got["gpt-4"] == (22, 9, 0)


def test_a_scored_entry_with_a_few_unknowns_sorts_by_its_graded_dimensions(client, seed):
    """Five of nine dimensions graded, all open: 100, first under most open first, above
    GPT-4's 22. Two graded (the issue's example): no score, listed after every scored entry."""
    five = ModelEntryFactory(name="Five open", slug="five-open")
    for dimension in list(Dimension)[:5]:
        grade(five, dimension, Grade.OPEN)
    two = ModelEntryFactory(name="Two open", slug="two-open")
    grade(two, Dimension.WEIGHTS, Grade.OPEN)
    grade(two, Dimension.WEIGHTS_LICENCE, Grade.OPEN)
    order = [
        record["slug"] for record in client.get("/api/models/?sort=openness").json()["results"]
    ]
    assert order[0] == "five-open"
    assert order.index("five-open") < order.index("gpt-4") < order.index("two-open")
    assert order[-1] == "two-open"
    assert "two-open" not in [
        record["slug"] for record in client.get("/api/models/?min_openness=0").json()["results"]
    ]


def test_the_annotation_is_not_multiplied_by_other_joins(seed):
    entries = ModelEntry.objects.with_openness_score().filter(modalities__slug__in=["text", "code"])
    assert {e.openness_score for e in entries if e.slug == "llama-2"} == {50}


def render_scorecard(entry):
    template = Template('{% include "includes/openness_scorecard.html" %}')
    request = RequestFactory().get("/")
    return template.render(Context({"entry": entry, "request": request}))


def test_the_scorecard_include_shows_grades_markers_sources_dates_and_the_formula(seed):
    html = render_scorecard(ModelEntry.objects.get(slug="llama-2"))
    text = visible_text(html)
    assert "Openness score: 50 out of 100 · from 9 of 9 dimensions graded" in text
    assert EXPLANATION in text
    # LLaMA 2 publishes its weights on request, not its training data, under a licence that is
    # not open.
    assert "Weights ◐ Partial github.com 28 Nov 2026" in text
    assert "Training data ○ Closed arxiv.org 28 Nov 2026" in text
    assert "Licence of the weights ◐ Partial ai.meta.com 28 Nov 2026" in text
    assertInHTML(
        '<a href="https://ai.meta.com/llama/license/" rel="noopener">ai.meta.com</a>', html
    )
    card = parse(html)
    assert {"datetime": "2026-11-28"} in [time.attrs for time in card.find_all("time")]
    assert [th.attrs for th in card.find_all("th")].count({"scope": "row"}) == 9
    assert card.find_all(class_="grade grade-closed")
    assert 'aria-hidden="true">○</span>' in html


def test_the_scorecard_says_what_is_unknown_and_unsourced():
    entry = ModelEntryFactory(name="Mystery")
    grade(entry, Dimension.WEIGHTS, Grade.OPEN, checked_on=datetime.date(2026, 1, 5))
    text = visible_text(render_scorecard(entry))
    assert (
        "Openness score: none · 1 of 9 dimensions graded, too few for a score (it needs 5)" in text
    )
    assert "out of 100" not in text
    assert "Weights ● Open Not recorded 5 Jan 2026" in text
    assert "API ? Unknown Not recorded No date recorded" in text
    assert "How open Mystery is, dimension by dimension" in text


def test_the_scorecard_costs_no_query_when_grades_are_prefetched(seed, django_assert_num_queries):
    entry = ModelEntry.objects.prefetch_related("openness").get(slug="bloom")
    with django_assert_num_queries(0):
        assert "Openness score: 83 out of 100" in visible_text(render_scorecard(entry))


def test_an_entry_with_no_known_grade_is_not_graded_rather_than_zero(client):
    entry = ModelEntryFactory(name="Fresh", slug="fresh")
    grade(entry, Dimension.API, Grade.UNKNOWN)
    card = scorecard(entry)
    assert (card.score, card.graded, card.unknown) == (None, 0, 9)
    annotated = ModelEntry.objects.with_openness_score().get(pk=entry.pk)
    assert (annotated.openness_score, annotated.openness_graded) == (None, 0)
    text = visible_text(client.get("/models/fresh/").content)
    assert "Openness score: not graded yet · none of the 9 dimensions has a known grade" in text
    assert "out of 100" not in text


def test_the_model_page_shows_the_score_with_its_coverage(client):
    entry = ModelEntryFactory(name="Mostly known", slug="mostly-known")
    for dimension, value in zip(
        Dimension, ["open"] * 4 + ["partial"] + ["closed"] * 2, strict=False
    ):
        grade(entry, dimension, value)
    text = visible_text(client.get("/models/mostly-known/").content)
    assert "Openness score: 64 out of 100 · from 7 of 9 dimensions graded" in text
