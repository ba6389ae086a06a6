import datetime
import random

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import (
    OPENNESS_TIERS,
    TIER_UNKNOWN,
    Access,
    Category,
    ModelEntry,
    OpennessGrade,
    Organization,
    Status,
    WeightsUse,
)
from kb.catalogue.openness import tier_of
from kb.catalogue.text import fold
from kb.site.charts import tier_class
from kb.site.timeline import NOTABLE_PER_YEAR, TIERS, build
from tests.support.factories import ModelEntryFactory
from tests.support.html import parse
from tests.support.plans import grouped_entry_plans, only_on_sqlite, read_from_an_index_unsorted
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension
TIER_LABELS = [tier.label for tier in TIERS]


def expected_counts():
    counts = {}
    for entry in ModelEntry.objects.published().prefetch_related("openness"):
        year = entry.release_date.year if entry.release_date else None
        # The tier each entry stores (kb.catalogue.openness.tier_of, tested in
        # tests/catalogue/test_lifecycle_and_tiers.py).
        key = (year, tier_of(entry))
        counts[key] = counts.get(key, 0) + 1
    return counts


def built_counts(timeline):
    return {
        (year.year, cell.tier.value): cell.count
        for year in timeline.years
        for cell in year.cells
        if cell.count
    }


def table_rows(html):
    rows = parse(html).find("table", class_="timeline-table").find_all("tr")
    return [" ".join(row.text.split()) for row in rows[1:]]  # after the header row


def test_the_counts_are_the_published_entries_by_year_and_tier(seed):
    timeline = build()
    assert built_counts(timeline) == {
        (2022, "restricted_weights"): 2,
        (2023, "open_weights"): 2,
        (2023, "restricted_weights"): 2,
        (2023, "hosted"): 3,
        (2024, "hosted"): 1,
    }
    assert built_counts(timeline) == {
        key: count for key, count in expected_counts().items() if key[0] is not None
    }
    assert [year.year for year in timeline.years] == [2022, 2023, 2024]
    assert [year.total for year in timeline.years] == [2, 7, 1]
    assert (timeline.total, timeline.undated) == (10, 0)


def test_each_tier_is_derived_as_documented(seed):
    year = datetime.date(2025, 6, 1)
    made = {
        "fully_open": ModelEntryFactory(access=Access.WEIGHTS, licence_osi_approved=True),
        "open_weights": ModelEntryFactory(access=Access.BOTH, licence_osi_approved=True),
        "restricted_weights": ModelEntryFactory(
            access=Access.WEIGHTS, weights_use=WeightsUse.NON_COMMERCIAL, licence_osi_approved=True
        ),
        "hosted": ModelEntryFactory(access=Access.HOSTED),
        "unreleased": ModelEntryFactory(access=Access.UNRELEASED),
        "unknown": ModelEntryFactory(access=""),
    }
    for dimension in (Dimension.TRAINING_CODE, Dimension.TRAINING_DATA):
        for tier in ("fully_open", "restricted_weights"):
            OpennessGrade.objects.create(entry=made[tier], dimension=dimension, grade=Grade.OPEN)
    # Open weights under an OSI licence with only the code open is not fully open.
    OpennessGrade.objects.create(
        entry=made["open_weights"], dimension=Dimension.TRAINING_CODE, grade=Grade.OPEN
    )
    ModelEntry.objects.filter(pk__in=[e.pk for e in made.values()]).update(release_date=year)
    (row,) = [y for y in build().years if y.year == 2025]
    assert {cell.tier.value: cell.count for cell in row.cells} == dict.fromkeys(made, 1)
    assert built_counts(build()) == {k: v for k, v in expected_counts().items() if k[0]}


@pytest.mark.skipif(**only_on_sqlite)
def test_the_counts_are_read_from_an_index_without_sorting(seed):
    (plan,) = grouped_entry_plans(build)
    assert read_from_an_index_unsorted(plan, "entry_charts_by_tier"), plan


