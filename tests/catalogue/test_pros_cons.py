"""Pros and cons in the bundled content and the admin: the seed models' own points, each
sourced; the category's points and the openness dimensions they rest on; the warning editors get
when an entry's grades contradict a point of its category."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kb.catalogue import history
from kb.catalogue.models import ModelEntry, ProCon
from tests.support.html import parse

pytestmark = pytest.mark.django_db


def points(**owner):
    return list(ProCon.objects.filter(**owner).order_by("-kind", "position"))


def test_the_categorys_points_name_the_dimensions_they_rest_on(seed):
    # Their words stay the seed's (test_bundled); what they rest on is ours.
    rests_on = {p.text: p.rests_on for p in points(category__slug="open-source") if p.rests_on}
    assert rests_on == {
        "Transparent and inspectable": ["training_code", "training_data"],
        "Can be hosted or customized locally": ["weights"],
    }


@pytest.mark.parametrize(
    "slug",
    [
        "llama-2", "mistral", "mixtral", "falcon", "bloom", "stable-diffusion",
        "gpt-4", "claude", "gemini", "sora",
    ],
)  # fmt: skip
def test_seed_models_have_their_own_sourced_pros_and_cons(seed, slug):
    own = points(entry__slug=slug)
    assert {point.kind for point in own} == {ProCon.Kind.PRO, ProCon.Kind.CON}
    for point in own:
        assert point.source_url.startswith("https://"), point
        assert point.rests_on == []


def test_llama_2_and_mixtral_no_longer_share_their_pros(seed):
    llama, mixtral = (
        {p.text for p in points(entry__slug=slug, kind=ProCon.Kind.PRO)}
        for slug in ("llama-2", "mixtral")
    )
    assert llama and mixtral and not llama & mixtral


def test_loading_twice_changes_no_point(seed):
    from kb.catalogue.bundled import load_bundled_content

    before = [(p.pk, p.version) for p in ProCon.objects.order_by("pk")]
    load_bundled_content()
    assert [(p.pk, p.version) for p in ProCon.objects.order_by("pk")] == before


def test_rests_on_takes_only_openness_dimensions(seed):
    point = points(category__slug="open-source")[0]
    point.rests_on = ["training_code", "vibes"]
    with pytest.raises(ValidationError, match="A list of openness dimensions"):
        point.full_clean()


def test_editors_are_warned_when_an_entrys_grades_contradict_its_categorys_point(
    editor_client, seed
):
    # Falcon grades its training code closed; without pros or cons of its own, it shows its
    # category's, less "Transparent and inspectable".
    falcon = ModelEntry.objects.get(slug="falcon")
    ProCon.objects.filter(entry=falcon).delete()
    page = editor_client.get(reverse("admin:kb_modelentry_change", args=[falcon.pk]))
    warnings = [
        " ".join(li.text.split()) for li in parse(page.content).find_all("li", class_="warning")
    ]
    assert warnings == [
        "Open-source models lists “Transparent and inspectable” as typical, but this entry "
        "grades its training code closed: its page leaves the point out. Write the entry's own "
        "pros and cons, or check its grades."
    ]
    # An entry with points of its own shows none of its category's: nothing to warn about.
    llama = ModelEntry.objects.get(slug="llama-2")
    page = editor_client.get(reverse("admin:kb_modelentry_change", args=[llama.pk]))
    assert not parse(page.content).find_all("li", class_="warning")


def test_editors_tick_the_dimensions_a_category_point_rests_on(editor_client, seed):
    point = ProCon.objects.get(text="Transparent and inspectable")
    page = editor_client.get(reverse("admin:kb_category_change", args=[point.category_id]))
    ticked = [
        box["value"]
        for box in parse(page.content).find_all("input", type="checkbox", checked="")
        if box["name"].endswith("-rests_on")
        and box["name"].startswith(f"pros_cons-{point.position - 1}-")
    ]
    assert ticked == ["training_code", "training_data"]


def test_history_reads_a_list_as_its_items():
    field = ProCon._meta.get_field("rests_on")
    assert history.describe(field, ["weights", "paper"]) == "weights, paper"
    assert history.describe(field, []) == ""
