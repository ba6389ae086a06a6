"""Generated blocks register themselves (``kb.site.blocks.block``); everything else reads the registry."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from kb.site import blocks
from kb.site.blocks import BLOCKS, block, parse_placeholder
from kb.site.markdown import render, render_preview
from tests.support.factories import CategoryFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_placeholders():
    """The placeholders in the first column of the README's table of generated blocks."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| placeholder | shows |") :].split("\n\n")[0]
    rows = table.splitlines()[2:]
    return [code for row in rows for code in re.findall(r"`(\[\[[^`]*\]\])`", row.split("|")[1])]


def test_the_readme_lists_every_block_as_registered():
    assert readme_placeholders() == [b.usage for b in BLOCKS.values()]


def test_an_unknown_block_is_told_every_registered_one():
    problem = parse_placeholder("nonsense").problem
    assert problem == (
        "There is no such block. Write [[comparison]], [[examples SLUG]], [[pros SLUG]], "
        "[[cons SLUG]] or [[chart NAME OPTIONS]]."
    )


@pytest.mark.parametrize("name", list(BLOCKS))
def test_each_block_takes_what_it_registered(name):
    if BLOCKS[name].read_options:
        assert parse_placeholder(name).problem.endswith(f"Write {BLOCKS[name].usage}.")
    elif BLOCKS[name].takes_slug:
        assert parse_placeholder(f"{name} a-slug") == blocks.Placeholder(
            f"[[{name} a-slug]]", name, "a-slug"
        )
        assert "needs one slug" in parse_placeholder(name).problem
    else:
        assert parse_placeholder(name) == blocks.Placeholder(f"[[{name}]]", name)
        assert "takes nothing" in parse_placeholder(f"{name} a-slug").problem


@pytest.fixture
def greeting(monkeypatch):
    """A block registered the way the site's own are, for this test only."""
    monkeypatch.setattr(blocks, "BLOCKS", dict(BLOCKS))
    loads = []

    def load(owners):
        loads.append(owners)
        return {owner.pk: f"Hello, {owner.name}" for owner in owners}

    @block("greeting", slug=True, template="blocks/points.html", load=load)
    def greeting(greetings, owner):
        return {"points": [SimpleNamespace(text=greetings[owner.pk])], "kind": "pros"}, [owner]

    return loads


@pytest.mark.django_db
def test_a_registered_block_needs_no_other_change(greeting):
    one, two = CategoryFactory(name="Open"), CategoryFactory(name="Closed")
    text = f"[[greeting {one.slug}]]\n\n[[greeting {two.slug}]]\n\n[[greeting nobody]]"
    html = render_preview(text)
    assert "<li>Hello, Open</li>" in html
    assert "<li>Hello, Closed</li>" in html
    assert "No category or published model entry has the slug &quot;nobody&quot;." in html
    assert greeting == [{one, two}]  # one load for all of a document's placeholders of it
    assert "[[greeting SLUG]]" in render_preview("[[nonsense]]")
    assert "block-warning" not in render(text)
