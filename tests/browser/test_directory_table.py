"""The directory's table on a desktop: it fits 1280 px with every column in view, and where a
narrower window hides columns the box's edge shows a shadow; licences take a line or two, not
five ("Proprietary (Anthropic commercial terms of service)" reads "Proprietary", a link to the
terms)."""

import pytest

from tests.support.epoch import import_sample

from .conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)

# Every entry of the seed and the Epoch sample on one page.
DIRECTORY = "/models/?per_page=100"

# The table's box: how wide its table is, how wide it shows, and its backgrounds (.scroll-hint).
BOX = """() => {
  const box = document.querySelector(".table-scroll");
  const style = getComputedStyle(box);
  return {
    scrollWidth: box.scrollWidth,
    clientWidth: box.clientWidth,
    images: style.backgroundImage,
    attachments: style.backgroundAttachment,
  };
}"""

# The number of lines each licence's text takes (the OSI badge aside).
LICENCE_LINES = """() => Array.from(
  document.querySelectorAll('.directory-table td[data-label="Licence"] .fact-value > :first-child'),
  (text) => [text.textContent, text.getClientRects().length],
)"""


@pytest.fixture
def catalogue(site):
    import_sample()
    return site


def test_at_1280_px_the_table_shows_every_column(page, catalogue, problems, shot):
    page.set_viewport_size(DESKTOP)
    page.goto(catalogue + DIRECTORY)
    box = page.evaluate(BOX)
    assert box["scrollWidth"] <= box["clientWidth"], box
    last_heading = page.get_by_role("columnheader", name="Weights at 4 bits")
    assert (
        last_heading.bounding_box()["x"] + last_heading.bounding_box()["width"] <= DESKTOP["width"]
    )
    shot("directory-1280")


def test_a_narrower_window_scrolls_the_table_with_a_shadow_on_the_hidden_side(
    page, catalogue, problems
):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(catalogue + DIRECTORY)
    box = page.evaluate(BOX)
    assert box["scrollWidth"] > box["clientWidth"], box
    # The shadows stay on the box's edges, the covers travel with the columns.
    assert box["images"].count("radial-gradient") == 2, box
    assert box["attachments"] == "local, local, scroll, scroll", box


def test_licences_take_at_most_two_lines(page, catalogue, problems):
    page.set_viewport_size(DESKTOP)
    page.goto(catalogue + DIRECTORY)
    lines = dict(page.evaluate(LICENCE_LINES))
    assert "Proprietary" in lines  # GPT-4, Claude, Gemini: their terms, shortened
    assert max(lines.values()) <= 2, lines
    terms = page.get_by_role("link", name="Proprietary").first
    assert terms.get_attribute("href").startswith("https://")
