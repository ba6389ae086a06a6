"""What visitors see of imported facts: provenance, estimates marked, Epoch AI credited, a
family's variants listed."""

import pytest

from kb.catalogue.epoch.sync import import_rows
from kb.catalogue.models import FactProvenance, ModelEntry
from tests.support.epoch import RETRIEVED, sample_rows

pytestmark = pytest.mark.django_db

CREDIT = "Facts credited to Epoch AI come from Epoch AI,"


@pytest.fixture
def imported(seed):
    import_rows(sample_rows(), RETRIEVED)


def test_an_estimate_is_marked_with_its_note_and_provenance(client, imported):
    html = client.get("/models/gpt-4-mar-2023/").content.decode()
    assert "1.8T total, 280B active per token" in html
    assert '<span class="badge badge-estimate">Estimate (likely)</span>' in html
    assert "Epoch AI’s note</summary><p>Rumored to be 1.8T parameter MoE" in html
    assert "retrieved 2 May 2026" in html
    assert CREDIT in html
    assert 'Part of the <a href="/models/gpt-4/">GPT-4</a> family' in html


def test_a_confident_value_is_not_called_an_estimate(client, imported):
    html = client.get("/models/falcon-40b/").content.decode()
    assert "Estimate (" not in html
    assert "retrieved 2 May 2026" in html


def test_a_family_lists_its_variants(client, imported):
    html = client.get("/models/llama-2/").content.decode()
    assert '<h2 id="variants">Models in the LLaMA 2 family</h2>' in html
    assert html.index(">Llama 2-70B</a>") < html.index(">Llama 2-7B</a>")
    assert CREDIT not in html  # none of its own facts comes from Epoch AI


def test_a_note_is_text_not_markup(client, imported):
    entry = ModelEntry.objects.get(name="Falcon-40B")
    entry.provenance.filter(fact=FactProvenance.Fact.PARAMETERS).update(
        note="<script>alert(1)</script> **bold**"
    )
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold**" in html


def test_the_seed_pages_are_unchanged_without_an_import(client, seed):
    html = client.get("/models/gpt-4/").content.decode()
    assert CREDIT not in html and "Models in the" not in html


def test_the_data_page_credits_epoch_ai_once_imported(client, seed):
    assert "Epoch AI" not in client.get("/data/").content.decode()
    import_rows(sample_rows(), RETRIEVED)
    html = client.get("/data/").content.decode()
    assert "facts imported from Epoch AI’s" in html
    assert "(last retrieved 2 May 2026)" in html


def test_model_page_queries_do_not_grow_with_variants_or_provenance(
    client, imported, django_assert_num_queries
):
    # Entry; modalities, sources, grades, pros/cons, category pros/cons, API price, other
    # organizations, provenance; variants; articles; the picker's count and choices.
    with django_assert_num_queries(13):
        client.get("/models/gemini/")  # 18 variants
    with django_assert_num_queries(13):
        client.get("/models/bloom/")  # 1 variant


def test_the_category_comparison_keeps_the_seeds_two_columns(client, imported):
    html = client.get("/compare/").content.decode()
    assert "Not released or access unknown" not in html
    assert client.get("/categories/unknown/").status_code == 200
