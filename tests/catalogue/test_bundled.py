import datetime
import io
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from reversion.models import Version

from kb.catalogue.bundled import (
    EPOCH_SNAPSHOT,
    EPOCH_SNAPSHOT_RETRIEVED,
    REVISION_COMMENT,
    UnknownEntryError,
    grade_values,
    load_bundled_content,
    load_bundled_corrections,
    load_bundled_prices,
    read_content,
)
from kb.catalogue.epoch import source as epoch_source
from kb.catalogue.epoch.sync import import_rows, slug_base
from kb.catalogue.models import (
    ApiPrice,
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    FactProvenance,
    ModelEntry,
    OpennessGrade,
    Organization,
    ProCon,
    Source,
)
from tests.support.html import parse
from tests.support.seed import SEED_ARTICLE
from tests.support.text import visible_text

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "docs" / "seed" / "open-source-vs-closed-models.txt"
# The mis-decoding the seed README describes, undone.
RESTORE = {"πŸ”“": "🔓", "πŸ”’": "🔒", "πŸ“Š": "📊", "βœ…": "✅", "β€”": "—"}
TABLE_HEADER = ["Feature", "Open-Source Models", "Closed Models"]
TABLE_ROWS = {
    "Access": ("Free / Downloadable", "Paid / API-based only"),
    "Customization": ("Fully customizable", "Limited (or none)"),
    "Transparency": ("High (you can see everything)", "Low (black box)"),
    "Safety & Guardrails": ("You build them yourself", "Often built-in"),
    "Examples": ("LLaMA 2, Mistral, Falcon", "GPT-4, Claude, Gemini"),
    "Use Cases": ("Research, fine-tuning, on-prem", "SaaS apps, commercial products"),
}
PROS_CONS = {
    "open-source": {
        "pro": [
            "Free or low-cost",
            "Transparent and inspectable",
            "Can be hosted or customized locally",
            "Encourages research and innovation",
        ],
        "con": [
            "Often require technical skill to use",
            "May lack support or documentation",
            "Can raise concerns if misused (e.g., misinformation)",
        ],
    },
    "closed": {
        "pro": [
            "Easier to use (via API or UI)",
            "Usually more polished, safe, and powerful",
            "Comes with usage guidelines and customer support",
        ],
        "con": [
            "Limited customization",
            "Cost increases with usage",
            "No visibility into training data or internals",
        ],
    },
}
# The article's example lists are generated from the model entries ("Name (Maker)"), so four
# seed lines appear in the data's words: "Mistral and Mixtral" are two entries, BLOOM is spelt as
# its makers spell it, and the maker stands where the seed noted what a model generates.
GENERATED_EXAMPLES = {
    "Mistral and Mixtral": ["Mistral (Mistral AI)", "Mixtral (Mistral AI)"],
    "Bloom": ["BLOOM (BigScience)"],
    "Stable Diffusion (for images)": ["Stable Diffusion (Stability AI)"],
    "Sora (OpenAI - video generation)": ["Sora (OpenAI)"],
}
MODELS = {
    "llama-2": ("LLaMA 2", "Meta", "open-source"),
    "mistral": ("Mistral", "Mistral AI", "open-source"),
    "mixtral": ("Mixtral", "Mistral AI", "open-source"),
    "falcon": ("Falcon", "Technology Innovation Institute", "open-source"),
    "bloom": ("BLOOM", "BigScience", "open-source"),
    "stable-diffusion": ("Stable Diffusion", "Stability AI", "open-source"),
    "gpt-4": ("GPT-4", "OpenAI", "closed"),
    "claude": ("Claude", "Anthropic", "closed"),
    "gemini": ("Gemini", "Google", "closed"),
    "sora": ("Sora", "OpenAI", "closed"),
}


def seed_sentences():
    text = SEED.read_text(encoding="utf-8")
    for garbled, meant in RESTORE.items():
        text = text.replace(garbled, meant)
    table_cells = set(TABLE_HEADER) | set(TABLE_ROWS)
    table_cells |= {cell for cells in TABLE_ROWS.values() for cell in cells}
    for line in text.splitlines():
        line = " ".join(line.replace("•", " ").split())
        if line and line != "Last updated" and line not in table_cells:
            yield line


def test_the_seed_has_no_garbled_characters_left_after_restoring():
    assert not any(mark in line for line in seed_sentences() for mark in ("πŸ", "βœ", "β€"))


