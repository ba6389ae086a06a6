"""Home, model, category and organization pages; the site's frame; error pages."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error

from kb.catalogue.models import ModelEntry, OpennessGrade, ProCon, Source, Status
from kb.site import model_comparison
from kb.site.filters import PAGE_SIZES
from tests.support.catalogue import build_catalogue
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def links(response):
    return re.findall(r'<a [^>]*href="([^"]+)"', response.content.decode())


def section(response, heading_id):
    """The visible text of the <section> labelled by the heading with ``heading_id``."""
    html = response.content.decode()
    start = html.index(f'<section aria-labelledby="{heading_id}">')
    depth = 0
    for tag in re.finditer(r"<(/?)section\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return visible_text(html[start : start + tag.start()])
    raise AssertionError(f"section {heading_id!r} is not closed")


@pytest.fixture
def world(db):
    open_source = CategoryFactory(
        slug="open-source",
        name="Open-source models",
        short_name="Open-source",
        icon="🔓",
        summary="Weights anyone can download.",
        description="Open models are **published**.",
    )
    closed = CategoryFactory(
        slug="closed", name="Closed models", short_name="Closed", icon="🔒", summary="API only."
    )
    ProCon.objects.create(kind="pro", text="Free to run", category=open_source)
    ProCon.objects.create(kind="con", text="Needs skill", category=open_source)
    meta = OrganizationFactory(slug="meta", name="Meta", description="Makes *Llama*.")
    llama = ModelEntryFactory(
        name="LLaMA 2",
        slug="llama-2",
        category=open_source,
        organization=meta,
        summary="Meta's open family.",
        description="## Training\n\nTrained on **2T** tokens.",
        release_date=datetime.date(2023, 7, 18),
        parameters="7B, 13B, 70B",
        licence_name="Llama 2 Community License",
        licence_url="https://ai.meta.com/llama/license/",
        licence_osi_approved=False,
        access="weights",
        homepage="https://ai.meta.com/llama/",
    )
    llama.modalities.set([ModalityFactory(slug="text", name="Text")])
    Source.objects.create(
        entry=llama,
        fact="release_date",
        url="https://about.fb.com/llama-2/",
        title="Meta announcement",
    )
    Source.objects.create(
        entry=llama, fact="licence", url="https://ai.meta.com/llama/license/", title="The licence"
    )
    Source.objects.create(
        entry=llama, fact="general", url="https://arxiv.org/abs/2307.09288", title="The paper"
    )
    OpennessGrade.objects.create(entry=llama, dimension="weights", grade="open")
    ProCon.objects.create(kind="pro", text="Runs locally", entry=llama)
    ProCon.objects.create(kind="con", text="Custom licence", entry=llama)
    ModelEntryFactory(name="Mistral", slug="mistral", category=open_source, organization=meta)
    ModelEntryFactory(name="GPT-4", slug="gpt-4", category=closed)
    ModelEntryFactory(
        name="Hidden draft",
        slug="hidden",
        category=open_source,
        organization=meta,
        status=Status.DRAFT,
    )
    featured = ArticleFactory(title="Open vs closed", slug="open-vs-closed", featured=True)
    featured.entries.set([llama])
    ArticleFactory(title="Plain article", featured=False).entries.set([llama])
    ArticleFactory(title="Draft article", featured=True, status=Status.DRAFT).entries.set([llama])
    return llama


# ---------- Home ----------


def test_home_says_what_the_site_is_and_shows_the_two_worlds(client, world):
    page = client.get("/")
    assert page.status_code == 200
    text = visible_text(page.content)
    assert "Open and closed AI models, explained" in text
    worlds = section(page, "worlds")
    # Icons, names, summaries, and counts of published entries only (the draft is left out).
    assert "🔓 Open-source models Weights anyone can download. 2 models in the directory" in worlds
    assert "🔒 Closed models API only. 1 model in the directory" in worlds
    assert "/categories/open-source/" in links(page)
    assert "/models/?category=open-source" in links(page)


def test_home_lists_featured_published_articles_only(client, world):
    featured = section(client.get("/"), "featured")
    assert "Open vs closed" in featured
    assert "Plain article" not in featured
    assert "Draft article" not in featured


def test_home_lists_recently_updated_entries_newest_first(client, world):
    ModelEntry.objects.filter(slug="gpt-4").update(
        updated_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    recent = section(client.get("/"), "recent")
    assert recent.index("GPT-4") < recent.index("LLaMA 2")
    assert "Hidden draft" not in recent


def test_home_has_a_search_form(client, world):
    html = client.get("/").content.decode()
    form = re.search(
        r'<form class="hero-search" method="get" action="/search/"[^>]*>.*?</form>', html, re.S
    )
    assert form
    assert 'name="q"' in form.group(0)
    assert '<label for="home-search"' in form.group(0)


# ---------- Model page ----------


def test_model_page_facts_link_their_sources(client, world):
    page = client.get("/models/llama-2/")
    assert page.status_code == 200
    html = page.content.decode()
    facts = re.search(r'<table class="data-table facts-table">.*?</table>', html, re.S).group(0)
    rows = {
        visible_text(header): cells
        for header, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', facts, re.S)
    }
    assert 'href="https://about.fb.com/llama-2/"' in rows["Release date"]
    assert "Meta announcement" in visible_text(rows["Release date"])
    assert 'href="https://ai.meta.com/llama/license/" rel="noopener">The licence' in rows["Licence"]
    assert visible_text(rows["Parameters"]) == "7B, 13B, 70B None given yet"
    assert visible_text(rows["Context window"]) == "Not published None given yet"
    assert visible_text(rows["OSI-approved licence"]) == "No"
    # General sources are listed on their own.
    assert "The paper" in section(page, "sources")


def test_model_page_shows_description_pros_cons_openness_and_articles(client, world):
    page = client.get("/models/llama-2/")
    html = page.content.decode()
    assert '<h2 id="training">Training</h2>' in html
    assert "<strong>2T</strong>" in html
    assert section(page, "pros-cons") == "Pros and cons + Pros Runs locally − Cons Custom licence"
    assert "Weights ● Open" in section(page, "openness")
    assert "Training data ? Unknown" in section(page, "openness")
    # The scorecard: one dimension graded is too few for a score; and how a score is computed.
    assert "Openness score: none · 1 of 9 dimensions graded, too few for a score" in section(
        page, "openness"
    )
    assert "The openness score averages the graded dimensions" in section(page, "openness")
    articles = section(page, "articles")
    assert "Open vs closed" in articles
    assert "Plain article" in articles
    assert "Draft article" not in articles


def test_model_page_without_own_pros_shows_its_categorys_and_says_so(client, world):
    text = section(client.get("/models/mistral/"), "pros-cons")
    assert "No pros or cons of its own yet; these are the ones of its category" in text
    assert "Free to run" in text


def compare_picker(html):
    """The model page's "Compare with…" form."""
    return re.search(r'<form method="get" action="/compare/models/".*?</form>', html, re.S).group(0)


