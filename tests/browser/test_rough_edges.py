"""Rough edges a reader sees (issue 16, point 6), measured in the browser at a phone's and a
desktop's width: cards keep their padding, the open and closed marks are drawn, captions sit
where their tables start."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_featured_article_cards_keep_their_padding(page, site, problems, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/")
    cards = page.locator("section[aria-labelledby=featured] li.card")
    assert cards.count()
    for card in cards.all():
        box = card.bounding_box()
        title = card.locator(".card-title").bounding_box()
        assert title["x"] - box["x"] >= 12, "the title touches the card's edge"


@pytest.mark.parametrize("width", WIDTHS)
def test_category_marks_are_drawn_without_an_emoji_font(page, site, problems, width):
    # Debian's headless Chromium has no emoji font: 🔓 and 🔒 came out as empty boxes.
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/")
    marks = page.locator(".world-card svg.icon")
    assert marks.count() == page.locator(".world-card").count() >= 2
    for mark in marks.all():
        box = mark.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    page.goto(site + "/models/")
    facet = page.locator("fieldset", has=page.locator("legend", has_text="Category"))
    for mark in facet.locator("label svg.icon").all():
        box = mark.bounding_box()
        assert 10 <= box["width"] <= 24


CAPTIONED = ["/models/llama-2/", "/compare/", "/timeline/"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", CAPTIONED)
def test_captions_start_where_their_tables_start(page, site, problems, width, path):
    # The timeline's table had a centred caption over its left-aligned cells.
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + path)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    offsets = page.evaluate(
        """() => [...document.querySelectorAll('main caption')]
            .filter(caption => caption.offsetWidth > 2)
            .map(caption => {
                const words = document.createRange();
                words.selectNodeContents(caption);
                const table = caption.closest('table').getBoundingClientRect();
                return [caption.textContent.trim(), words.getBoundingClientRect().left - table.left];
            })"""
    )
    assert offsets
    for caption, offset in offsets:
        assert 0 <= offset <= 24, f"{caption!r} starts {offset:.0f}px into its table"