def example_items(html):
    """The items of the generated example lists, as a reader sees them."""
    lists = [ul for ul in parse(html).find_all("ul") if ul.attrs == {"class": "block-examples"}]
    return [item.text for ul in lists for item in ul.find_all("li") if item.attrs == {}]


def test_every_seed_sentence_is_on_the_article_page(client, seed):
    page = client.get(Article.objects.get(slug=SEED_ARTICLE).get_absolute_url())
    assert page.status_code == 200
    text = visible_text(page.content)
    lines = list(seed_sentences())
    missing = [line for line in lines if line not in text and line not in GENERATED_EXAMPLES]
    assert missing == []
    assert "Last updated" in text
    # The seed lines only the data can word now are items of the generated example lists.
    assert set(GENERATED_EXAMPLES) <= set(lines)
    items = example_items(page.content.decode())
    for generated in GENERATED_EXAMPLES.values():
        assert set(generated) <= set(items)
    assert {"LLaMA 2 (Meta)", "GPT-4 (OpenAI)", "Claude (Anthropic)"} <= set(items)


def test_the_article_is_published_and_titled_as_the_seed(seed):
    article = Article.objects.published().get(slug=SEED_ARTICLE)
    assert article.title == "Open-Source vs Closed Models"
    assert article.lede == "Understanding the Two Worlds of AI Models"
    assert article.featured


@pytest.mark.parametrize("category", PROS_CONS)
def test_category_pros_and_cons_exactly_as_listed(seed, category):
    owner = Category.objects.get(slug=category)
    for kind, texts in PROS_CONS[category].items():
        got = ProCon.objects.filter(category=owner, kind=kind).order_by("position")
        assert [p.text for p in got] == texts


def test_the_two_categories(seed):
    assert [(c.slug, c.icon) for c in Category.objects.all()] == [
        ("open-source", "🔓"),
        ("closed", "🔒"),
    ]


def test_every_example_model_with_its_maker_facts_and_sources(seed):
    entries = ModelEntry.objects.published().with_related()
    got = {e.slug: (e.name, e.organization.name, e.category.slug) for e in entries}
    assert got == MODELS
    for entry in entries:
        assert entry.release_date is not None, entry
        assert entry.licence_name and entry.access and entry.modalities.exists(), entry
        facts = set(Source.objects.filter(entry=entry).values_list("fact", flat=True))
        assert {"general", "release_date", "licence", "access"} <= facts, entry
        if entry.parameters:
            assert entry.parameter_count and "parameters" in facts, entry
        assert OpennessGrade.objects.filter(entry=entry).count() == 9


def test_unpublished_parameter_counts_stay_unknown(seed):
    for slug in ("gpt-4", "claude", "gemini", "sora"):
        entry = ModelEntry.objects.get(slug=slug)
        assert entry.parameters == "" and entry.parameter_count is None


def test_the_comparison_rows_and_cells(seed):
    rows = list(ComparisonRow.objects.all())
    assert [r.label for r in rows] == [*TABLE_ROWS, "Number of models", "Licences", "Openness"]
    generated = [r.kind for r in rows if r.is_generated]
    assert generated == ["examples", "count", "licences", "openness"]
    for row in rows:
        if row.is_generated:
            continue
        cells = {c.category.slug: c.text for c in row.cells.select_related("category")}
        assert cells == dict(zip(["open-source", "closed"], TABLE_ROWS[row.label], strict=True))


def test_the_organizations(seed):
    assert Organization.objects.count() == 8


def counts():
    models = [
        Article, Category, ComparisonCell, ComparisonRow, ModelEntry, OpennessGrade,
        Organization, ProCon, Source,
    ]  # fmt: skip
    return {m.__name__: (m.objects.count(), _latest(m)) for m in models}


def _latest(model):
    if hasattr(model, "updated_at"):
        return model.objects.aggregate(Max("updated_at"))["updated_at__max"]
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def test_loading_twice_changes_nothing(seed):
    before = counts()
    result = load_bundled_content()
    assert result["created"] == result["updated"] == 0
    assert counts() == before


def test_load_content_if_empty_leaves_existing_content_alone(seed, capsys):
    ModelEntry.objects.filter(slug="sora").update(summary="Edited by an editor.")
    call_command("load_content", "--if-empty")
    assert ModelEntry.objects.get(slug="sora").summary == "Edited by an editor."
    assert "not loaded" in capsys.readouterr().out


