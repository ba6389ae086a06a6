"""The openness score, its coverage and the openness tier are stored on the entry (for the
directory to sort and filter by an index) and kept in step with the grades by every writer of
grades, in one UPDATE (openness.refresh_scores); the tier also by the entry's save, when the
access or the terms of its weights change."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from kb.catalogue.models import (
    TIER_FULLY_OPEN,
    TIER_HOSTED,
    TIER_OPEN_WEIGHTS,
    TIER_RESTRICTED_WEIGHTS,
    TIER_UNKNOWN,
    Access,
    ModelEntry,
    OpennessGrade,
    WeightsUse,
)
from kb.catalogue.openness import refresh_scores, scorecard, tier_of
from tests.support.admin_forms import changeform_data
from tests.support.factories import ModelEntryFactory

from .test_import_export import confirm, upload

pytestmark = pytest.mark.django_db

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension


def stored(entry):
    entry = ModelEntry.objects.get(pk=entry.pk)
    return entry.openness_score, entry.openness_graded


def computed(entry):
    card = scorecard(ModelEntry.objects.prefetch_related("openness").get(pk=entry.pk))
    return card.score, card.graded


def test_the_seed_s_stored_scores_are_its_scorecards(seed):
    entries = ModelEntry.objects.prefetch_related("openness")
    assert {e.slug: (e.openness_score, e.openness_graded) for e in entries} == {
        e.slug: (scorecard(e).score, scorecard(e).graded) for e in entries
    }
    assert stored(ModelEntry.objects.get(slug="llama-2")) == (50, 9)
    assert stored(ModelEntry.objects.get(slug="gpt-4")) == (22, 9)


def test_saving_changing_and_deleting_grades_one_by_one_keeps_the_score():
    entry = ModelEntryFactory()
    assert stored(entry) == (None, 0)
    grades = [
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=Grade.OPEN)
        for dimension in list(Dimension)[:5]
    ]
    assert stored(entry) == (100, 5)
    grades[0].grade = Grade.CLOSED
    grades[0].save()
    assert stored(entry) == (80, 5) == computed(entry)
    grades[1].delete()
    assert stored(entry) == (None, 4)
    OpennessGrade.objects.filter(entry=entry).delete()
    assert stored(entry) == (None, 0)


def test_a_copy_read_before_its_grades_changed_does_not_write_its_old_score_back():
    entry = ModelEntryFactory()
    stale = ModelEntry.objects.get(pk=entry.pk)
    for dimension in list(Dimension)[:5]:
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=Grade.OPEN)
    stale.summary = "Changed by an editor who had the page open."
    stale.save()
    assert stored(entry) == (100, 5)
    assert ModelEntry.objects.get(pk=entry.pk).summary == stale.summary


def test_the_admin_s_grade_inlines_keep_the_score(editor_client, seed):
    llama = ModelEntry.objects.get(slug="llama-2")
    url = reverse("admin:kb_modelentry_change", args=[llama.pk])
    page = editor_client.get(url)
    data = changeform_data(page)
    (inline,) = [
        i for i in page.context["inline_admin_formsets"] if i.formset.model is OpennessGrade
    ]
    for index in range(len(inline.formset.forms)):
        data[f"{inline.formset.prefix}-{index}-grade"] = Grade.OPEN
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert stored(llama) == (100, 9)


def test_a_spreadsheet_import_of_grades_keeps_the_score(editor_client, seed):
    content = (
        "slug,name,organization,category,openness_weights\n"
        "llama-2,LLaMA 2,meta,open-source,unknown\n"
    )
    confirm(editor_client, "modelentry", upload(editor_client, "modelentry", content))
    llama = ModelEntry.objects.get(slug="llama-2")
    assert stored(llama) == computed(llama) == (50, 8)


def test_reverting_a_revision_scores_the_grades_there_are(editor_client, seed):
    llama = ModelEntry.objects.get(slug="llama-2")
    before = stored(llama)
    OpennessGrade.objects.filter(entry=llama).update(grade=Grade.OPEN)  # behind the model's back
    version = Version.objects.get_for_object(llama).first()
    version.revision.revert()
    assert stored(llama) == computed(llama) == before


def test_generate_data_stores_what_the_grades_give():
    call_command("generate_data", "--entries", "300", "--articles", "0", "--seed", "7")
    entries = ModelEntry.objects.prefetch_related("openness")
    got = {e.pk: (e.openness_score, e.openness_graded) for e in entries}
    assert got == {e.pk: (scorecard(e).score, scorecard(e).graded) for e in entries}
    assert any(score is not None for score, _ in got.values())
    # And the tier, as an entry's save and its grades' refresh store it.
    tiers = {e.pk: e.openness_tier for e in entries}
    assert tiers == {e.pk: tier_of(e) for e in entries}
    assert len(set(tiers.values())) > 2


def test_refresh_and_its_command_store_the_score_again_after_writes_in_bulk(seed):
    ModelEntry.objects.update(openness_score=None, openness_graded=0)
    assert refresh_scores(ModelEntry.objects.filter(slug="llama-2")) == 1
    assert stored(ModelEntry.objects.get(slug="llama-2")) == (50, 9)
    out = StringIO()
    call_command("refresh_openness_scores", stdout=out)
    assert "stored for" in out.getvalue()
    assert stored(ModelEntry.objects.get(slug="gpt-4")) == (22, 9)


def test_the_migration_stores_the_scores_of_the_entries_there_are(seed):
    ModelEntry.objects.update(openness_score=None, openness_graded=0)
    migration = importlib.import_module("kb.catalogue.migrations.0018_entry_openness_score")
    migration.store_scores(global_apps, SimpleNamespace(connection=connection))
    entries = ModelEntry.objects.prefetch_related("openness")
    assert {e.slug: (e.openness_score, e.openness_graded) for e in entries} == {
        e.slug: (scorecard(e).score, scorecard(e).graded) for e in entries
    }


# The stored tier, kept by the same refresh as the score.


def stored_tier(entry):
    return ModelEntry.objects.get(pk=entry.pk).openness_tier


def test_a_grade_saved_or_deleted_stores_score_and_tier_in_one_update(
    django_assert_num_queries,
):
    entry = ModelEntryFactory(access=Access.WEIGHTS)
    OpennessGrade.objects.create(entry=entry, dimension=Dimension.TRAINING_CODE, grade=Grade.OPEN)
    assert stored_tier(entry) == TIER_OPEN_WEIGHTS
    # The grade's INSERT, the content version, then one UPDATE of the entry.
    with django_assert_num_queries(3) as captured:
        grade = OpennessGrade.objects.create(
            entry=entry, dimension=Dimension.TRAINING_DATA, grade=Grade.OPEN
        )
    (update,) = [
        q["sql"] for q in captured.captured_queries if 'UPDATE "kb_modelentry"' in q["sql"]
    ]
    assert "openness_tier" in update and "openness_score" in update
    assert stored_tier(entry) == TIER_FULLY_OPEN
    grade.delete()
    assert stored_tier(entry) == TIER_OPEN_WEIGHTS


def test_a_copy_read_before_its_grades_changed_does_not_write_its_old_tier_back():
    entry = ModelEntryFactory(access=Access.WEIGHTS)
    stale = ModelEntry.objects.get(pk=entry.pk)
    OpennessGrade.objects.create(entry=entry, dimension=Dimension.WEIGHTS, grade=Grade.PARTIAL)
    stale.summary = "Changed by an editor who had the page open."
    stale.save()
    assert stored_tier(entry) == TIER_RESTRICTED_WEIGHTS


@pytest.mark.parametrize(
    ("field", "value", "tier"),
    [
        ("access", Access.HOSTED, TIER_HOSTED),
        ("weights_use", WeightsUse.NON_COMMERCIAL, TIER_RESTRICTED_WEIGHTS),
    ],
)
def test_saving_an_entry_whose_access_or_terms_changed_stores_its_tier(field, value, tier):
    entry = ModelEntry.objects.get(pk=ModelEntryFactory(access=Access.WEIGHTS).pk)
    assert entry.openness_tier == TIER_OPEN_WEIGHTS
    setattr(entry, field, value)
    entry.save()
    assert stored_tier(entry) == tier


def test_a_plain_save_of_an_entry_whose_tier_inputs_did_not_change_reads_no_grades(
    django_assert_num_queries,
):
    entry = ModelEntry.objects.get(pk=ModelEntryFactory(access=Access.WEIGHTS).pk)
    entry.summary = "A new summary."
    # The version's compare-and-set, the row, the content version; the search index: a
    # savepoint, the entry and its modalities, pros and cons and aliases, its document
    # replaced (on PostgreSQL also its vector and its words). No query of the grades.
    queries = {"postgresql": 18}.get(connection.vendor, 16)
    with django_assert_num_queries(queries) as captured:
        entry.save()
    assert not [q for q in captured.captured_queries if "kb_opennessgrade" in q["sql"]]
    assert stored_tier(entry) == TIER_OPEN_WEIGHTS


GRADINGS = [
    {
        Dimension.WEIGHTS: weights,
        Dimension.WEIGHTS_LICENCE: licence,
        Dimension.TRAINING_CODE: Grade.OPEN,
        Dimension.TRAINING_DATA: data,
        Dimension.API: api,
    }
    for weights in (None, Grade.OPEN, Grade.PARTIAL, Grade.CLOSED)
    for licence in (None, Grade.OPEN, Grade.CLOSED)
    for data in (None, Grade.OPEN)
    for api in (None, Grade.OPEN)
]


def test_the_refreshed_tier_is_tier_of_for_every_access_terms_and_grades():
    """The UPDATE's tier (openness.stored_tier_value) and tier_of give the same answers."""
    maker = ModelEntryFactory()
    made = []
    for access in ["", *Access.values]:
        for weights_use in ["", *WeightsUse.values]:
            for grades in GRADINGS:
                made.append(
                    (
                        ModelEntryFactory.build(
                            access=access,
                            weights_use=weights_use,
                            organization=maker.organization,
                            category=maker.category,
                        ),
                        grades,
                    )
                )
    ModelEntry.objects.bulk_create(entry for entry, _ in made)
    OpennessGrade.objects.bulk_create(
        OpennessGrade(entry=entry, dimension=dimension, grade=grade)
        for entry, grades in made
        for dimension, grade in grades.items()
        if grade
    )
    ModelEntry.objects.update(openness_tier=TIER_UNKNOWN)
    refresh_scores(ModelEntry.objects.all())
    entries = ModelEntry.objects.prefetch_related("openness")
    assert {entry.pk: entry.openness_tier for entry in entries} == {
        entry.pk: tier_of(entry) for entry in entries
    }
    assert len({entry.openness_tier for entry in entries}) == 6  # every tier is met
