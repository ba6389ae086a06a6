"""Chart blocks (``[[chart NAME OPTIONS]]``): drawn from the data in any Markdown text, the same in
the editor's preview, a warning for options that cannot be read, and the article built on them."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from kb.catalogue.models import Access, Article, Modality, ModelEntry
from kb.site.markdown import render, render_document, render_preview
from tests.support.epoch import import_sample
from tests.support.factories import ModalityFactory, ModelEntryFactory
from tests.support.html import parse
from tests.support.plans import grouped_entry_plans, only_on_sqlite, read_from_an_index_unsorted
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def releases(db):
    """Three models of 2023, two with downloadable weights, and one of 2024, closed."""
    for access, day in [
        (Access.WEIGHTS, datetime.date(2023, 2, 1)),
        (Access.WEIGHTS, datetime.date(2023, 5, 1)),
        (Access.HOSTED, datetime.date(2023, 9, 1)),
        (Access.HOSTED, datetime.date(2024, 1, 1)),
    ]:
        ModelEntryFactory(access=access, release_date=day, parameter_count=10**9)


def with_class(root, tag, name):
    return [e for e in root.find_all(tag) if name in e.get("class", "").split()]


def figure(html):
    (found,) = with_class(parse(html), "figure", "chart")
    return found


def svg(html):
    """The chart's SVG as written in the page, parsed as XML: it must be well-formed."""
    (written,) = re.findall(r'<svg class="chart-drawing".*?</svg>', html, re.DOTALL)
    return ET.fromstring(written)


def links(chart):
    (source,) = with_class(chart, "p", "chart-source")
    return {a.text: a["href"] for a in source.find_all("a")}


def test_a_chart_block_draws_the_data_with_its_numbers_beside_it(releases):
    html = render("Before\n\n[[chart open-share]]\n\nAfter")
    chart = figure(html)
    # Well-formed SVG: it parses as XML on its own, an image with a name and a description.
    drawing = svg(html)
    assert drawing.get("role") == "img"
    assert drawing.find(f"{SVG}title").text == "Models released each year, by openness"
    summary = "In 2024, 0 % of the 1 models released had downloadable weights, down from 67 % of 3 in 2023."
    assert drawing.find(f"{SVG}desc").text.startswith(summary)
    assert summary in chart.find("figcaption").text
    # A bar segment per tier each year: 2023 open weights and hosted, 2024 hosted.
    assert len(drawing.findall(f"{SVG}rect")) == 3
    rows = [
        [cell.text for cell in row.elements]
        for row in chart.find("details").find("tbody").find_all("tr")
    ]
    assert rows == [
        ["2023", "0", "2 (67 %)", "0", "1 (33 %)", "0", "0", "3"],
        ["2024", "0", "0", "0", "1 (100 %)", "0", "0", "1"],
    ]
    assert links(chart) == {
        "Epoch AI, Notable AI Models": "https://epoch.ai/data/notable-ai-models",
        "The numbers as CSV": "/data/charts/open-share.csv",
        "JSON": "/api/charts/open-share/",
    } or links(chart) == {
        "The numbers as CSV": "/data/charts/open-share.csv",
        "JSON": "/api/charts/open-share/",
    }


def test_the_options_go_to_the_chart_and_its_links(releases):
    chart = figure(render("[[chart frontier-gap from=2023 to=2024 measure=compute]]"))
    (title,) = with_class(chart, "strong", "chart-title")
    assert title.text == (
        "The largest open-weights and closed models, year by year, by training compute, 2023 to 2024"
    )
    assert links(chart)["The numbers as CSV"] == (
        "/data/charts/frontier-gap.csv?from=2023&amp;to=2024&amp;measure=compute".replace(
            "&amp;", "&"
        )
    )
    # No compute is known: no year has a model to show.
    assert "No year has both" in chart.find("figcaption").text


@pytest.mark.parametrize(
    "placeholder",
    [
        "[[chart frontier-gap]]",
        "[[chart by-organization by=country top=5]]",
        "[[chart open-share from=2020 to=2025]]",
    ],
)
def test_every_chart_is_well_formed_svg_in_the_preview_as_on_the_page(releases, placeholder):
    ModelEntry.objects.update(country="France, Canada")
    page, preview = render(placeholder), render_preview(placeholder)
    assert preview == page
    assert svg(page).get("role") == "img"


def test_a_modality_narrows_the_chart(releases):
    ModelEntry.objects.get(release_date=datetime.date(2023, 2, 1)).modalities.add(
        Modality.objects.create(slug="text", name="Text")
    )
    chart = figure(render("[[chart open-share modality=text from=2023]]"))
    assert "In 2023, 100 % of the 1 models released" in chart.find("figcaption").text


