"""Pros and cons that belong to the model: its own (each with its source), or the ones typical of
its category, said so, less those its own openness grades contradict."""

import pytest

from kb.catalogue.models import OpennessGrade, ProCon
from tests.support.factories import CategoryFactory, ModelEntryFactory
from tests.support.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_source(db):
    category = CategoryFactory(slug="open-source", name="Open-source models", short_name="Open")
    ProCon.objects.create(
        kind="pro",
        text="Transparent and inspectable",
        category=category,
        rests_on=["training_code", "training_data"],
    )
    ProCon.objects.create(
        kind="pro", text="Can be hosted locally", category=category, rests_on=["weights"]
    )
    ProCon.objects.create(kind="con", text="Needs skill", category=category)
    return category


def grade(entry, **grades):
    for dimension, value in grades.items():
        OpennessGrade.objects.create(entry=entry, dimension=dimension, grade=value)


def pros_cons(response):
    """The pros and cons section of a model page: its note, its lists by heading."""
    section = parse(response.content).find("section", aria_labelledby="pros-cons")
    lists = {
        part.find("h3").text.lstrip("+− "): [item.text for item in part.find_all("li")]
        for part in section.find_all("section")
    }
    return section, lists


def test_inherited_points_are_labelled_typical_of_the_category(client, open_source):
    ModelEntryFactory(name="Zephyr", slug="zephyr", category=open_source)
    section, lists = pros_cons(client.get("/models/zephyr/"))
    assert (
        "Zephyr has no pros or cons of its own yet; below are the ones typical of open-source "
        "models in general." in section.text
    )
    note = section.find("p", class_="note")
    assert note.find("a")["href"] == "/categories/open-source/"
    assert lists == {
        "Typical pros": ["Transparent and inspectable", "Can be hosted locally"],
        "Typical cons": ["Needs skill"],
    }


def test_a_category_point_its_grades_contradict_is_left_out_and_said_so(client, open_source):
    llama = ModelEntryFactory(name="LLaMA 2", slug="llama-2", category=open_source)
    grade(llama, weights="open", training_code="closed", training_data="closed", paper="open")
    section, lists = pros_cons(client.get("/models/llama-2/"))
    assert lists["Typical pros"] == ["Can be hosted locally"]
    left_out = section.find("div", class_="note pros-cons-left-out")
    assert " ".join(left_out.text.split()) == (
        "Not true of this model, so left out: “Transparent and inspectable”: its training code "
        "and training data are graded closed."
    )


@pytest.mark.parametrize(
    ("grades", "pros"),
    [
        # Partial or unknown is not a contradiction; one closed dimension is.
        ({"training_code": "partial", "training_data": "unknown"}, 2),
        ({"training_code": "open", "training_data": "closed"}, 1),
        ({"weights": "closed"}, 1),
    ],
)
def test_only_a_closed_grade_contradicts_a_point(client, open_source, grades, pros):
    entry = ModelEntryFactory(slug="some-model", category=open_source)
    grade(entry, **grades)
    _, lists = pros_cons(client.get("/models/some-model/"))
    assert len(lists["Typical pros"]) == pros


def test_own_points_are_shown_as_its_own_with_their_sources(client, open_source):
    llama = ModelEntryFactory(name="LLaMA 2", slug="llama-2", category=open_source)
    licence = "https://github.com/meta-llama/llama/blob/main/LICENSE"
    ProCon.objects.create(kind="pro", text="Royalty-free licence", entry=llama, source_url=licence)
    ProCon.objects.create(kind="con", text="English only", entry=llama)
    section, lists = pros_cons(client.get("/models/llama-2/"))
    assert lists == {"Pros": ["Royalty-free licence (source)"], "Cons": ["English only"]}
    assert "typical" not in section.text
    source = section.find("a", class_="pc-source")
    assert (source["href"], source["rel"], source.text) == (licence, "noopener", "(source)")


def test_the_model_comparison_labels_inherited_points_and_leaves_out_contradicted_ones(
    client, open_source
):
    llama = ModelEntryFactory(name="LLaMA 2", slug="llama-2", category=open_source)
    grade(llama, training_code="closed")
    mixtral = ModelEntryFactory(name="Mixtral", slug="mixtral", category=open_source)
    ProCon.objects.create(kind="pro", text="Sparse mixture of experts", entry=mixtral)
    page = parse(client.get("/compare/models/?m=llama-2&m=mixtral").content)
    row = next(tr for tr in page.find_all("tr") if tr.elements[0].text == "Pros")
    llama_cell, mixtral_cell = (" ".join(td.text.split()) for td in row.find_all("td"))
    assert llama_cell == (
        "Typical of open-source models, not written for this model: Can be hosted locally"
    )
    assert mixtral_cell == "Sparse mixture of experts"
