"""The openness score and its coverage are stored on the entry (for the directory to sort and
filter by an index) and kept in step with the grades by every writer of grades."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from kb.catalogue.models import ModelEntry, OpennessGrade
from kb.catalogue.openness import refresh_scores, scorecard
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
