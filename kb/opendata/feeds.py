"""The Atom feeds of new and changed articles and model entries."""

import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from kb.catalogue.models import Article, ModelEntry

from .structured_data import SITE_NAME

FEED_LENGTH = 30
# What XML 1.0 cannot carry: C0 controls but tab and line breaks, and two non-characters.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TextXMLGenerator(SimplerXMLGenerator):
    """Writes text and attribute values without the characters XML cannot carry (an editor
    can paste them; Django's generator raises an error on them)."""

    def characters(self, content):
        super().characters(NOT_IN_XML.sub("", content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: NOT_IN_XML.sub("", value) for key, value in attrs.items()})


class TextAtom1Feed(Atom1Feed):
    """Atom whose entries' summaries are plain text, as ledes and summaries are: Django writes
    them as ``type="html"``, which a feed reader renders as markup (``<img onerror=...>`` in a
    lede would run). Titles, authors and categories are text in Atom already."""

    def write(self, outfile, encoding):
        handler = TextXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ContentFeed(Feed):
    """An Atom feed of published rows: first published, and last changed."""

    feed_type = TextAtom1Feed
    author_name = SITE_NAME

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class ArticleFeed(ContentFeed):
    """New and updated articles, the latest change first."""

    title = f"Articles · {SITE_NAME}"
    subtitle = "New and updated articles about open-source and closed AI models."

    def link(self):
        return reverse("kb:article_list")

    def items(self):
        return Article.objects.published().order_by("-updated_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lede


class ModelEntryFeed(ContentFeed):
    """Model entries, the most recently published first."""

    title = f"New models · {SITE_NAME}"
    subtitle = "Model entries as they are added to the knowledge base."

    def link(self):
        return reverse("kb:model_list")

    def items(self):
        return (
            ModelEntry.objects.published()
            .select_related("organization", "category")
            .order_by("-published_at", "-created_at")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.name} ({item.organization.name})"

    def item_description(self, item):
        return item.summary

    def item_categories(self, item):
        return [item.category.name]