def test_the_page_has_the_years_the_featured_names_and_the_table(
    client, seed, django_assert_num_queries
):
    with django_assert_num_queries(2):
        page = client.get(reverse("kb:timeline"))
    assert page.status_code == 200
    html = page.content.decode()
    text = visible_text(html)
    assert "Models released each year, 2022 to 2024, by openness tier: 10 published models" in text
    assert table_rows(html) == [
        "2022 0 0 2 0 0 0 2",
        "2023 0 2 2 3 0 0 7",
        "2024 0 0 0 1 0 0 1",
        "All years 0 2 4 4 0 0 10",
    ]
    headers = [th.text for th in parse(html).find("table", class_="timeline-table").find_all("th")]
    assert headers[: len(TIERS) + 2] == ["Year", *TIER_LABELS, "All"]
    assertInHTML("<caption>Models released per year by openness tier</caption>", html)
    rows = parse(html).find_all("li", class_="tl-year-row")
    assert [" ".join(row.find("span", class_="tl-total").text.split()) for row in rows] == [
        "2 models",
        "7 models",
        "1 model",
    ]
    assert [" ".join(row.find("p", class_="tl-notable").text.split()) for row in rows] == [
        "Featured in 2022: BLOOM , Stable Diffusion",
        "Featured in 2023: Claude , GPT-4 , Falcon , LLaMA 2 , Mistral , Gemini , Mixtral",
        "Featured in 2024: Sora",
    ]
    assertInHTML('<a href="/models/gpt-4/">GPT-4</a>', html, count=1)


def test_years_and_exact_tiers_link_to_the_directory_which_lists_them(client, seed):
    html = client.get(reverse("kb:timeline")).content.decode()
    links = {a.attrs["href"] for a in parse(html).find_all("a")}
    assert {
        "/models/?year=2023",
        "/models/?year=2023&openness=hosted",
        "/models/?year=2023&openness=open_weights",
        "/models/?year=2023&openness=restricted_weights",
    } <= links
    # A tier without models that year is counted, not linked.
    assert not [link for link in links if "year=2023&openness=unreleased" in link]
    listed = client.get("/models/?year=2023&openness=hosted").context["page"].object_list
    assert sorted(entry.name for entry in listed) == ["Claude", "GPT-4", "Gemini"]
    listed = client.get("/models/?year=2023&openness=restricted_weights").context["page"]
    assert sorted(entry.name for entry in listed.object_list) == ["Falcon", "LLaMA 2"]
    listed = client.get("/models/?year=2023").context["page"].object_list
    assert len(listed) == 7


def test_each_tier_has_one_name_the_stored_value_in_links_filters_and_colours(client, seed):
    """A tier is named by the value entries store (ModelEntry.openness_tier) wherever the
    timeline names it: the directory's filter its links use, which lists exactly that tier's
    entries, and the class of its colour, the charts' class for the same tier."""
    assert [tier.value for tier in TIERS] == [value for value, _ in OPENNESS_TIERS]
    html = client.get(reverse("kb:timeline")).content.decode()
    legend = parse(html).find("ul", class_="timeline-legend").find_all("li")
    assert [item["class"] for item in legend] == [tier_class(tier.value) for tier in TIERS]
    assert tier_class(None) == tier_class(TIER_UNKNOWN) == "chart-tier-unknown"
    for year in build().years:
        for cell in year.cells:
            if not cell.url:
                continue
            assert cell.url == f"/models/?year={year.year}&openness={cell.tier.value}"
            listed = client.get(cell.url).context["page"].object_list
            assert len(listed) == cell.count
            assert {entry.openness_tier for entry in listed} == {cell.tier.value}


def test_only_a_few_featured_entries_a_year_are_named(seed):
    ModelEntryFactory.create_batch(
        NOTABLE_PER_YEAR + 3, featured=True, release_date=datetime.date(2024, 1, 1)
    )
    (row,) = [year for year in build().years if year.year == 2024]
    assert len(row.notable) == NOTABLE_PER_YEAR
    assert row.total == NOTABLE_PER_YEAR + 4


