"""The charts' numbers (kb.catalogue.charts) and the openness tier they count by, pinned against
counts made here, independently, from the rows imported from Epoch AI's sample."""

import datetime
from collections import Counter

import pytest

from kb.catalogue.charts import ChartOptions, OptionError, chart_series
from kb.catalogue.models import Access, ModelEntry, OpennessGrade, Status, WeightsUse
from kb.catalogue.openness import Tier
from tests.support.epoch import import_sample, sample_rows
from tests.support.factories import ModalityFactory, ModelEntryFactory

Grade = OpennessGrade.Grade
Dimension = OpennessGrade.Dimension

pytestmark = pytest.mark.django_db


def tier_of(entry):
    return ModelEntry.objects.with_tier().get(pk=entry.pk).tier


def grade(entry, dimension, value):
    OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=value)


@pytest.mark.parametrize(
    ("access", "weights_use", "expected"),
    [
        (Access.UNRELEASED, "", Tier.UNRELEASED),
        (Access.HOSTED, "", Tier.HOSTED),
        (Access.WEIGHTS, WeightsUse.UNRESTRICTED, Tier.OPEN_WEIGHTS),
        (Access.BOTH, "", Tier.OPEN_WEIGHTS),
        (Access.WEIGHTS, WeightsUse.RESTRICTED, Tier.RESTRICTED_WEIGHTS),
        (Access.WEIGHTS, WeightsUse.NON_COMMERCIAL, Tier.RESTRICTED_WEIGHTS),
        ("", "", None),  # unknown stays unknown
    ],
)
def test_the_tier_follows_access_and_the_terms_of_the_weights(access, weights_use, expected):
    entry = ModelEntryFactory(access=access, weights_use=weights_use)
    assert tier_of(entry) == expected


def test_open_training_code_and_data_make_weights_fully_open():
    entry = ModelEntryFactory(access=Access.WEIGHTS)
    grade(entry, Dimension.TRAINING_CODE, Grade.OPEN)
    assert tier_of(entry) == Tier.OPEN_WEIGHTS  # the data not graded open
    grade(entry, Dimension.TRAINING_DATA, Grade.OPEN)
    assert tier_of(entry) == Tier.FULLY_OPEN


def test_a_licence_graded_partial_restricts_the_weights_even_with_open_data():
    entry = ModelEntryFactory(access=Access.WEIGHTS)
    for dimension in (Dimension.TRAINING_CODE, Dimension.TRAINING_DATA):
        grade(entry, dimension, Grade.OPEN)
    grade(entry, Dimension.WEIGHTS_LICENCE, Grade.PARTIAL)
    assert tier_of(entry) == Tier.RESTRICTED_WEIGHTS


def test_the_seed_models_tiers(seed):
    tiers = dict(ModelEntry.objects.with_tier().values_list("slug", "tier"))
    # Llama 2's licence restricts use (graded partial); Mistral's is Apache 2.0.
    assert tiers["llama-2"] == Tier.RESTRICTED_WEIGHTS
    assert tiers["mistral"] == Tier.OPEN_WEIGHTS
    assert tiers["gpt-4"] == Tier.HOSTED


# Counted here from Epoch AI's sample rows themselves, as the file says them.
ACCESSIBILITY_SIDE = {
    "open weights (unrestricted)": "open",
    "open weights (restricted use)": "open",
    "open weights (non-commercial)": "open",
    "api access": "closed",
    "hosted access (no api)": "closed",
    "unreleased": "closed",
    "": "unknown",
}


def rows_by(key):
    """{key(row): Counter of sides} over the sample's rows."""
    counts = {}
    for row in sample_rows():
        side = ACCESSIBILITY_SIDE[row["Model accessibility"].strip().lower()]
        for value in key(row):
            counts.setdefault(value, Counter())[side] += 1
    return counts


@pytest.fixture
def imported(seed):
    """The sample imported into the seed, whose entries the sample has no row for are then
    drafts: every entry counted is one of the sample's rows."""
    report = import_sample()
    assert not report.bad_rows
    ModelEntry.objects.filter(import_records__isnull=True).update(status=Status.DRAFT)


def series(chart, **options):
    return chart_series(ChartOptions.read(chart, {k: str(v) for k, v in options.items()}))


@pytest.mark.parametrize(
    "chart, options",
    [
        ("open-share", {}),
        ("open-share", {"from": 2018, "to": 2023}),
        ("frontier-gap", {}),
        ("frontier-gap", {"measure": "compute", "from": 2016}),
        ("by-organization", {}),
        ("by-organization", {"by": "country", "to": 2022, "top": 30}),
    ],
)
def test_the_kept_groups_give_the_numbers_counted_from_the_entries(seed, chart, options):
    """Charts of every modality read the groups the database keeps (ChartDay, ChartMaker); a
    modality's are counted from the entries. With every entry of one modality, both are one."""
    import_sample()
    every = ModalityFactory(slug="every", name="Every")
    for entry in ModelEntry.objects.all():
        entry.modalities.add(every)
    kept = series(chart, **options)
    counted = series(chart, modality="every", **options)
    assert [table.rows for table in kept.tables()] == [table.rows for table in counted.tables()]
    assert kept.summary == counted.summary
    assert any(table.rows for table in kept.tables())