def test_load_content_command_reports_counts(db, capsys):
    call_command("load_content")
    assert "created" in capsys.readouterr().out
    assert ModelEntry.objects.count() == len(MODELS)


def test_every_seed_grade_has_a_source_of_its_entry_and_a_checked_date(seed):
    for entry in ModelEntry.objects.prefetch_related("openness", "sources"):
        entry_sources = {source.url for source in entry.sources.all()}
        for grade in entry.openness.all():
            assert grade.source_url in entry_sources, (entry, grade)
            assert grade.checked_on == datetime.date(2026, 11, 28), (entry, grade)


def test_llama_2_publishes_weights_on_request_not_training_data_under_a_non_osi_licence(seed):
    entry = ModelEntry.objects.get(slug="llama-2")
    grades = {g.dimension: g for g in entry.openness.all()}
    # Downloads need a request Meta approves (its README): partial, not open.
    assert grades["weights"].grade == "partial"
    assert grades["weights"].source_url == "https://github.com/meta-llama/llama/blob/main/README.md"
    assert grades["training_data"].grade == "closed"
    assert grades["weights_licence"].grade == "partial"
    assert grades["weights_licence"].source_url == entry.licence_url
    assert entry.licence_osi_approved is False


@pytest.mark.parametrize(
    ("bundled", "expected"),
    [
        ("open", {"grade": "open"}),
        (
            {"grade": "closed", "source": "https://example.org/", "checked": "2026-01-02"},
            {
                "grade": "closed",
                "source_url": "https://example.org/",
                "checked_on": datetime.date(2026, 1, 2),
            },
        ),
        ({"grade": "partial"}, {"grade": "partial", "source_url": "", "checked_on": None}),
    ],
)
def test_a_bundled_grade_is_a_plain_grade_or_an_object(bundled, expected):
    assert grade_values(bundled) == expected


def test_loading_plain_grades_keeps_sources_already_there(seed):
    content = read_content()
    for item in content["entries"]:
        item["openness"] = {dim: value["grade"] for dim, value in item["openness"].items()}
    result = load_bundled_content(content)
    assert result["updated"] == 0
    assert OpennessGrade.objects.filter(source_url="").count() == 0


def test_bundled_prices_are_read_from_the_makers_page_with_a_date(seed):
    """Only figures read from a primary source are bundled; every other entry has none."""
    (price,) = ApiPrice.objects.select_related("entry")
    assert price.entry.slug == "gpt-4"
    assert (price.input_per_million, price.output_per_million) == (Decimal(30), Decimal(60))
    assert price.currency == "USD"
    assert price.as_of == datetime.date(2026, 12, 4)
    assert price.source_url == "https://developers.openai.com/api/docs/models/gpt-4"
    assert "gpt-4-0613" in price.note
    before = ApiPrice.objects.values().get()
    load_bundled_content()
    assert ApiPrice.objects.values().get() == before


# Prices of the models the Epoch AI import creates: content.json's top-level "prices".


def snapshot_rows(of):
    """The snapshot's rows of the models the bundled ``of`` ("prices", "corrections") name."""
    slugs = {item["entry"] for item in read_content()[of]}
    rows = [
        row
        for row in epoch_source.parse(EPOCH_SNAPSHOT.read_bytes())[1]
        if slug_base(row["Model"]) in slugs
    ]
    return slugs, rows


@pytest.fixture
def priced_variants(seed):
    """The snapshot's rows of the models the bundled prices name, imported as `load_content
    --epoch` imports the whole snapshot (which takes some 15 s; tests/site/test_costs.py does)."""
    slugs, rows = snapshot_rows("prices")
    import_rows(rows, EPOCH_SNAPSHOT_RETRIEVED)
    return slugs


def test_bundled_prices_of_imported_variants_are_loaded_and_kept_in_their_history(priced_variants):
    counts = load_bundled_prices()
    assert counts["created"] == len(priced_variants)
    price = ApiPrice.objects.get(entry__slug="claude-opus-45")
    assert (price.input_per_million, price.output_per_million) == (Decimal(5), Decimal(25))
    assert price.as_of == datetime.date(2026, 12, 4)
    assert price.source_url == "https://platform.claude.com/docs/en/about-claude/pricing"
    assert price.note.startswith("Listed as Claude Opus 4.5: ")
    # The entry's history shows the revision that gave it its price.
    (latest, *_) = Version.objects.get_for_object(price.entry)
    assert latest.revision.comment == REVISION_COMMENT
    assert latest.revision.version_set.filter(object_id=str(price.pk)).exists()
    # Loading again writes nothing and adds no revision.
    versions = Version.objects.count()
    assert load_bundled_prices()["unchanged"] == len(priced_variants)
    assert Version.objects.count() == versions


