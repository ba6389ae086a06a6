"""The Epoch AI import (kb/catalogue/epoch/): the mapping pinned on real rows, idempotence,
editors' edits kept, undo, bad input, seed entries matched rather than duplicated.

tests/support/fixtures/epoch_sample.csv: 33 rows cut unchanged from the 2026-05-02 snapshot
(../shared/data/epoch/): the seed's families' rows, several organizations, several links,
Speculative and Likely values, mixtures of experts, empty accessibility, no organization,
non-ASCII names and a name ending in a newline.
"""

import csv
import datetime
import http.server
import io
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision, Version

from kb.catalogue.epoch.mapping import BadRow, map_row
from kb.catalogue.epoch.source import SourceError, parse, read_source
from kb.catalogue.epoch.sync import import_rows, undo_import
from kb.catalogue.freshness import read_content_version
from kb.catalogue.models import (
    Access,
    Category,
    Confidence,
    ContentVersion,
    FactProvenance,
    ImportRecord,
    ModelEntry,
    Organization,
    Source,
    Status,
    WeightsUse,
)
from kb.catalogue.text import fold, sort_key
from tests.support.epoch import RETRIEVED, import_sample, sample_rows

Fact = FactProvenance.Fact


def row_named(name):
    return next(row for row in sample_rows() if row["Model"].strip() == name)


def csv_bytes(rows, columns=None):
    columns = columns or list(sample_rows()[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def imported(seed):
    return import_sample()


# The mapping, on real rows.


def test_llama_2_7b_is_an_open_restricted_variant_of_the_seeds_llama_2():
    mapped = map_row(row_named("Llama 2-7B"), 2)
    assert mapped.name == "Llama 2-7B"
    assert mapped.category == "open-source"
    assert mapped.values["access"] == Access.WEIGHTS
    assert mapped.values["weights_use"] == WeightsUse.RESTRICTED
    assert mapped.values["parameter_count"] == 7_000_000_000
    assert mapped.values["parameters"] == "7B"
    assert mapped.values["release_date"] == datetime.date(2023, 7, 18)
    assert mapped.organizations == ["Meta AI"]
    assert mapped.modalities == ["text"]


def test_gpt_4s_rumoured_size_is_an_estimate_with_its_note():
    mapped = map_row(row_named("GPT-4 (Mar 2023)"), 2)
    assert mapped.values["parameter_count"] == 1_800_000_000_000
    assert mapped.values["active_parameter_count"] == 280_000_000_000
    confidence, note = mapped.provenance[Fact.PARAMETERS]
    assert confidence == Confidence.LIKELY
    assert note.startswith("Rumored to be 1.8T parameter MoE")
    assert mapped.category == "closed" and mapped.values["access"] == Access.HOSTED


@pytest.mark.parametrize(
    ("name", "total", "active"),
    [
        ("DeepSeek-R1", 671_000_000_000, 37_000_000_000),
        ("Qwen3-235B-A22B", 235_000_000_000, 22_000_000_000),
        ("Kimi K2", 1_000_000_000_000, 32_000_000_000),
        ("DBRX", 132_000_000_000, 36_000_000_000),
        ("Grok-1", 314_000_000_000, None),  # "25% of the weights active": no count stated
        ("o1-mini", None, None),  # a guessed range and no total: nothing
        ("PaLM (540B)", 540_350_000_000, None),  # dense
    ],
)
def test_total_and_active_parameters_of_mixtures_of_experts(name, total, active):
    values = map_row(row_named(name), 2).values
    assert (values["parameter_count"], values["active_parameter_count"]) == (total, active)


@pytest.mark.parametrize(
    ("name", "category", "access", "use"),
    [
        ("Falcon-40B", "open-source", Access.WEIGHTS, WeightsUse.UNRESTRICTED),
        ("LLaMA-65B", "open-source", Access.WEIGHTS, WeightsUse.NON_COMMERCIAL),
        ("Sora Turbo", "closed", Access.HOSTED, ""),
        ("Gemini Nano-2", "unknown", Access.UNRELEASED, ""),
        ("Nemotron 3 Super", "unknown", "", ""),  # empty accessibility: unknown, not guessed
    ],
)
def test_accessibility_to_category_access_and_use(name, category, access, use):
    mapped = map_row(row_named(name), 2)
    assert (mapped.category, mapped.values["access"], mapped.values["weights_use"]) == (
        category,
        access,
        use,
    )


def test_a_licence_only_where_the_notes_name_one_for_open_weights():
    assert map_row(row_named("DeepSeek-R1"), 2).values["licence_name"] == "MIT License"
    assert map_row(row_named("Kimi K2"), 2).values["licence_name"] == ""  # "Modified MIT"
    closed = map_row(row_named("Claude"), 2).values
    assert (closed["licence_name"], closed["licence_osi_approved"]) == ("", None)


def test_several_organizations_links_and_countries_each_once():
    mapped = map_row(row_named("BLOOM-176B"), 2)
    assert mapped.organizations == ["Hugging Face", "BigScience"]
    ling = map_row(row_named("Ling-1T"), 2)
    assert ling.sources == [
        "https://huggingface.co/inclusionAI/Ling-1T",
        "https://arxiv.org/pdf/2510.22115",
    ]
    assert ", " not in "".join(map_row(row_named("Llama 2-7B"), 2).values["country"].split(", "))


def test_names_are_one_line_and_keep_their_letters():
    assert map_row(row_named("Solar Open 100B"), 2).name == "Solar Open 100B"
    name = "ERNIE-4.5-VL-424B-A47B (文心大模型4.5)"
    assert map_row(row_named(name), 2).name == name


def test_two_dataset_sizes_give_the_larger():
    row = next(r for r in sample_rows() if r["Training dataset size (total)"].count(",") == 1)
    assert map_row(row, 2).values["training_dataset_size"] == 2290000001.0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Model": "  "}, "no model name"),
        ({"Publication date": "2023-13-45"}, "is not a date"),
        ({"Publication date": "soon"}, "is not a date"),
        ({"Parameters": "-7000000000.0"}, "Parameters -7000000000.0 is negative"),
        ({"Training compute (FLOP)": "lots"}, "is not a number"),
        ({"Training dataset size (total)": "-1"}, "is negative"),
        ({"Model accessibility": "Leaked"}, "unknown Model accessibility"),
    ],
)
def test_bad_rows_say_why(change, reason):
    result = map_row({**row_named("Llama 2-7B"), **change}, 7)
    assert isinstance(result, BadRow)
    assert result.number == 7
    assert reason in result.reason