def test_drafts_are_left_out_and_undated_entries_counted_apart(client, seed):
    ModelEntryFactory(release_date=datetime.date(2021, 1, 1), status=Status.DRAFT, featured=True)
    ModelEntryFactory(name="Undated model", release_date=None)
    timeline = build()
    assert timeline.first == 2022 and (timeline.total, timeline.undated) == (10, 1)
    text = visible_text(client.get(reverse("kb:timeline")).content)
    assert (
        "11 published models, of which 1 without a published release date is counted in no year"
        in text
    )


def test_years_without_releases_stay_on_the_axis(seed):
    ModelEntryFactory(release_date=datetime.date(2027 - 1, 3, 1), featured=True, name="Later")
    years = build().years
    assert [year.year for year in years] == [2022, 2023, 2024, 2025, 2026]
    assert years[3].total == 0 and years[3].segments == []


def test_the_bars_are_plain_svg_a_strict_csp_allows(client, seed):
    html = client.get(reverse("kb:timeline")).content.decode()
    page = parse(html)
    tags = [(element.tag, element.attrs) for element in page.iter()]
    assert not [tag for tag, attrs in tags if "style" in attrs or tag == "style"]
    assert all(attrs.get("src") for tag, attrs in tags if tag == "script")
    bars = [attrs for tag, attrs in tags if tag == "svg" and attrs.get("class") == "tl-bar"]
    assert len(bars) == 3 and all(bar["aria-hidden"] == "true" for bar in bars)
    rects = [attrs for tag, attrs in tags if tag == "rect" and "x" in attrs]
    # 2023: open weights, restricted weights then API only, side by side, the busiest year
    # the full width.
    assert [(r["class"], r["x"], r["width"]) for r in rects[1:4]] == [
        ("tl-marker chart-tier-open-weights", "0", "286"),
        ("tl-marker chart-tier-restricted-weights", "286", "286"),
        ("tl-marker chart-tier-hosted", "572", "429"),
    ]


def page_bytes(client):
    return len(client.get(reverse("kb:timeline")).content)


def bulk_entries(prefix, count, years, featured_share=0.01):
    """``count`` published entries spread over ``years``, every access, a few featured."""
    rng = random.Random(15)
    organization = Organization.objects.first()
    category = Category.objects.first()
    accesses = [*Access.values, ""]
    entries = []
    for n in range(count):
        name = f"{prefix} model {n}"
        entries.append(
            ModelEntry(
                name=name,
                name_key=fold(name),
                slug=f"{prefix.lower()}-model-{n}",
                organization=organization,
                category=category,
                status=Status.PUBLISHED,
                featured=rng.random() < featured_share,
                access=rng.choice(accesses),
                release_date=datetime.date(rng.choice(years), rng.randint(1, 12), 1),
            )
        )
    ModelEntry.objects.bulk_create(entries, batch_size=1000)


def test_the_page_size_follows_the_years_not_the_entries(client, seed):
    """684 KB at 1,019 entries with one lane each: now a few thousand entries in the same years
    change the page by their digits and a few names, and seventy years of them stay small."""
    seed_size = page_bytes(client)
    bulk_entries("Recent", 5000, [2022, 2023, 2024])
    assert ModelEntry.objects.count() > 5000
    same_years = page_bytes(client)
    assert same_years - seed_size < 4_000
    bulk_entries("Older", 5000, list(range(1955, 2026)), featured_share=0.05)
    many_years = page_bytes(client)
    # Bounded by the years (71 here) and the featured names a year, whatever the entries.
    assert many_years < 120_000, many_years


def test_the_include_tag_works_on_any_page_with_the_table_folded(seed):
    html = Template("{% load timeline %}{% release_timeline %}").render(
        Context({"request": RequestFactory().get("/")})
    )
    assert [d.attrs for d in parse(html).find_all("details")] == [{"class": "timeline-data"}]
    assert len(table_rows(html)) == 4


def test_without_dated_entries_the_page_says_so(client, db):
    page = client.get(reverse("kb:timeline"))
    assert "No published model has a release date yet." in visible_text(page.content)
    assert "tl-bar" not in page.content.decode()
