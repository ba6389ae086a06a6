"""No page scrolls sideways on a phone or a tablet: every kind of page fits the viewport's width
at 320, 390 and 768 px, in the light and the dark colour scheme. Wide tables and the timeline's
chart scroll inside their own box instead; the failure names the page, width and scheme."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "home": "/",
    "article-list": "/articles/",
    "article": "/articles/open-source-vs-closed-models/",
    "article with charts": "/articles/the-two-worlds-in-numbers/",
    "category": "/categories/open-source/",
    "organization": "/organizations/meta/",
    "directory": "/models/",
    "model-gpt-4": "/models/gpt-4/",
    "model-llama-2": "/models/llama-2/",
    "model-mistral": "/models/mistral/",
    "model-stable-diffusion": "/models/stable-diffusion/",
    "category-comparison": "/compare/",
    "model-comparison-2": "/compare/models/?m=llama-2&m=gpt-4",
    "model-comparison-3": "/compare/models/?m=llama-2&m=gpt-4&m=mistral",
    "timeline": "/timeline/",
    "search": "/search/?q=llama",
    "open-data": "/data/",
}
WIDTHS = [320, 390, 768]
SCHEMES = ["light", "dark"]


def overflows(page, url, status):
    """Each width and scheme at which ``url`` is wider than the viewport, and by how much."""
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            assert page.goto(url).status == status
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            inner_width = page.evaluate("window.innerWidth")
            if scroll_width > inner_width:
                too_wide.append(f"{width}px, {scheme}: {scroll_width}px wide")
    return too_wide


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_fits_the_viewport_width(page, site, problems, path):
    too_wide = overflows(page, site + path, 200)
    assert not too_wide, f"{path} scrolls sideways:\n" + "\n".join(too_wide)


def test_not_found_page_fits_the_viewport_width(page, site):
    # Not watched for console errors: the browser reports the 404 itself as one.
    too_wide = overflows(page, site + "/no-such-page/", 404)
    assert not too_wide, "the 404 page scrolls sideways:\n" + "\n".join(too_wide)


def test_wide_tables_scroll_in_a_named_focusable_box(page, site, problems):
    """The scorecard on a phone: wider than its box, which scrolls and can be reached and
    named by keyboard and screen-reader users, with the dimension names kept in view."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site + "/models/llama-2/")
    region = page.get_by_role("region", name="How open LLaMA 2 is, dimension by dimension")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    first_name = region.locator("tbody th").first
    left_before = first_name.bounding_box()["x"]
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert first_name.bounding_box()["x"] == pytest.approx(left_before, abs=1)