# The import: seed entries matched, families, provenance.


def test_imported_entries_are_written_with_their_lookup_and_sort_names(imported):
    """The import writes new entries in bulk, past save(): it sets what save() would."""
    for entry in ModelEntry.objects.filter(import_records__isnull=False).distinct():
        assert entry.name_key == fold(entry.name)
        assert entry.sort_name == sort_key(entry.name)


def test_the_seeds_families_take_epochs_rows_as_variants(imported):
    llama = ModelEntry.objects.get(slug="llama-2")
    assert sorted(v.name for v in llama.variants.all()) == ["Llama 2-70B", "Llama 2-7B"]
    assert ModelEntry.objects.filter(name__iexact="llama 2").count() == 1
    gpt4 = ModelEntry.objects.get(slug="gpt-4")
    assert {v.name for v in gpt4.variants.all()} == {"GPT-4 (Mar 2023)"}
    assert ModelEntry.objects.get(name="Falcon-180B").family.slug == "falcon"
    # Epoch's "Claude" is the seed's Claude: matched, not duplicated
    assert ModelEntry.objects.filter(name="Claude").count() == 1
    assert ImportRecord.objects.get(key="claude").entry.slug == "claude"


def test_organization_spellings_resolve_to_the_seeds(imported):
    assert ModelEntry.objects.get(name="Llama 2-7B").organization.slug == "meta"
    assert ModelEntry.objects.get(name="Gemini 1.0 Ultra").organization.slug == "google"
    bloom = ModelEntry.objects.get(name="BLOOM-176B")
    assert [o.name for o in bloom.organizations] == ["Hugging Face", "BigScience"]
    assert not Organization.objects.filter(name__in=["Meta AI", "Google DeepMind"]).exists()
    assert ModelEntry.objects.get(name="SSD").organization.name == "Organization not published"