def test_open_share_counts_the_rows_of_each_year_by_access(imported):
    expected = rows_by(lambda row: [int(row["Publication date"][:4])])
    chart = series("open-share")
    assert [y.year for y in chart.years] == list(range(min(expected), max(expected) + 1))
    for year in chart.years:
        want = expected.get(year.year, Counter())
        assert year.total == sum(want.values()), year.year
        assert year.weights == want["open"], year.year
        counts = dict(zip(chart.tables()[0].columns[1:-1], year.counts, strict=True))
        assert counts["hosted"] + counts["unreleased"] == want["closed"], year.year
        assert counts["unknown"] == want["unknown"], year.year


def test_open_share_by_tier_in_2023(imported):
    accessibility = Counter(
        row["Model accessibility"] for row in sample_rows() if row["Publication date"][:4] == "2023"
    )
    (year,) = series("open-share", **{"from": 2023, "to": 2023}).years
    counts = dict(zip(Tier, year.counts, strict=False))
    assert counts[Tier.OPEN_WEIGHTS] == accessibility["Open weights (unrestricted)"]
    assert counts[Tier.RESTRICTED_WEIGHTS] == (
        accessibility["Open weights (restricted use)"]
        + accessibility["Open weights (non-commercial)"]
    )
    assert counts[Tier.HOSTED] == (
        accessibility["API access"] + accessibility["Hosted access (no API)"]
    )
    assert counts[Tier.UNRELEASED] == accessibility["Unreleased"]
    assert counts[Tier.FULLY_OPEN] == 0  # Epoch grades no training data


def test_open_share_summary_says_the_years_numbers(imported):
    # 2022: BLOOM-176B and AbLang with open weights, PaLM unreleased; 2025: five of the eight
    # rows with open weights (test_open_share_counts_the_rows_of_each_year_by_access).
    chart = series("open-share", **{"from": 2022, "to": 2025})
    assert chart.summary == (
        "In 2025, 62 % of the 8 models released had downloadable weights, down from 67 % of 3 "
        "in 2022."
    )


def test_a_modality_and_years_narrow_every_count(imported):
    # A model works with text when its domain is language or a task reads or writes text
    # (Sora Turbo's "Text-to-video"); the row "Sora" fills the seed's Sora, whose modalities
    # the editors' content gives (video), so the import leaves them.
    text = [
        row
        for row in sample_rows()
        if ("Language" in row["Domain"] or "text" in row["Task"].lower())
        and row["Model"] != "Sora"
        and "2024" <= row["Publication date"][:4] <= "2025"
    ]
    chart = series("open-share", modality="text", **{"from": 2024, "to": 2025})
    assert sum(y.total for y in chart.years) == len(text)


def test_by_country_counts_each_country_of_a_row(imported):
    expected = rows_by(
        # Each country once: a row may name one twice ("United States of America,United ...").
        lambda row: (
            {c.strip() for c in row["Country (of organization)"].split(",") if c.strip()}
            or {"Country not published"}
        )
    )
    chart = series("by-organization", by="country", top=30)
    shown = {maker.name: maker for maker in chart.makers}
    assert shown.keys() == expected.keys()
    for name, want in expected.items():
        got = shown[name]
        assert (got.open, got.closed, got.unknown) == (
            want["open"],
            want["closed"],
            want["unknown"],
        )
    assert [m.total for m in chart.makers] == sorted((m.total for m in chart.makers), reverse=True)


def test_by_organization_shows_the_top_and_sums_the_others(imported):
    chart = series("by-organization", top=3)
    assert len(chart.makers) == 3
    counted = ModelEntry.objects.published().filter(release_date__isnull=False).count()
    assert chart.total == counted
    assert sum(m.total for m in chart.makers) + chart.others.total == counted
    assert chart.makers[0].name == "Google"  # Google DeepMind, Research and Brain are Google


def test_the_frontier_gap_finds_the_largest_of_each_side_and_when_open_caught_up(imported):
    chart = series("frontier-gap", **{"from": 2023})
    years = {year.year: year for year in chart.years}
    # The sample's largest by parameters: GPT-4 (Mar 2023) 1.8T closed in 2023; Grok-1 314B the
    # largest with open weights that year; Kimi K2 and Ling-1T, 1T each, in 2025.
    assert (years[2023].closed.name, years[2023].closed.value) == ("GPT-4 (Mar 2023)", 1.8e12)
    assert years[2023].open.name == "Grok-1"
    assert years[2025].open.value == 1e12
    assert years[2025].closed.name == "Solar Open 100B"
    record = next(r for r in chart.records if r.closed.name == "GPT-4 (Mar 2023)")
    assert record.matched_by is None  # no open-weights model of 1.8T in the sample
    assert "GPT-4 (Mar 2023)" not in chart.summary  # 2025 is the latest year with both sides


