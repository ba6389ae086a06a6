import pytest

from .accessibility import assert_accessible
from .conftest import PHONE, assert_no_page_scroll

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_opens_without_errors(page, site, problems, shot):
    page.goto(site + "/")
    assert page.title()
    assert page.locator("main").is_visible()
    shot("home")
    assert_accessible(page)


def test_article_fits_a_phone(page, site, problems, shot):
    page.set_viewport_size(PHONE)
    page.goto(site + "/articles/open-source-vs-closed-models/")
    assert page.get_by_role("heading", level=1).inner_text() == "Open-Source vs Closed Models"
    shot("article-phone")
    assert_no_page_scroll(page)
