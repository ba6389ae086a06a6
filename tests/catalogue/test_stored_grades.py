"""Each entry stores its grades, a letter per dimension (``ModelEntry.openness_grades``), kept
with its score by the same writers, so a group's grades are counted from an index: the category
comparison's openness summary (kb.catalogue.openness.summarise)."""

import importlib
from collections import Counter
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection

from kb.catalogue.models import ModelEntry, OpennessGrade, Status
from kb.catalogue.openness import (
    MINIMUM_GRADED,
    refresh_scores,
    scorecard,
    summarise,
)
from tests.support.factories import ModelEntryFactory

pytestmark = pytest.mark.django_db

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension


def stored_letters():
    """Each entry's stored grades; an entry never graded stores none, every dimension unknown."""
    entries = ModelEntry.objects.values_list("slug", "openness_grades")
    return {slug: letters.ljust(len(Dimension), "u") for slug, letters in entries}


def scorecard_letters():
    """Each entry's grades as its scorecard shows them, a first letter each."""
    entries = ModelEntry.objects.prefetch_related("openness")
    return {e.slug: "".join(row.grade[0] for row in scorecard(e).rows) for e in entries}


def test_the_seed_s_stored_grades_are_its_scorecards(seed):
    assert stored_letters() == scorecard_letters()
    # LLaMA 2: weights on request (partial), training code and data closed, licence restricted.
    assert stored_letters()["llama-2"][:4] == "pccp"


def test_grades_written_one_by_one_are_stored_letter_by_letter():
    entry = ModelEntryFactory(slug="one")
    assert stored_letters() == {"one": "uuuuuuuuu"}
    weights = OpennessGrade.objects.create(entry=entry, dimension=Dimension.WEIGHTS, grade="open")
    OpennessGrade.objects.create(entry=entry, dimension=Dimension.API, grade=Grade.CLOSED)
    assert stored_letters() == {"one": "ouuuuuuuc"} == scorecard_letters()
    weights.grade = Grade.PARTIAL
    weights.save()
    assert stored_letters()["one"] == "puuuuuuuc"
    weights.delete()
    assert stored_letters()["one"] == "uuuuuuuuc" == scorecard_letters()["one"]


def test_refresh_the_command_and_generate_data_store_them(seed):
    ModelEntry.objects.update(openness_grades="")
    assert refresh_scores(ModelEntry.objects.filter(slug="gpt-4")) == 1
    assert stored_letters()["gpt-4"] == scorecard_letters()["gpt-4"] != ""
    call_command("refresh_openness_scores", stdout=None)
    assert stored_letters() == scorecard_letters()
    call_command("generate_data", "--entries", "200", "--articles", "0", "--seed", "3", "--force")
    assert stored_letters() == scorecard_letters()


def test_the_migration_stores_the_grades_of_the_entries_there_are(seed):
    ModelEntry.objects.update(openness_grades="")
    migration = importlib.import_module("kb.catalogue.migrations.0022_stored_grades")
    migration.store_grades(global_apps, SimpleNamespace(connection=connection))
    assert stored_letters() == scorecard_letters()


def test_the_summary_from_stored_grades_is_the_scorecards_counted_one_by_one():
    """summarise() reads the stored letters; counted here from each entry's scorecard."""
    call_command("generate_data", "--entries", "300", "--articles", "0", "--seed", "11")
    published = ModelEntry.objects.published()
    summaries = summarise(published, by="category")
    entries = published.prefetch_related("openness")
    assert len(summaries) == len({entry.category_id for entry in entries}) > 1
    for category, summary in summaries.items():
        cards = [scorecard(e) for e in entries if e.category_id == category]
        scores = [card.score for card in cards if card.score is not None]
        assert (summary.scored, summary.not_scored) == (len(scores), len(cards) - len(scores))
        assert (summary.lowest, summary.highest) == (min(scores), max(scores))
        assert summary.average == (2 * sum(scores) + len(scores)) // (2 * len(scores))
        for index, dimension in enumerate(summary.dimensions):
            expected = Counter(card.rows[index].grade for card in cards)
            assert {count.grade: count.count for count in dimension.counts} == dict(expected)


def test_drafts_and_entries_under_the_minimum_are_counted_as_the_scorecard_says():
    entry = ModelEntryFactory(slug="graded")
    for dimension in list(Dimension)[:MINIMUM_GRADED]:
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=Grade.OPEN)
    ModelEntryFactory(slug="draft", status=Status.DRAFT)
    under = ModelEntryFactory(slug="under", category=entry.category)
    OpennessGrade.objects.create(entry=under, dimension=Dimension.WEIGHTS, grade=Grade.CLOSED)
    (summary,) = summarise(ModelEntry.objects.published(), by="category").values()
    assert (summary.scored, summary.not_scored, summary.average) == (1, 1, 100)
    weights = summary.dimensions[0]
    assert {c.grade: c.count for c in weights.counts} == {"open": 1, "closed": 1}
