import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import ModelEntry, Status
from kb.site.timeline import CHAR_WIDTH, build
from tests.support.factories import CategoryFactory, ModelEntryFactory
from tests.support.html import parse
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

SEED_ORDER = [
    "BLOOM",
    "Stable Diffusion",
    "Claude",
    "GPT-4",
    "Falcon",
    "LLaMA 2",
    "Mistral",
    "Gemini",
    "Mixtral",
    "Sora",
]


def table_rows(html):
    rows = parse(html).find("table", class_="timeline-table").find_all("tr")
    return [row.text for row in rows[1:]]  # after the header row


def details(html):
    return [element.attrs for element in parse(html).find_all("details")]


def test_the_data_is_every_dated_published_entry_oldest_first(seed):
    timeline = build()
    assert [point.entry.name for point in timeline.points] == SEED_ORDER
    xs = [point.x for point in timeline.points]
    assert xs == sorted(xs)
    assert [s.category.slug for s in timeline.series] == ["open-source", "closed"]
    assert [(s.css_class, s.shape) for s in timeline.series] == [
        ("tl-cat-0", "circle"),
        ("tl-cat-1", "square"),
    ]
    assert [tick.year for tick in timeline.ticks] == [2022, 2023, 2024]


def test_labels_in_one_row_never_overlap(seed):
    timeline = build()
    rows = {}
    for point in timeline.points:
        width = len(point.entry.name) * CHAR_WIDTH
        span = (
            (point.label_x - width, point.x)
            if point.label_at_end
            else (point.x, point.label_x + width)
        )
        rows.setdefault(point.y, []).append(span)
    for spans in rows.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert max(point.label_x for point in timeline.points) <= timeline.width


def test_drafts_and_undated_entries_are_left_out(seed):
    ModelEntryFactory(
        name="Draft model", release_date=datetime.date(2023, 1, 1), status=Status.DRAFT
    )
    ModelEntryFactory(name="Undated model", release_date=None)
    names = [point.entry.name for point in build().points]
    assert "Draft model" not in names and "Undated model" not in names


def test_the_page_has_the_chart_its_caption_and_the_table(client, seed, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get(reverse("kb:timeline"))
    assert page.status_code == 200
    html = page.content.decode()
    text = visible_text(html)
    assert "Model releases over time: each mark is one published model" in text
    assert "(Open-source models: circle; Closed (proprietary) models: square)" in text
    assert table_rows(html) == [
        "BLOOM BigScience Open-source models 12 July 2022",
        "Stable Diffusion Stability AI Open-source models 22 August 2022",
        "Claude Anthropic Closed (proprietary) models 14 March 2023",
        "GPT-4 OpenAI Closed (proprietary) models 14 March 2023",
        "Falcon Technology Innovation Institute Open-source models 25 May 2023",
        "LLaMA 2 Meta Open-source models 18 July 2023",
        "Mistral Mistral AI Open-source models 27 September 2023",
        "Gemini Google Closed (proprietary) models 6 December 2023",
        "Mixtral Mistral AI Open-source models 11 December 2023",
        "Sora OpenAI Closed (proprietary) models 9 December 2024",
    ]
    assertInHTML('<th scope="row"><a href="/models/bloom/">BLOOM</a></th>', html)
    assertInHTML("<caption>Model releases by date</caption>", html)
    assert details(html) == [{"class": "timeline-data", "open": ""}]


def test_the_chart_is_plain_svg_a_strict_csp_allows(client, seed):
    html = client.get(reverse("kb:timeline")).content.decode()
    page = parse(html)
    tags = [(element.tag, element.attrs) for element in page.iter()]
    svg = next(attrs for tag, attrs in tags if tag == "svg")
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "timeline-svg-title timeline-svg-desc"
    assert not [tag for tag, attrs in tags if "style" in attrs or tag == "style"]
    # Scripts only from files (the search box's), none inline.
    assert all(attrs.get("src") for tag, attrs in tags if tag == "script")
    (desc,) = page.find_all("desc")
    assert desc.attrs == {"id": "timeline-svg-desc"}
    assert desc.children[0].startswith("10 releases from July 2022 (BLOOM)")
    markers = [attrs for tag, attrs in tags if tag == "path" and attrs.get("class") == "tl-marker"]
    assert len(markers) == 10 + 2  # one per release, one per legend entry
    groups = [attrs["class"] for tag, attrs in tags if tag == "g"]
    assert groups.count("tl-release tl-cat-0") == 6 and groups.count("tl-release tl-cat-1") == 4
    assert "http" not in svg.get("href", "") and "<image" not in html


def test_the_timeline_follows_changes_to_entries(client, seed):
    ModelEntry.objects.filter(slug="sora").update(status=Status.DRAFT)
    ModelEntryFactory(
        name="Newcomer",
        category=CategoryFactory(name="Research previews"),
        release_date=datetime.date(2025, 3, 1),
    )
    html = client.get(reverse("kb:timeline")).content.decode()
    names = [row.split(" ")[0] for row in table_rows(html)]
    assert "Sora" not in names and names[-1] == "Newcomer"
    assert "Research previews: diamond" in visible_text(html)
    assert [tick.year for tick in build().ticks] == [2022, 2023, 2024, 2025]


def test_the_include_tag_works_on_any_page_with_the_table_folded(seed):
    html = Template("{% load timeline %}{% release_timeline %}").render(
        Context({"request": RequestFactory().get("/")})
    )
    assert details(html) == [{"class": "timeline-data"}]
    assert len(table_rows(html)) == 10


def test_without_dated_entries_the_page_says_so(client, db):
    page = client.get(reverse("kb:timeline"))
    assert "No published model has a release date yet." in visible_text(page.content)
    assert "<svg" not in page.content.decode()