def test_imported_facts_carry_their_provenance(imported):
    gpt4 = ModelEntry.objects.get(name="GPT-4 (Mar 2023)")
    parameters = gpt4.provenance.get(fact=Fact.PARAMETERS)
    assert parameters.is_estimate
    assert parameters.retrieved_on == RETRIEVED
    assert str(parameters.dataset) == "Epoch AI, Notable AI Models"
    assert parameters.dataset.licence_name == "CC BY 4.0"
    assert not gpt4.provenance.get(fact=Fact.RELEASE_DATE).is_estimate
    assert [s.url for s in ModelEntry.objects.get(name="Ling-1T").sources.all()] == [
        "https://huggingface.co/inclusionAI/Ling-1T",
        "https://arxiv.org/pdf/2510.22115",
    ]


def test_unknown_stays_unknown(imported):
    nemotron = ModelEntry.objects.get(name="Nemotron 3 Super")
    assert nemotron.category.slug == "unknown"
    assert nemotron.access == ""
    assert ModelEntry.objects.get(name="o1-mini").parameter_count is None


def test_the_first_import_reports_the_seeds_differences_as_conflicts(imported):
    assert len(imported.created) == 31
    conflicts = {(name, change.field) for name, change in imported.conflicts}
    # the seed's Sora is its public release; Epoch's row is the announcement
    assert ("Sora", "release_date") in conflicts
    assert ModelEntry.objects.get(slug="sora").release_date == datetime.date(2024, 12, 9)


# Safe to run again.


def test_importing_the_same_file_again_changes_nothing(imported, django_assert_max_num_queries):
    version = ContentVersion.objects.get().value
    revisions = Revision.objects.count()
    with django_assert_max_num_queries(30):
        report = import_rows(sample_rows(), RETRIEVED)
    assert (report.created, report.changed, report.conflicts) == ([], [], [])
    assert report.unchanged == 33
    assert ContentVersion.objects.get().value == version
    assert Revision.objects.count() == revisions


def add_unrelated_entries(count):
    """``count`` published entries no row of the sample names, some with a sample row's slug
    (in a scratch copy, so their names match nothing)."""
    start = ModelEntry.objects.count()
    organization, category = Organization.objects.first(), Category.objects.first()
    ModelEntry.objects.bulk_create(
        ModelEntry(
            name=f"Unrelated model {n}",
            name_key=f"unrelated model {n}",
            slug=f"unrelated-model-{n}",
            organization=organization,
            category=category,
            status=Status.PUBLISHED,
        )
        for n in range(start, start + count)
    )


def reads_to_import_again():
    """The queries an unchanged import makes, and the model entries it reads."""
    read = []
    from_db = ModelEntry.from_db.__func__

    def counted(cls, *args):
        read.append(1)
        return from_db(cls, *args)

    with (
        mock.patch.object(ModelEntry, "from_db", classmethod(counted)),
        CaptureQueriesContext(connection) as queries,
    ):
        report = import_rows(sample_rows(), RETRIEVED)
    assert report.unchanged == 33
    return len(queries), len(read)


def test_an_unchanged_import_reads_as_much_whatever_the_catalogues_size(imported):
    add_unrelated_entries(40)
    few = reads_to_import_again()
    add_unrelated_entries(120)  # three times as many
    # The rows the file names (33, and the families their names start with), not the others.
    assert reads_to_import_again() == few == (19, 52)


def test_a_new_entry_whose_slug_is_taken_gets_the_next_free_one(seed):
    organization, category = Organization.objects.first(), Category.objects.first()
    for slug in ["falcon-180b", "falcon-180b-2", "falcon-180b-4"]:
        ModelEntry.objects.create(
            name=f"Not Falcon ({slug})", slug=slug, organization=organization, category=category
        )
    rows = [row_named("Falcon-180B"), {**row_named("Falcon-180B"), "Model": "Falcon 180B"}]
    report = import_rows(rows, RETRIEVED)
    assert report.created == ["Falcon-180B", "Falcon 180B"]
    slugs = ModelEntry.objects.filter(name__in=report.created).values_list("name", "slug")
    assert dict(slugs) == {"Falcon-180B": "falcon-180b-3", "Falcon 180B": "falcon-180b-5"}


