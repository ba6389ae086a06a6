"""The seed entries' facts as corrected from primary sources (docs/seed-facts.md lists each one with
its source and the words it rests on), and the seed's names kept beside the official ones."""

import re
from pathlib import Path

import pytest
from django.db.models import Q

from kb.catalogue.bundled import read_content
from kb.catalogue.models import ModelEntry, Organization, OrganizationAlias, ProCon
from kb.catalogue.text import fold
from tests.support.epoch import import_sample

pytestmark = pytest.mark.django_db

SEED_FACTS = Path(__file__).resolve().parents[2] / "docs" / "seed-facts.md"
LLAMA_README = "https://github.com/meta-llama/llama/blob/main/README.md"


def entry(slug):
    return ModelEntry.objects.get(slug=slug)


def named(name):
    """The entries a name finds, by their own name or an alias, as the Epoch import matches them."""
    key = fold(name)
    return list(ModelEntry.objects.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct())


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("LLaMA 2", "llama-2"),
        ("Llama 2", "llama-2"),
        ("Mistral", "mistral"),
        ("Mistral 7B", "mistral"),
        ("mistral 7b", "mistral"),
    ],
)
def test_the_seed_and_the_official_names_find_the_same_entry(seed, name, slug):
    assert named(name) == [entry(slug)]


def test_meta_is_named_as_its_licence_names_it_not_as_formerly_fair(seed):
    meta = Organization.objects.get(slug="meta")
    assert "formerly" not in meta.description
    assert meta.description.startswith("Meta Platforms, Inc. develops")
    # Epoch AI's spellings still find Meta.
    for spelling in ("Facebook AI Research", "Meta AI"):
        assert OrganizationAlias.objects.get(name_key=fold(spelling)).organization == meta


def test_llama_2_weights_need_an_approved_request(seed):
    llama = entry("llama-2")
    weights = llama.openness.get(dimension="weights")
    assert (weights.grade, weights.source_url) == ("partial", LLAMA_README)
    assert llama.sources.filter(fact="access", url=LLAMA_README).exists()
    assert "once Meta approves a request" in llama.description


def test_stable_diffusions_parameter_count_says_what_it_counts(seed):
    sd = entry("stable-diffusion")
    assert sd.parameter_count == 860_000_000 + 123_000_000
    assert sd.parameters == "983M: 860M U-Net + 123M text encoder, autoencoder not counted (v1)"
    assert sd.sources.filter(
        fact="parameters", url__startswith="https://github.com/CompVis/stable-diffusion/blob/"
    ).exists()


def test_falcons_licence_is_sourced_size_by_size(seed):
    falcon = entry("falcon")
    assert falcon.licence_name == (
        "Apache License 2.0 (Falcon-7B, Falcon-40B); Falcon-180B TII License (Falcon-180B)"
    )
    licence_sources = set(falcon.sources.filter(fact="licence").values_list("url", flat=True))
    assert {
        "https://huggingface.co/tiiuae/falcon-40b",
        "https://huggingface.co/tiiuae/falcon-7b/blame/da8d49a4c7dde3bfc39461e6f2cf7433e2fa44c2/README.md",
        "https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt",
    } <= licence_sources


def test_falcons_release_date_rests_on_tiis_upload_record_not_the_later_blog_post(seed):
    falcon = entry("falcon")
    assert falcon.release_date.isoformat() == "2023-05-25"
    dated_by = set(falcon.sources.filter(fact="release_date").values_list("url", flat=True))
    # The model card's history in TII's repository; the 5 June blog post names no date.
    assert dated_by == {
        "https://huggingface.co/tiiuae/falcon-40b/commits/"
        "52aee9ee895fcfca1f8db422d15e86576a67c65b/README.md"
    }
    assert falcon.sources.filter(fact="general", url="https://huggingface.co/blog/falcon").exists()


def test_falcons_variants_from_epoch_carry_their_own_licences(seed):
    import_sample()
    variants = {v.name: v for v in entry("falcon").variants.all()}
    assert set(variants) == {"Falcon-40B", "Falcon-180B"}  # no Falcon-7B row in Epoch's data
    forty = variants["Falcon-40B"]
    assert (forty.licence_name, forty.licence_osi_approved) == ("Apache License 2.0", True)
    # Epoch's note on Falcon-180B names no licence: left unknown, not taken from the family.
    one_eighty = variants["Falcon-180B"]
    assert (one_eighty.licence_name, one_eighty.licence_osi_approved) == ("", None)


def test_sora_says_its_api_was_shut_down_with_its_source(seed):
    sora = entry("sora")
    assert "shut down on 24 September 2026" in sora.description
    assert sora.sources.filter(
        url="https://developers.openai.com/de-DE/api/docs/models/sora-2"
    ).exists()


def test_mixtral_has_its_licence_among_its_own_points(seed):
    pros = ProCon.objects.filter(entry__slug="mixtral", kind=ProCon.Kind.PRO)
    licence = pros.get(text__startswith="Apache 2.0")
    assert licence.source_url == "https://docs.mistral.ai/getting-started/open_weight_models/"


def test_what_llama_2_and_gpt_4_read_and_write_with_their_sources(seed):
    llama = entry("llama-2")
    assert (llama.input_modalities, llama.output_modalities) == (["text"], ["text"])
    assert llama.sources.filter(
        fact="modalities", url="https://github.com/meta-llama/llama/blob/main/MODEL_CARD.md"
    ).exists()
    gpt = entry("gpt-4")
    assert (gpt.input_modalities, gpt.output_modalities) == (["text", "image"], ["text"])
    assert gpt.sources.filter(fact="modalities", url="https://arxiv.org/abs/2303.08774").exists()


def documented_prices():
    """docs/seed-facts.md's API prices table: {entry slug: (input / output, source, quote)}."""
    section = SEED_FACTS.read_text(encoding="utf-8").split("\n## API prices", 1)[1]
    table = section.split("\n| Model | Entry |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[2:]:
        _model, slug, figures, source, quote = (
            cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]
        )
        rows[slug] = (figures, source.split(" ")[0], quote)
    return rows


def bundled_prices():
    content = read_content()
    of_entries = [
        {"entry": item["slug"], **item["api_price"]}
        for item in content["entries"]
        if "api_price" in item
    ]
    return of_entries + content["prices"]


def test_every_documented_price_is_bundled_and_every_bundled_one_documented():
    assert set(documented_prices()) == {price["entry"] for price in bundled_prices()}


@pytest.mark.parametrize("price", bundled_prices(), ids=lambda price: price["entry"])
def test_each_bundled_price_is_the_one_quoted_from_its_source(price):
    figures, source, quote = documented_prices()[price["entry"]]
    assert figures == f"${price['input']} / ${price['output']}"
    assert source == price["source"]
    assert f"${price['input']} " in quote and f"${price['output']} " in quote