def test_model_page_links_organization_category_and_a_compare_picker(client, world):
    page = client.get("/models/llama-2/")
    assert "/organizations/meta/" in links(page)
    assert "/categories/open-source/" in links(page)
    html = page.content.decode()
    picker = compare_picker(html)
    assert '<input type="hidden" name="m" value="llama-2">' in picker
    options = re.findall(r'<option value="([\w-]+)">', picker)
    # Every other published entry, grouped by category in the categories' order.
    assert options == ["mistral", "gpt-4"]
    assert re.findall(r'<optgroup label="([^"]+)">', picker) == [
        "Open-source models",
        "Closed models",
    ]


def test_model_page_above_the_picker_limit_asks_to_type_a_model(client, world, monkeypatch):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 2)
    html = client.get("/models/llama-2/").content.decode()
    picker = compare_picker(html)
    assert '<input type="hidden" name="m" value="llama-2">' in picker
    assert "<select" not in picker and "<option" not in picker
    assert (
        '<input type="text" name="m" id="compare-with" value="" autocomplete="off" '
        'spellcheck="false" aria-describedby="compare-with-hint" '
        'data-model-suggest-url="/search/suggest/models/" required>'
    ) in picker
    assert '<label for="compare-with">Another model</label>' in picker
    assert '<p id="compare-with-hint" class="picker-hint">Type its name or slug.</p>' in picker
    assert '<script src="/static/js/model-picker.js" defer></script>' in html


