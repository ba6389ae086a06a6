"""``manage.py screenshots``: the pages it takes are every kind the site has, and each answers
(Chromium itself runs only in ``make screenshots``)."""

import pytest
from django.core.management.base import CommandError
from django.urls import resolve

from kb.catalogue.models import ModelEntry
from kb.tools.management.commands.screenshots import PAGES, page_paths
from tests.support.factories import ModelEntryFactory

pytestmark = pytest.mark.django_db


# Every kind of HTML page, by its route's name; the rest answer JSON, CSV, XML or text.
HTML_PAGES = {
    "home", "article_list", "article", "compare", "category", "organization", "model_list",
    "model", "compare_models", "timeline", "search", "data",
}  # fmt: skip


@pytest.fixture
def variant(seed):
    claude = ModelEntry.objects.get(slug="claude")
    return ModelEntryFactory(
        name="Claude X", slug="claude-x", family=claude, category=claude.category
    )


def test_every_page_answers(client, admin_user, variant):
    client.force_login(admin_user)
    paths = dict(page_paths())
    assert paths["model-variant"] == "/models/claude-x/"
    assert paths["model-family"] == "/models/claude/"
    for name, path in paths.items():
        expected = 404 if name == "not-found" else 200
        assert client.get(path).status_code == expected, path


def test_every_kind_of_page_is_taken():
    taken = set()
    for name, path in PAGES:
        if not path.startswith("{") and name != "not-found":
            taken.add(resolve(path.split("?")[0]).url_name)
    taken |= {"article", "model"}  # {article}, {family}, {variant}
    assert HTML_PAGES - taken == set()


def test_without_a_variant_it_says_what_to_load(seed):
    with pytest.raises(CommandError, match="Epoch AI"):
        page_paths()