def test_the_frontier_gap_counts_months_to_the_first_match(db):
    def entry(access, size, day, **extra):
        return ModelEntryFactory(
            access=access, parameter_count=size, release_date=day, name=f"{access} {day}", **extra
        )

    entry(Access.HOSTED, 100, datetime.date(2020, 3, 5))
    entry(Access.WEIGHTS, 90, datetime.date(2020, 6, 1))  # smaller: no match
    entry(Access.WEIGHTS, 150, datetime.date(2021, 5, 1))  # the match, 14 months later
    entry(Access.WEIGHTS, 500, datetime.date(2022, 1, 1), status=Status.DRAFT)  # not published
    entry(Access.HOSTED, 400, datetime.date(2021, 1, 1))  # a record never matched
    chart = series("frontier-gap")
    assert [(r.closed.value, r.months) for r in chart.records] == [(100, 14), (400, None)]
    assert chart.summary.endswith(
        "; 1 of the 2 records set by closed models were matched by an open-weights model, after a "
        "median of 14 months."
    )


def test_the_frontier_gap_names_the_first_by_name_of_a_days_largest_models(db):
    def entry(name, access, size, day, weights_use=""):
        return ModelEntryFactory(
            name=name,
            access=access,
            weights_use=weights_use,
            parameter_count=size,
            release_date=datetime.date(2022, *day),
        )

    entry("Beta", Access.HOSTED, 300, (4, 1))
    entry("Alpha", Access.HOSTED, 300, (4, 1))  # as large, the same day: first by name
    entry("Aardvark", Access.HOSTED, 200, (4, 1))  # smaller: neither the largest nor a record
    entry("Open", Access.WEIGHTS, 300, (6, 1), WeightsUse.UNRESTRICTED)
    # Restricted weights are open weights too: first by name across the tiers of a side.
    entry("Ada", Access.WEIGHTS, 300, (6, 1), WeightsUse.RESTRICTED)
    entry("Early", Access.WEIGHTS, 250, (3, 1), WeightsUse.UNRESTRICTED)  # before: no match
    chart = series("frontier-gap")
    (year,) = chart.years
    assert (year.closed.name, year.open.name) == ("Alpha", "Ada")
    assert [(r.closed.name, r.matched_by.name, r.months) for r in chart.records] == [
        ("Alpha", "Ada", 2)
    ]


def test_a_family_with_variants_is_counted_through_them(seed):
    import_sample()
    # LLaMA 2, the seed's family, has the sample's Llama 2-7B and 70B as variants; Sora is a
    # row of the sample itself, with Sora Turbo as its variant: both count.
    (year,) = series("frontier-gap", **{"from": 2023, "to": 2023}).years
    assert year.open.name == "Grok-1"
    records = series("frontier-gap").records
    assert "LLaMA 2" not in {r.matched_by.name for r in records if r.matched_by}
    (year,) = series("open-share", **{"from": 2024, "to": 2024}).years
    sora = [r for r in sample_rows() if r["Model"].startswith("Sora")]
    entries = ModelEntry.objects.filter(name__startswith="Sora", release_date__year=2024)
    assert entries.count() == len(sora) == 2
    assert year.counts[list(Tier).index(Tier.HOSTED)] == len(
        [
            r
            for r in sample_rows()
            if r["Publication date"][:4] == "2024" and "access" in r["Model accessibility"].lower()
        ]
    )


@pytest.mark.parametrize(
    ("chart", "values", "errors"),
    [
        ("pie", {}, ["chart"]),
        ("open-share", {"from": "20"}, ["from"]),
        ("open-share", {"from": "1066"}, ["from"]),
        ("open-share", {"measure": "compute"}, ["measure"]),
        ("frontier-gap", {"measure": "tokens"}, ["measure"]),
        ("by-organization", {"top": "0", "by": "continent"}, ["by", "top"]),
        ("by-organization", {"top": "٣"}, ["top"]),  # a digit, but not an ASCII one
        ("by-organization", {"modality": "<b>"}, ["modality"]),
    ],
)
def test_options_that_cannot_be_read_are_named(chart, values, errors):
    with pytest.raises(OptionError) as refused:
        ChartOptions.read(chart, values)
    assert list(refused.value.errors) == errors


def test_options_written_back_leave_the_defaults_out():
    options = ChartOptions.read("frontier-gap", {"to": "2024", "measure": "parameters"})
    assert options.written() == {"to": "2024"}
    assert options.title.endswith("by parameters, to 2024")
