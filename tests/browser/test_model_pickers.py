"""The model pickers of a large catalogue: text inputs whose suggestions come as you type."""

import pytest
from playwright.sync_api import expect

from kb.site import model_comparison

from .accessibility import assert_accessible
from .conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def large_catalogue(monkeypatch):
    # The bundled content's ten entries count as many.
    monkeypatch.setattr(model_comparison, "PICKER_CHOICES_LIMIT", 3)


def test_typing_a_name_offers_matching_models_and_compares_them(
    page, site, problems, shot, large_catalogue
):
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/compare/models/")
    first, second = page.get_by_label("Model 1"), page.get_by_label("Model 2")
    assert first.evaluate("input => input.tagName") == "INPUT"
    options = page.locator("#pick-1-options option")

    first.press_sequentially("mistr")
    # Keys typed slowly (a loaded machine) ask for "mis" before "mistr": its suggestions show
    # until the last answer replaces them.
    expect(options.first).to_have_attribute("value", "mistral")
    assert "Mistral" in options.first.get_attribute("label")
    shot("suggested")
    assert_accessible(page)

    first.fill("mistral")
    second.fill("GPT-4")  # a name, typed as shown, is taken too
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/models/?m=mistral&m=GPT-4*")
    headings = page.locator("table.compare-table thead a.model-name")
    assert headings.all_inner_texts() == ["Mistral", "GPT-4"]