def test_a_bundled_price_for_an_entry_that_does_not_exist_is_refused(seed):
    before = list(ApiPrice.objects.values())
    price = {"input": "1", "output": "2", "as_of": "2026-12-04", "source": "https://example.com/"}
    content = {"prices": [{"entry": "gpt-4", **price}, {"entry": "claude-opus-99", **price}]}
    with pytest.raises(UnknownEntryError, match="do not exist: claude-opus-99 "):
        load_bundled_prices(content)
    assert list(ApiPrice.objects.values()) == before  # the known entry's price not written either


def snapshot_already_imported():
    return mock.patch(
        "kb.catalogue.management.commands.load_content.load_epoch_snapshot", return_value=None
    )


def test_load_content_refuses_prices_of_models_the_database_does_not_hold(seed):
    with snapshot_already_imported(), pytest.raises(CommandError) as refused:
        call_command("load_content", "--epoch", stdout=io.StringIO())
    assert str(refused.value).startswith(
        "The bundled prices name entries that do not exist: claude-opus-47, claude-opus-45, "
    )


def test_load_content_if_empty_leaves_prices_alone_when_it_loads_nothing(seed):
    out = io.StringIO()
    with snapshot_already_imported():
        call_command("load_content", "--if-empty", "--epoch", stdout=out)
    assert "prices" not in out.getvalue()
    assert list(ApiPrice.objects.values_list("entry__slug", flat=True)) == ["gpt-4"]


# Corrections of facts the Epoch AI import wrote: content.json's top-level "corrections".

FALCON_40B_CARD_HISTORY = (
    "https://huggingface.co/tiiuae/falcon-40b/commits/52aee9ee895fcfca1f8db422d15e86576a67c65b/"
    "README.md"
)


def test_a_bundled_correction_is_written_as_an_editors_edit_and_kept_by_the_next_import(seed):
    _slugs, rows = snapshot_rows("corrections")
    import_rows(rows, EPOCH_SNAPSHOT_RETRIEVED)
    falcon = ModelEntry.objects.get(slug="falcon-40b")
    # Epoch dates Falcon-40B by TII's announcement, and fills the release date with it.
    assert (falcon.announced_date, falcon.release_date) == (datetime.date(2023, 3, 15),) * 2

    assert load_bundled_corrections()["updated"] == 1
    falcon.refresh_from_db()
    assert falcon.release_date == datetime.date(2023, 5, 25)
    assert falcon.announced_date == datetime.date(2023, 3, 15)
    assert falcon.sources.filter(fact="release_date", url=FALCON_40B_CARD_HISTORY).exists()
    # The corrected date is no longer Epoch's; the announcement still is.
    provenance = set(falcon.provenance.values_list("fact", flat=True))
    assert FactProvenance.Fact.RELEASE_DATE not in provenance
    assert FactProvenance.Fact.ANNOUNCED_DATE in provenance
    (latest, *_) = Version.objects.get_for_object(falcon)
    assert latest.revision.comment == REVISION_COMMENT

    # Loading again writes nothing and adds no revision.
    versions = Version.objects.count()
    assert load_bundled_corrections()["updated"] == 0
    assert Version.objects.count() == versions

    # The same file imported again keeps the correction and reports the file's date.
    report = import_rows(rows, EPOCH_SNAPSHOT_RETRIEVED)
    falcon.refresh_from_db()
    assert falcon.release_date == datetime.date(2023, 5, 25)
    assert [(name, change.field) for name, change in report.conflicts] == [
        ("Falcon-40B", "release_date")
    ]


def test_a_bundled_correction_for_an_entry_that_does_not_exist_is_refused(seed):
    content = {
        "corrections": [
            {"entry": "falcon", "release_date": "2023-05-26"},
            {"entry": "falcon-41b", "release_date": "2023-05-25"},
        ]
    }
    with pytest.raises(UnknownEntryError, match="corrections name entries .*: falcon-41b "):
        load_bundled_corrections(content)
    # The known entry's date not written either.
    assert ModelEntry.objects.get(slug="falcon").release_date == datetime.date(2023, 5, 25)
