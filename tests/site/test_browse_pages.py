"""Home, model, category and organization pages; the site's frame; error pages."""

import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertInHTML

from kb.catalogue.filters import PAGE_SIZES
from kb.catalogue.models import ModelEntry, OpennessGrade, ProCon, Source, Status
from kb.site import model_comparison
from tests.support.catalogue import build_catalogue
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModalityFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import inline_code, parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db


def links(response):
    return [link["href"] for link in parse(response.content).find_all("a") if "href" in link.attrs]


def section(response, heading_id):
    """The visible text of the <section> labelled by the heading with ``heading_id``."""
    return parse(response.content).find("section", aria_labelledby=heading_id).text


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
    assert "Open-source models Weights anyone can download. 2 models in the directory" in worlds
    assert "Closed models API only. 1 model in the directory" in worlds
    assert "/categories/open-source/" in links(page)
    assert "/models/?category=open-source" in links(page)


def test_home_lists_featured_published_articles_only(client, world):
    featured = section(client.get("/"), "featured")
    assert "Open vs closed" in featured
    assert "Plain article" not in featured
    assert "Draft article" not in featured


def test_home_lists_the_latest_releases_newest_first(client, world):
    ModelEntry.objects.filter(slug="gpt-4").update(release_date=datetime.date(2030, 1, 1))
    # An entry changed today is not a release of today.
    ModelEntry.objects.filter(slug="llama-2").update(
        updated_at=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)
    )
    recent = section(client.get("/"), "recent")
    assert recent.startswith("Latest releases GPT-4")
    assert "1 Jan 2030" in recent
    assert "Hidden draft" not in recent


def test_home_has_a_search_form(client, world):
    page = parse(client.get("/").content)
    form = page.find("form", class_="hero-search", method="get", action="/search/")
    assert form.find_all(name="q")
    assert form.find_all("label", for_="home-search")


# ---------- Model page ----------


def test_model_page_facts_link_their_sources(client, world):
    page = client.get("/models/llama-2/")
    assert page.status_code == 200
    facts = parse(page.content).find("table", class_="data-table facts-table")
    rows = {}  # header: (the cells' text, their links)
    for row in facts.find_all("tr"):
        header, *cells = row.elements
        if (header.tag, header.attrs) == ("th", {"scope": "row"}):
            text = " ".join(" ".join(cell.text for cell in cells).split())
            rows[header.text] = (text, [link for cell in cells for link in cell.find_all("a")])
    text, sources = rows["Release date"]
    assert "https://about.fb.com/llama-2/" in [link.get("href") for link in sources]
    assert "Meta announcement" in text
    assert any(
        (link.get("href"), link.get("rel")) == ("https://ai.meta.com/llama/license/", "noopener")
        and link.text.startswith("The licence")
        for link in rows["Licence"][1]
    )
    assert rows["Parameters"][0] == "7B, 13B, 70B Not recorded"
    assert rows["Context window"][0] == "Not published"
    assert rows["OSI-approved licence"][0] == "No"
    # General sources are listed on their own.
    assert "The paper" in section(page, "sources")


def test_model_page_shows_description_pros_cons_openness_and_articles(client, world):
    page = client.get("/models/llama-2/")
    html = page.content.decode()
    assertInHTML('<h2 id="training">Training</h2>', html)
    assertInHTML("<strong>2T</strong>", html)
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
    assert (
        "Mistral has no pros or cons of its own yet; below are the ones typical of open-source "
        "models in general." in text
    )
    assert "Free to run" in text


def compare_picker(html):
    """The model page's "Compare with…" form."""
    return parse(html).find("form", method="get", action="/compare/models/")


def inputs(element):
    return [box.attrs for box in element.find_all("input")]


