"""What the site renders, for the apps that may not import it (kb.catalogue.shown): the site
registers its renderers when it starts."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kb.catalogue import shown
from kb.site import markdown


def test_the_site_s_renderers_are_registered_when_it_starts():
    text = "A *word* and <script>alert(1)</script>"
    assert shown.markdown_html(text) == markdown.render(text)
    assert "<em>word</em>" in shown.markdown_html(text)
    assert "<script>" not in shown.markdown_html(text)
    assert shown.blocks_html("No blocks here.") == ""


def test_without_the_site_there_is_no_markdown_to_give(monkeypatch):
    monkeypatch.setattr(shown, "_markdown", None)
    with pytest.raises(ImproperlyConfigured, match="kb.site"):
        shown.markdown_html("text")