def test_a_newer_file_updates_what_changed_field_by_field(imported):
    rows = sample_rows()
    for row in rows:
        if row["Model"] == "Falcon-40B":
            row["Parameters"] = "41000000000.0"
    version = ContentVersion.objects.get().value
    report = import_rows(rows[1:], datetime.date(2026, 6, 1))
    assert [(name, [c.field for c in changes]) for name, changes in report.changed] == [
        ("Falcon-40B", ["parameters", "parameter_count"])
    ]
    assert report.gone == [ModelEntry.objects.get(import_records__key="llama 2-7b").name]
    assert ModelEntry.objects.filter(name="Llama 2-7B").exists()  # gone, not deleted
    falcon = ModelEntry.objects.get(name="Falcon-40B")
    assert falcon.parameter_count == 41_000_000_000
    assert falcon.provenance.get(fact=Fact.PARAMETERS).retrieved_on == datetime.date(2026, 6, 1)
    assert falcon.provenance.get(fact=Fact.RELEASE_DATE).retrieved_on == RETRIEVED
    assert ContentVersion.objects.get().value > version
    revision = Revision.objects.get(pk=report.revision_id)
    assert revision.comment.startswith("Imported from Epoch AI")


def test_the_content_version_moves_once_per_import(seed):
    before = ContentVersion.objects.get().value
    table = ContentVersion._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        import_rows(sample_rows(), RETRIEVED)
    bumps = [q for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert len(bumps) == 1
    assert read_content_version("default") == ContentVersion.objects.get().value > before


def test_an_editors_change_is_never_overwritten(imported):
    falcon = ModelEntry.objects.get(name="Falcon-40B")
    falcon.parameter_count = 40_100_000_000
    falcon.save()
    rows = sample_rows()
    report = import_rows(rows, RETRIEVED)
    assert [(name, c.field) for name, c in report.conflicts] == [("Falcon-40B", "parameter_count")]
    falcon.refresh_from_db()
    assert falcon.parameter_count == 40_100_000_000
    # reported once; again only when the file or the editor changes it again
    assert import_rows(rows, RETRIEVED).conflicts == []
    for row in rows:
        if row["Model"] == "Falcon-40B":
            row["Parameters"] = "42000000000.0"
    again = import_rows(rows, RETRIEVED)
    assert [(name, c.field) for name, c in again.conflicts] == [("Falcon-40B", "parameter_count")]
    falcon.refresh_from_db()
    assert falcon.parameter_count == 40_100_000_000


def test_a_source_an_editor_removed_is_not_added_back(imported):
    ling = ModelEntry.objects.get(name="Ling-1T")
    Source.objects.filter(entry=ling, url__contains="arxiv").delete()
    import_rows(sample_rows(), RETRIEVED)
    assert [s.url for s in ling.sources.all()] == ["https://huggingface.co/inclusionAI/Ling-1T"]


def test_undo_puts_back_what_an_import_changed_and_removes_what_it_created(seed):
    sora_before = ModelEntry.objects.get(slug="sora")
    entries, organizations = ModelEntry.objects.count(), Organization.objects.count()
    report = import_rows(sample_rows(), RETRIEVED)
    assert ModelEntry.objects.get(slug="sora").country == "United States of America"
    undo_import(Revision.objects.get(pk=report.revision_id))
    assert ModelEntry.objects.count() == entries
    assert Organization.objects.count() == organizations
    sora = ModelEntry.objects.get(slug="sora")
    assert sora.country == ""
    assert sora.version == sora_before.version + 1  # the import's save; the undo keeps counters
    assert not ImportRecord.objects.exists()
    assert not FactProvenance.objects.exists()
    # and the next import starts again from scratch
    assert len(import_rows(sample_rows(), RETRIEVED).created) == 31


def test_a_dry_run_writes_nothing(seed):
    entries = ModelEntry.objects.count()
    version = ContentVersion.objects.get().value
    report = import_rows(sample_rows(), RETRIEVED, dry_run=True)
    assert len(report.created) == 31
    assert ModelEntry.objects.count() == entries
    assert ContentVersion.objects.get().value == version
    assert not Version.objects.filter(revision__comment__startswith="Imported").exists()


def test_strict_refuses_the_file_on_any_bad_row(seed):
    rows = sample_rows()
    rows[4]["Publication date"] = "2023-02-30"
    entries = ModelEntry.objects.count()
    report = import_rows(rows, RETRIEVED, strict=True)
    assert report.refused
    assert [(bad.number, bad.name) for bad in report.bad_rows] == [(6, "Sora Turbo")]
    assert ModelEntry.objects.count() == entries
    # without --strict the other rows are imported, the bad one reported
    report = import_rows(rows, RETRIEVED)
    assert len(report.created) == 30 and len(report.bad_rows) == 1


def test_a_row_twice_in_one_file_is_a_bad_row(seed):
    rows = sample_rows()
    report = import_rows([*rows, {**rows[0]}], RETRIEVED)
    assert report.bad_rows[-1].reason == "the same model as row 2"


def test_text_from_the_file_is_data(seed):
    row = {**row_named("Llama 2-7B"), "Model": "<script>alert(1)</script> **Bold**"}
    import_rows([row], RETRIEVED)
    entry = ModelEntry.objects.get(name="<script>alert(1)</script> **Bold**")
    assert entry.description == "" and entry.summary == ""


# Bad input: refused whole, with a message.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        ("Model,Organization\nÉ,x\n".encode("latin-1"), "is not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV file"),
        (b"Name,Organization\nGPT-4,OpenAI\n", "has no column “Model”"),
        (b"Model,Organization\n", "has a header row and no models"),
        (b'Model,Organization\n"unclosed,x\n', "not a readable CSV"),
    ],
)
def test_files_that_cannot_be_imported(data, message):
    with pytest.raises(SourceError, match=message):
        parse(data)


