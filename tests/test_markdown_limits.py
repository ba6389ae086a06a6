"""Markdown that used to take minutes: the parser's work grows with the text, the fields and
the preview have a length limit, and a text that cannot be rendered never fails a page."""

import pytest

from kb.search.indexing import plain_text


@pytest.mark.parametrize(
    "text",
    ["[" * 99_999, "[a](" * 24_999, "![" * 49_999, "<http://a" * 11_000, "-" * 99_999 + "x"],
    ids=["[", "[a](", "![", "<http://a", "---x"],
)
def test_the_search_index_strips_pathological_markdown_in_proportion(text):
    # The index's regular expressions used to scan to the end of the text from every bracket.
    assert plain_text(text) == text