def test_model_page_links_organization_category_and_a_compare_picker(client, world):
    page = client.get("/models/llama-2/")
    assert "/organizations/meta/" in links(page)
    assert "/categories/open-source/" in links(page)
    html = page.content.decode()
    picker = compare_picker(html)
    assert {"type": "hidden", "name": "m", "value": "llama-2"} in inputs(picker)
    # After the empty choice, every other published entry, grouped by category in the
    # categories' order.
    options = [option.attrs for option in picker.find_all("option")]
    assert options == [{"value": ""}, {"value": "mistral"}, {"value": "gpt-4"}]
    assert [group.attrs["label"] for group in picker.find_all("optgroup")] == [
        "Open-source models",
        "Closed models",
    ]


def test_model_page_above_the_picker_limit_asks_to_type_a_model(client, world, monkeypatch):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 2)
    html = client.get("/models/llama-2/").content.decode()
    picker = compare_picker(html)
    assert {"type": "hidden", "name": "m", "value": "llama-2"} in inputs(picker)
    assert picker.find_all("select") == [] and picker.find_all("option") == []
    assert {
        "type": "text",
        "name": "m",
        "id": "compare-with",
        "value": "",
        "autocomplete": "off",
        "spellcheck": "false",
        "aria-describedby": "compare-with-hint",
        "data-model-suggest-url": "/search/suggest/models/",
        "required": "",
    } in inputs(picker)
    (label,) = picker.find_all("label")
    assert (label.attrs, label.children) == ({"for": "compare-with"}, ["Another model"])
    (hint,) = picker.find_all("p", id="compare-with-hint")
    assert (hint.attrs, hint.children) == (
        {"id": "compare-with-hint", "class": "picker-hint"},
        ["Type its name or slug."],
    )
    assertInHTML('<script type="module" src="/static/js/model-picker.js"></script>', html)


def test_model_page_below_the_picker_limit_loads_no_picker_script(client, world):
    html = client.get("/models/llama-2/").content.decode()
    selects = [select.attrs for select in parse(html).find_all("select")]
    assert {"name": "m", "id": "compare-with", "required": ""} in selects
    assert "model-picker.js" not in html


@pytest.mark.parametrize("count", [10, 200])
def test_model_page_query_count_above_the_picker_limit(
    client, django_assert_num_queries, monkeypatch, count
):
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 5)
    build_catalogue(count)
    # Entry; modalities, sources, grades, pros/cons, category pros/cons, API price, other
    # organizations, provenance; articles; the count. (A family also reads its variants.)
    with django_assert_num_queries(11):
        page = client.get("/models/bulk-000/")
    assert page.status_code == 200
    assert parse(page.content).find("input", id="compare-with", value="")


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
    assertInHTML(f'<span class="count">{total}</span>', page.content.decode())
    assertInHTML('<a href="?page=2" rel="next">Next →</a>', page.content.decode())
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
    page = parse(html)
    assertInHTML('<a class="skip-link" href="#main">Skip to content</a>', html)
    assert page.find("main", id="main")
    assert {"class": "site-nav", "aria-label": "Main"} in [
        nav.attrs for nav in page.find_all("nav")
    ]
    assert page.find_all("footer")
    # A strict Content Security Policy is coming.
    assert inline_code(html) == []
    scripts = page.find_all("script")
    # Stylesheets, scripts and images come from this site only.
    assets = [
        *(
            link["href"]
            for link in page.find_all("link")
            if link.get("rel") in ("stylesheet", "icon")
        ),
        *(script["src"] for script in scripts if "src" in script.attrs),
        *(image["src"] for image in page.find_all("img")),
    ]
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset


@pytest.mark.parametrize(
    ("url", "current"),
    [("/models/", "page"), ("/models/llama-2/", "true"), ("/compare/models/", "true")],
)
def test_navigation_marks_where_the_visitor_is(client, world, url, current):
    page = parse(client.get(url).content)
    label = "Compare" if "compare" in url else "Models"
    assert [link.children for link in page.find_all("a", aria_current=current)] == [[label]]


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
        ("/", 3, "Latest releases Bulk model"),
        # Entry; modalities, sources, grades, pros/cons, category pros/cons, API price, other
        # organizations, imported facts' provenance; articles; the picker's count and list.
        ("/models/bulk-000/", 12, "Bulk model 000"),
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