def test_a_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"Model\n" + b"x\n" * 600)
    with pytest.raises(SourceError, match="larger than"):
        read_source(big, limit=1000)


def test_the_columns_are_read_by_name_in_any_order(seed):
    columns = ["Publication date", "Model", "Organization", "Model accessibility"]
    rows = parse(csv_bytes([row_named("Falcon-40B")], columns))[1]
    import_rows(rows, RETRIEVED)
    assert ModelEntry.objects.get(name="Falcon-40B").family.slug == "falcon"


class Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def local_server(routes):
    Handler.routes = routes
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_command_imports_from_a_url(seed):
    data = csv_bytes([row_named("Falcon-40B")])
    with local_server({"/notable.csv": (200, {}, data)}) as base:
        out = io.StringIO()
        call_command("import_epoch", f"{base}/notable.csv", "--retrieved-on=2026-05-02", stdout=out)
    assert "1 new" in out.getvalue()
    assert ModelEntry.objects.filter(name="Falcon-40B").exists()


@pytest.mark.parametrize(
    ("routes", "path", "message"),
    [
        ({}, "/missing.csv", "answered 404"),
        ({"/error.csv": (500, {}, b"")}, "/error.csv", "answered 500"),
        (
            {"/moved.csv": (302, {"Location": "http://localhost.invalid/x.csv"}, b"")},
            "/moved.csv",
            "redirects to another host",
        ),
        ({"/page.csv": (200, {}, b"<html><body>Hello</body></html>")}, "/page.csv", "no column"),
    ],
)
def test_urls_that_cannot_be_imported(seed, routes, path, message):
    entries = ModelEntry.objects.count()
    with local_server(routes) as base, pytest.raises(CommandError, match=message):
        call_command("import_epoch", f"{base}{path}", stdout=io.StringIO())
    assert ModelEntry.objects.count() == entries


def test_a_url_that_does_not_answer(seed):
    with pytest.raises(CommandError, match="could not be read"):
        call_command("import_epoch", "http://127.0.0.1:9/notable.csv", stdout=io.StringIO())


def test_the_command_with_strict_and_a_bad_row_writes_nothing(seed, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row_named("Falcon-40B"), {**row_named("SSD"), "Parameters": "-1"}]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="--strict and 1 bad rows"):
        call_command("import_epoch", str(path), "--strict", stdout=out)
    assert "bad row 3 (SSD): Parameters -1 is negative" in out.getvalue()
    assert not ModelEntry.objects.filter(name="Falcon-40B").exists()


def test_a_newer_compute_figure_updates_what_the_import_wrote(imported):
    """Large floats come back from PostgreSQL's JSON as integers (3.1e23 as
    310000000000000000000000): what the import wrote must still be known as its own."""
    rows = sample_rows()
    row = next(row for row in rows if row["Model"] == "Llama 2-70B")
    assert float(row["Training compute (FLOP)"]) > 2**53
    row["Training compute (FLOP)"] = str(float(row["Training compute (FLOP)"]) * 2)
    report = import_rows(rows, datetime.date(2026, 6, 1))
    assert report.conflicts == []
    assert [(name, [c.field for c in changes]) for name, changes in report.changed] == [
        ("Llama 2-70B", ["training_compute_flop"])
    ]
