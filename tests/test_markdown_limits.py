"""Markdown that used to take minutes: the parser's work grows with the text, the fields and
the preview have a length limit, and a text that cannot be rendered never fails a page."""

import sys

import pytest

from kb.management.commands.bench_markdown import PATHOLOGICAL, wide_table
from kb.markdown import convert, render, render_document
from kb.search.indexing import plain_text


@pytest.mark.parametrize(
    "text",
    ["[" * 99_999, "[a](" * 24_999, "![" * 49_999, "<http://a" * 11_000, "-" * 99_999 + "x"],
    ids=["[", "[a](", "![", "<http://a", "---x"],
)
def test_the_search_index_strips_pathological_markdown_in_proportion(text):
    # The index's regular expressions used to scan to the end of the text from every bracket.
    assert plain_text(text) == text


def function_calls(function, text):
    """How many Python and C functions ``function(text)`` calls: a count of the work done,
    the same on every run, unlike a time."""
    count = 0

    def profiler(frame, event, arg):
        nonlocal count
        count += 1

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        function(text)
    finally:
        sys.setprofile(previous)
    return count


LINEAR_CASES = {name: build for name, build in PATHOLOGICAL.items() if build is not wide_table}


@pytest.mark.parametrize("build", LINEAR_CASES.values(), ids=LINEAR_CASES.keys())
def test_doubling_a_pathological_text_at_most_doubles_the_work(build):
    # Python-Markdown did four times the work on twice the brackets (and failed on nested
    # lists); in proportion to the text, twice the text is twice the work.
    uncached = convert.__wrapped__
    small, large = (function_calls(uncached, build(size)) for size in (1_000, 2_000))
    assert large / small < 2.2


def test_a_table_cannot_multiply_its_cells_without_bound():
    # 666 columns, and 1,110 one-cell rows that a parser fills up to the header's width.
    html = convert.__wrapped__(wide_table(4_000)).html
    assert 60_000 < html.count("<td>") < 70_000


def test_the_texts_from_the_issue_render_right():
    # Each took Python-Markdown from 13 seconds to minutes.
    assert render("[" * 20_000) == f"<p>{'[' * 20_000}</p>"
    assert render("[a](" * 20_000) == f"<p>{'[a](' * 20_000}</p>"
    assert render("<http://a" * 11_000) == f"<p>{'&lt;http://a' * 11_000}</p>"
    headings = render_document("## h\n" * 20_000)
    ids = [heading.id for heading in headings.toc]
    assert ids[:3] == ["h", "h_1", "h_2"] and ids[-1] == "h_19999" and len(set(ids)) == 20_000
    assert headings.html.count("<h2 id=") == 20_000
