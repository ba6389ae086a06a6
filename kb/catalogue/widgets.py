"""The editor's desk: django-markdownx's editor with its preview beside the text.

The text and its preview side by side on a wide screen, as Write and Preview tabs on a narrow
one; the preview shown in a document of its own with the public pages' stylesheet, light or
dark; warnings pointing at lines; a toolbar; Ctrl+S and a warning before leaving unsaved text.
markdownx's own script still sends the text for its preview (into an inert ``<template>``, from
where static/js/editor-desk.js moves it into the preview's document) and uploads pasted and
dropped images.
"""

from django.forms import Media, Script
from markdownx.widgets import AdminMarkdownxWidget

# The toolbar: (action, label, the key that does it with Ctrl or Cmd, or ""), in groups.
# editor-desk.js does each action.
TOOLBAR = (
    (("heading", "Heading", ""), ("subheading", "Subheading", "")),
    (("bold", "Bold", "b"), ("italic", "Italic", "i"), ("link", "Link", "k")),
    (("bullets", "Bulleted list", ""), ("numbers", "Numbered list", "")),
    (("comparison", "[[comparison]]", ""), ("examples", "[[examples …]]", "")),
)


class EditorDesk(AdminMarkdownxWidget):
    template_name = "admin/kb/widgets/editor_desk.html"

    def __init__(self, attrs=None, *, under=1):
        # The text box keeps the window's height and scrolls, beside a preview that does too.
        super().__init__({"rows": 20, **(attrs or {})})
        # The level of the public page's heading the text sits under: its headings follow it.
        self.under = under

    @staticmethod
    def add_markdownx_attrs(attrs):
        attrs = AdminMarkdownxWidget.add_markdownx_attrs(attrs)
        attrs["data-markdownx-editor-resizable"] = "False"
        return attrs

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["toolbar"] = TOOLBAR
        context["under"] = self.under
        return context

    @property
    def media(self):
        return super().media + Media(
            css={"all": ["css/editor-desk.css"]},
            js=[Script("js/editor-desk.js", type="module")],
        )