@pytest.mark.parametrize(
    ("placeholder", "reason"),
    [
        ("[[chart]]", "Name the chart: open-share, frontier-gap, by-organization."),
        ("[[chart pie]]", "chart: There is no chart “pie”."),
        ("[[chart open-share from=twenty]]", "from: A year, such as 2020."),
        (
            "[[chart open-share from=2020 to=2010]]",
            "to: “to” must be the same year as “from” or later.",
        ),
        ("[[chart open-share colour=red]]", "colour: open-share takes no option “colour”"),
        ("[[chart open-share from]]", "“from” is not an option: write name=value"),
        ("[[chart open-share from=2020 from=2021]]", "The option “from” is written twice."),
        ("[[chart by-organization top=500]]", "top: A whole number from 1 to 30."),
        ("[[chart open-share modality=smell]]", "No modality has the slug “smell”"),
    ],
)
def test_options_that_cannot_be_read_warn_the_editor_and_show_nothing(
    releases, placeholder, reason
):
    preview = visible_text(render_preview(f"Before\n\n{placeholder}\n\nAfter"))
    assert f"⚠ {placeholder} is not shown: " in preview
    assert reason in preview
    assert render(f"Before\n\n{placeholder}\n\nAfter") == "<p>Before</p>\n\n<p>After</p>"


def test_the_editor_preview_draws_the_chart(editor_client, releases):
    response = editor_client.post(
        reverse("markdownx_markdownify"), {"content": "[[chart open-share]]\n\n[[chart nope]]"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(render("[[chart open-share]]"))
    assert "⚠ [[chart nope]] is not shown" in html


def test_a_documents_charts_are_read_in_a_fixed_number_of_queries(
    releases, django_assert_num_queries
):
    text = "\n\n".join(
        ["[[chart open-share]]", "[[chart frontier-gap]]", "[[chart by-organization]]"]
    )
    # The content version; the datasets to credit; once for the three charts, which select the
    # same entries, the latest change to those; the kept counts by tier and year (open-share);
    # the kept largest of each day and side, and the few largest that frontier-gap shows named;
    # the kept counts by organization, and the organizations named. None grows with the rows.
    with django_assert_num_queries(8):
        first = render_document(text)
    ModelEntryFactory.create_batch(
        20, access=Access.WEIGHTS, release_date=datetime.date(2024, 3, 1)
    )
    with django_assert_num_queries(8):
        render_document(text)
    # Until content changes, the charts are not drawn again: the content version is all it reads.
    second = render_document(text)
    with django_assert_num_queries(1):
        assert render_document(text) == second
    assert first.shown  # the latest change to the entries counted, for "Last updated"


CHARTS_OF_EVERY_KIND = [
    "[[chart open-share from=2015]]",
    "[[chart frontier-gap measure=compute]]",
    "[[chart by-organization]]",
    "[[chart by-organization by=country]]",
]


def test_the_charts_of_every_modality_read_the_kept_groups_not_the_entries(releases):
    """ChartDay and ChartMaker (kept by the database, tests/catalogue/test_tallies.py) hold
    what the charts of every modality count: no query groups the entries."""
    plans = grouped_entry_plans(lambda: render_document("\n\n".join(CHARTS_OF_EVERY_KIND)))
    assert plans == []


@pytest.mark.skipif(**only_on_sqlite)
def test_the_charts_of_one_modality_count_from_the_indexes_without_sorting(releases):
    text = ModalityFactory(slug="text", name="Text")
    for entry in ModelEntry.objects.all():
        entry.modalities.add(text)
    document = "\n\n".join(
        chart.replace("]]", " modality=text]]") for chart in CHARTS_OF_EVERY_KIND
    )
    plans = grouped_entry_plans(lambda: render_document(document))
    # Counts and the largest by tier and day, once for open-share and frontier-gap of any
    # years, and once for both by-organization charts, counts by organization and country.
    assert len(plans) == 2
    for plan in plans:
        assert read_from_an_index_unsorted(plan, "entry_charts_"), plan


def test_the_two_worlds_in_numbers_is_built_on_the_charts(client, seed, django_assert_num_queries):
    import_sample()
    article = Article.objects.get(slug="the-two-worlds-in-numbers")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = parse(page.content)
    assert len(with_class(html, "figure", "chart")) == 5
    assert not with_class(html, "p", "block-warning")
    assert "Epoch AI, Notable AI Models" in visible_text(page.content)


def test_the_seed_article_and_the_home_page_link_to_it(client, seed):
    url = reverse("kb:article", args=["the-two-worlds-in-numbers"])
    seed_article = parse(
        client.get(reverse("kb:article", args=["open-source-vs-closed-models"])).content
    )
    (related,) = with_class(seed_article, "aside", "related")
    assert related.find("a", href=url).text == "The two worlds in numbers"
    home = parse(client.get(reverse("kb:home")).content)
    assert home.find("a", href=url).text == "The two worlds in numbers"


def test_the_seed_articles_own_words_are_unchanged(seed):
    # Its body as the bundled content had it before the charts' article came.
    body = Article.objects.get(slug="open-source-vs-closed-models").body
    assert body.startswith("As Generative AI becomes more powerful and widely used")
    assert "[[chart" not in body and "two worlds in numbers" not in body.lower()