def test_model_page_below_the_picker_limit_loads_no_picker_script(client, world):
    html = client.get("/models/llama-2/").content.decode()
    assert '<select name="m" id="compare-with" required>' in html
    assert "model-picker.js" not in html


@pytest.mark.parametrize("count", [10, 200])
def test_model_page_query_count_above_the_picker_limit(
    client, django_assert_num_queries, monkeypatch, count
):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 5)
    build_catalogue(count)
    # Entry; modalities, sources, grades, pros/cons, category pros/cons, other organizations,
    # provenance; articles; the count. (A family also reads its variants.)
    with django_assert_num_queries(10):
        page = client.get("/models/bulk-000/")
    assert page.status_code == 200
    assert 'id="compare-with" value=""' in page.content.decode()


def test_model_page_of_an_unknown_slug_is_a_friendly_404(client, world):
    page = client.get("/models/nothing-here/")
    assert page.status_code == 404
    text = visible_text(page.content)
    assert "Page not found" in text
    assert "/models/" in links(page)


# ---------- Category and organization pages ----------


def test_category_page_lists_its_published_entries_with_pros_and_cons(client, world):
    page = client.get("/categories/open-source/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>published</strong>" in html
    assert section(page, "pros-cons").startswith(
        "Pros and cons + Pros Free to run − Cons Needs skill"
    )
    models = section(page, "models")
    assert "LLaMA 2" in models and "Mistral" in models
    assert "Meta's open family." in models
    assert "Hidden draft" not in models and "GPT-4" not in models
    assert "/models/llama-2/" in links(page)


def test_organization_page_lists_its_published_entries(client, world):
    page = client.get("/organizations/meta/")
    assert page.status_code == 200
    assert "<em>Llama</em>" in page.content.decode()
    models = section(page, "models")
    assert "LLaMA 2" in models and "Mistral" in models
    assert "Hidden draft" not in models
    assert "/models/?organization=meta" in links(page)


@pytest.mark.parametrize("url", ["/categories/{category}/", "/organizations/{organization}/"])
def test_category_and_organization_pages_list_their_entries_a_page_at_a_time(client, url):
    first = build_catalogue(3 * PAGE_SIZES[0] + 6)[0]  # a third of them made by each maker
    url = url.format(category=first.category.slug, organization=first.organization.slug)
    owner = first.category if "categories" in url else first.organization
    total = owner.entries.published().count()
    assert PAGE_SIZES[0] < total < 2 * PAGE_SIZES[0]
    page = client.get(url)
    assert visible_text(page.content).count("Released") == PAGE_SIZES[0]
    assert f'<span class="count">{total}</span>' in page.content.decode()
    assert '<a href="?page=2" rel="next">Next →</a>' in page.content.decode()
    second = client.get(url + "?page=2")
    assert visible_text(second.content).count("Released") == total - PAGE_SIZES[0]
    for wrong, notice in (
        ("x", "No page “x”; showing the first page."),
        ("9", "There is no page 9"),
    ):
        answer = client.get(f"{url}?page={wrong}")
        assert answer.status_code == 200
        assert notice in visible_text(answer.content)


@pytest.mark.parametrize("url", ["/categories/nope/", "/organizations/nope/"])
def test_unknown_category_or_organization_is_404(client, world, url):
    assert client.get(url).status_code == 404


# ---------- Drafts ----------


def test_drafts_are_hidden_on_every_listing(client, world):
    for url in (
        "/",
        "/models/",
        "/categories/open-source/",
        "/organizations/meta/",
        "/models/llama-2/",
        "/compare/models/",
    ):
        text = visible_text(client.get(url).content)
        assert "Hidden draft" not in text, url
        assert "Draft article" not in text, url
    assert client.get("/models/hidden/").status_code == 404


def test_staff_still_preview_a_draft_model_page(editor_client, world):
    page = editor_client.get("/models/hidden/")
    assert page.status_code == 200
    assert "Draft: only staff can see this page." in visible_text(page.content)
    assert "no-cache" in page["Cache-Control"]


# ---------- The frame: header, navigation, no inline code, nothing from other hosts ----------


PAGES = [
    "/",
    "/models/",
    "/models/?category=closed",
    "/models/llama-2/",
    "/compare/models/",
    "/compare/models/?m=llama-2&m=gpt-4",
    "/categories/open-source/",
    "/organizations/meta/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_frame_and_no_inline_code_or_foreign_assets(client, world, url):
    html = client.get(url).content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "<footer" in html
    # A strict Content Security Policy is coming: no style attributes, no inline scripts.
    assert " style=" not in html
    # (JSON-LD is data the browser never runs.)
    assert re.findall(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', html) == []
    assert not re.search(r"\bon[a-z]+=", html)
    # Stylesheets, scripts and images come from this site only.
    assets = re.findall(
        r'<(?:link rel="(?:stylesheet|icon)"|script|img)[^>]+(?:href|src)="([^"]+)"', html
    )
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset


@pytest.mark.parametrize(
    ("url", "current"),
    [("/models/", "page"), ("/models/llama-2/", "true"), ("/compare/models/", "true")],
)
def test_navigation_marks_where_the_visitor_is(client, world, url, current):
    html = client.get(url).content.decode()
    label = "Compare" if "compare" in url else "Models"
    assert re.search(rf'aria-current="{current}">{label}</a>', html)


def test_the_stylesheet_defines_the_shared_palette_first(client):
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    palette = css[: css.index("/* ---------- Base")]
    for name in ("--bg", "--fg", "--muted", "--accent", "--border", "--surface", "--mark"):
        assert f"{name}:" in palette
    assert "@media (prefers-color-scheme: dark)" in palette
    assert "@media print" in css
    assert ":focus-visible" in css
    assert "@import" not in css and "url(http" not in css


# ---------- Errors ----------


def test_500_page_needs_neither_the_database_nor_a_request(settings, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert 'href="/"' in html
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# ---------- Query counts that do not grow with the number of entries ----------


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize(
    ("url", "queries", "shows"),
    [
        # Categories with counts, featured articles, recent entries.
        ("/", 3, "Recently updated models Bulk model"),
        # Entry; modalities, sources, grades, pros/cons, category pros/cons, other
        # organizations, imported facts' provenance; articles; the picker's count and list.
        ("/models/bulk-000/", 11, "Bulk model 000"),
        # Category, its pros/cons; the number of entries, a page of them and their modalities.
        ("/categories/{category}/", 5, "Bulk model 000"),
        # Organization; the number of entries, a page of them and their modalities.
        ("/organizations/{organization}/", 4, "Bulk model 000"),
    ],
)
def test_query_counts(client, django_assert_num_queries, count, url, queries, shows):
    first = build_catalogue(count)[0]
    url = url.format(category=first.category.slug, organization=first.organization.slug)
    with django_assert_num_queries(queries):
        page = client.get(url)
    assert page.status_code == 200
    assert shows in visible_text(page.content)
