"""One list of content models (``kb.catalogue.models.content_models()``), and everything that reads it."""

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group

from kb.catalogue.editors import ACTIONS, EDITORS, markdown_models
from kb.catalogue.models import (
    Article,
    Category,
    ComparisonCell,
    ContentVersion,
    ImportRecord,
    ModelEntry,
    Organization,
    content_models,
)
from kb.catalogue.tallies import TALLIES


def test_every_model_of_the_app_but_the_bookkeeping_is_content():
    models = set(apps.get_app_config("kb").get_models())
    assert models - set(content_models()) == {ContentVersion, ImportRecord, *TALLIES}


@pytest.mark.django_db
def test_the_editors_group_may_do_everything_with_the_content_models_and_nothing_else():
    permissions = Group.objects.get(name=EDITORS).permissions.select_related("content_type")
    granted = {(p.content_type.model_class(), p.codename) for p in permissions}
    expected = {
        (model, f"{action}_{model._meta.model_name}")
        for model in content_models()
        for action in ACTIONS
    }
    assert granted == expected


def test_every_content_model_keeps_revisions():
    """And what imports last wrote, so undoing an import puts it back with the entries."""
    kb_models = {m for m in reversion.get_registered_models() if m._meta.app_label == "kb"}
    assert kb_models == {*content_models(), ImportRecord}


def test_every_content_model_is_edited_in_the_admin_on_its_own_or_inline():
    registered = [m for m in content_models() if admin.site.is_registered(m)]
    inline = {
        inline.model for model in registered for inline in admin.site.get_model_admin(model).inlines
    }
    assert set(registered) | inline == set(content_models())


def test_markdown_models_are_the_content_models_with_markdown():
    assert set(markdown_models()) == {Article, Category, ComparisonCell, ModelEntry, Organization}
