"""Markdown that used to take minutes: the parser's work grows with the text, the fields and
the preview have a length limit, and a text that cannot be rendered never fails a page."""

import logging
import sys

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kb.catalogue.models import Status
from kb.search.indexing import plain_text
from kb.site import markdown
from kb.site.markdown import convert, render, render_document, render_preview
from kb.tools.management.commands.bench_markdown import PATHOLOGICAL, wide_table
from tests.support.admin_forms import changeform_data
from tests.support.factories import ArticleFactory
from tests.support.text import visible_text


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


# The length limit.


@pytest.fixture
def limit(settings):
    """A limit of 100 characters; converted texts are cached by text alone, so not across it."""
    settings.KB_MARKDOWN_MAX_LENGTH = 100
    convert.cache_clear()
    yield 100
    convert.cache_clear()


def test_a_markdown_field_refuses_text_over_the_limit(db, limit):
    article = ArticleFactory(body="x" * limit)
    article.full_clean()
    article.body = "x" * (limit + 1)
    with pytest.raises(ValidationError) as refusal:
        article.full_clean()
    assert refusal.value.message_dict["body"] == [
        "This text is 101 characters long; a Markdown text can have at most 100. "
        "Shorten it or split it into several documents."
    ]


def test_the_admin_shows_the_limit_and_keeps_the_text(editor_client, limit):
    article = ArticleFactory(body="Short.")
    url = reverse("admin:kb_article_change", args=[article.pk])
    page = editor_client.get(url)
    typed = "Typed by the editor:" + " word" * 30
    response = editor_client.post(url, changeform_data(page, body=typed))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        f"This text is {len(typed)} characters long; a Markdown text can have at most 100. "
        "Shorten it or split it into several documents."
    ]
    assert typed in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Short."


def test_the_preview_refuses_text_over_the_limit_with_a_message(editor_client, limit):
    url = reverse("markdownx_markdownify")
    assert editor_client.post(url, {"content": "**x**" + "x" * 95}).status_code == 200
    response = editor_client.post(url, {"content": "**x**" + "x" * 96})
    assert response.status_code == 413
    message = visible_text(response.content.decode())
    assert message.startswith("No preview: This text is 101 characters long;")
    assert "your text stays in the editor" in message


def test_stored_text_over_the_limit_shows_as_plain_text(client, editor_client, limit):
    # Text saved before the limit, or loaded without the forms: escaped, never parsed.
    body = "## Title\n\n<b>Bold</b> " + "and more " * 12
    article = ArticleFactory(body=body)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<p>## Title</p>" in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert "block-warning" not in page
    draft = ArticleFactory(body=body, status=Status.DRAFT)
    warning = visible_text(editor_client.get(draft.get_absolute_url()).content.decode())
    assert (
        f"⚠ This text is shown as plain text: This text is {len(body)} characters long;" in warning
    )


# A text the renderer fails on.


@pytest.fixture
def broken_parser(monkeypatch):
    def fail(text, env=None):
        raise RuntimeError("the parser broke")

    monkeypatch.setattr(markdown.PARSER, "render", fail)
    convert.cache_clear()
    yield
    convert.cache_clear()


def test_a_page_whose_text_fails_to_render_shows_it_as_text(client, db, broken_parser, caplog):
    article = ArticleFactory(body="First *line*\n\n<script>alert(1)</script>")
    with caplog.at_level(logging.ERROR, logger="kb.site.markdown"):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<p>First *line*</p>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert [record.exc_info[1].args for record in caplog.records] == [("the parser broke",)]


def test_a_failing_text_is_tried_once_per_process(db, broken_parser, caplog):
    with caplog.at_level(logging.ERROR, logger="kb.site.markdown"):
        for _ in range(3):
            assert render("Some *text*") == "<p>Some *text*</p>"
    assert len(caplog.records) == 1


def test_the_editor_sees_why_a_text_shows_as_plain_text(editor_client, broken_parser):
    response = editor_client.post(reverse("markdownx_markdownify"), {"content": "Some *text*"})
    assert response.status_code == 200
    shown = visible_text(response.content.decode())
    assert shown.startswith("⚠ This text is shown as plain text: This text could not be rendered")
    assert shown.endswith("Some *text*")


def test_previews_are_not_kept_in_the_per_process_cache():
    """Each keystroke's draft is a new text: kept, they would push the pages' texts out."""
    convert.cache_clear()
    draft = "A draft, *as typed*"
    assert "<em>as typed</em>" in render_preview(draft)
    assert convert.cache_info().currsize == 0
    assert render(draft) == render_preview(draft)
    assert convert.cache_info().currsize == 1
