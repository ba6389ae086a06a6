"""The commands around search at scale: synthetic data and the benchmark."""

import pytest
from django.core.management import CommandError, call_command

from kb.catalogue.models import (
    Article,
    Category,
    ModelEntry,
    OpennessGrade,
    Organization,
)
from kb.search.models import SearchDocument
from kb.tools.synthetic import Generator
from tests.support.search_pages import search_url, titles

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_data", entries=60, articles=6, seed=3, verbosity=0, **options)


def test_generated_data_fills_the_catalogue_and_the_index(client):
    generate()
    assert ModelEntry.objects.count() == 60
    assert Article.objects.count() == 6
    visible = (
        ModelEntry.objects.published().count()
        + Article.objects.published().count()
        + Category.objects.count()
    )
    assert SearchDocument.objects.count() == visible
    entry = ModelEntry.objects.published().order_by("pk").first()
    assert entry.modalities.exists()
    assert f"**{entry.name}**" in entry.description
    assert entry.name in titles(client.get(search_url(entry.name)))
    graded = ModelEntry.objects.filter(openness__isnull=False).distinct().count()
    assert 5 <= graded <= 40  # about one entry in three
    assert OpennessGrade.objects.values("grade").distinct().count() > 1


def test_the_same_seed_gives_the_same_data():
    first, second = Generator(5), Generator(5)
    organization = Organization(name="Blue Labs", slug="blue-labs", website="https://b.example/")
    assert first.entry(1, organization, "closed") == second.entry(1, organization, "closed")
    assert first.article(1, ["X"]) == second.article(1, ["X"])
    assert [first.openness(True) for _ in range(9)] == [second.openness(True) for _ in range(9)]
    assert Generator(6).article(1, ["X"]) != Generator(5).article(1, ["X"])


def test_generating_refuses_a_database_with_the_bundled_content(seed):
    with pytest.raises(CommandError, match="holds the bundled content"):
        generate()
    generate(force=True)
    assert ModelEntry.objects.filter(slug__startswith="gen-").count() == 60


def test_generating_again_is_a_no_op_or_refused(capsys):
    generate()
    generate()
    assert "Generated data present (60 entries, 6 articles)." in capsys.readouterr().out
    with pytest.raises(CommandError, match="already holds other generated data"):
        call_command("generate_data", entries=10, articles=1, verbosity=0)


def test_the_benchmark_reports_latencies_and_the_ratio(capsys):
    generate()
    call_command("bench_search", queries=8, baseline_queries=4, repeat=1)
    out = capsys.readouterr().out
    for line in (
        "8 queries",
        "search: p50",
        "  prefix: p50",
        "  misspelling: p50",
        "icontains (4 of",
        "; CPU p50",
        "load average",
    ):
        assert line in out
    assert "ratio icontains / search: p50" in out
