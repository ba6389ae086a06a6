"""Every kind of page is valid HTML, as the Nu HTML checker (vnu.jar, from npm) reads it.

The checker runs once over all the pages (Java starts in about a second; once per page would be
slow). ``make vnu`` (part of ``make test``) installs it into ``.vnu/``; without it, or without
Java, the test skips with the reason, and with ``KB_REQUIRE_VNU=1`` (CI) it fails instead.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from reversion.models import Version

from kb.catalogue.models import Article, Category, ModelEntry
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get("KB_VNU_JAR") or ROOT / ".vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)
JAVA = shutil.which("java")
REQUIRE_VNU = os.environ.get("KB_REQUIRE_VNU") == "1"

# One page of each kind a visitor can reach, with the bundled content.
PUBLIC_PAGES = {
    "home": "/",
    "article list": "/articles/",
    "article": "/articles/open-source-vs-closed-models/",
    "article with charts": "/articles/the-two-worlds-in-numbers/",
    "category": "/categories/open-source/",
    "organization": "/organizations/meta/",
    "directory": "/models/",
    "directory, filtered and sorted": "/models/?category=open-source&modality=text&sort=-parameters",
    "directory, nothing found": "/models/?organization=meta&category=closed",
    "directory, with notices": "/models/?sort=bogus&page=99",
    "model": "/models/llama-2/",
    "category comparison": "/compare/",
    "model comparison, empty": "/compare/models/",
    "model comparison": "/compare/models/?m=llama-2&m=gpt-4&m=mistral",
    "search results": "/search/?q=open+weights",
    "search results, filtered": "/search/?q=open&type=model&category=open-source",
    "search, nothing found": "/search/?q=zzzzqqqq",
    "search, spelling help": "/search/?q=mixtrl",
    "timeline": "/timeline/",
    "open data": "/data/",
    "not found": "/no-such-page/",
}
# What editors see through the site's own admin templates: the seed article's.
ADMIN_PAGES = {
    "admin: entry list": ("admin:kb_modelentry_changelist",),
    "admin: article form": ("admin:kb_article_change", "article"),
    "admin: new entry form": ("admin:kb_modelentry_add",),
    "admin: entry form": ("admin:kb_modelentry_change", "entry"),
    "admin: category form": ("admin:kb_category_change", "category"),
    "admin: article history": ("admin:kb_article_history", "article"),
    "admin: article revision compared": ("admin:kb_article_compare", "article", "revision"),
}


def missing_checker():
    if not VNU_JAR.exists():
        return f"no Nu HTML checker at {VNU_JAR} (make vnu installs it with npm)"
    if not JAVA:
        return "no java on PATH for the Nu HTML checker (apt-get install default-jre-headless)"
    return None


@pytest.fixture
def vnu():
    reason = missing_checker()
    if reason and REQUIRE_VNU:
        pytest.fail(f"KB_REQUIRE_VNU=1 but {reason}")
    if reason:
        pytest.skip(reason)
    return [JAVA, "-Xss8m", "-jar", str(VNU_JAR)]


def errors(vnu, files):
    """The checker's errors for ``files``: "file:line: message (extract)" lines."""
    result = subprocess.run(
        [*vnu, "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" ({m.get('extract', '').strip()[:120]!r})"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def save(tmp_path, name, response, expected_status=200):
    assert response.status_code == expected_status, (name, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    path = tmp_path / (name.replace(" ", "-").replace(",", "").replace(":", "") + ".html")
    path.write_bytes(response.content)
    return path


def test_every_kind_of_page_is_valid_html(client, seed, tmp_path, vnu):
    files = [
        save(tmp_path, name, client.get(url), 404 if name == "not found" else 200)
        for name, url in PUBLIC_PAGES.items()
    ]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    article = Article.objects.get(slug="open-source-vs-closed-models")
    ids = {
        "article": article.pk,
        "revision": Version.objects.get_for_object(article)[0].pk,
        "entry": ModelEntry.objects.get(slug="llama-2").pk,
        "category": Category.objects.get(slug="open-source").pk,
    }
    for name, (route, *args) in ADMIN_PAGES.items():
        url = reverse(route, args=[ids[arg] for arg in args])
        files.append(save(tmp_path, name, client.get(url)))
    found = errors(vnu, files)
    assert not found, "\n".join(found)


def test_the_checker_finds_errors(tmp_path, vnu):
    """The test above could pass with a checker that reads nothing."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!doctype html><html lang=en><title>x</title>"
        '<table><tr><td role="cell">x</td></tr></table><p><div></div>'
    )
    (found,) = [line for line in errors(vnu, [page]) if "role" in line]
    assert found.startswith("broken.html:1: ")
