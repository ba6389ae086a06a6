from html import escape

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from kb.catalogue import costs, facts

from .. import icons, markdown

register = template.Library()


@register.simple_tag
def site_name():
    """The site's name (settings.KB_SITE_NAME), for templates."""
    return settings.KB_SITE_NAME


@register.filter
def markdownify(text):
    """Render an editor's Markdown through the site's one pipeline."""
    return markdown.render(text)


@register.filter
def inline_markdown(text):
    """A short Markdown text, such as a table cell, without a wrapping paragraph."""
    return markdown.render_inline(text)


@register.filter
def datetime_attribute(value):
    """A moment for ``<time datetime>``: ISO 8601 in the site's time zone, to the second (HTML
    takes at most three digits of a second; Django's ``date:"c"`` writes six)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def entry_facts(entry):
    """``{% entry_facts entry as facts %}``: the entry's facts by name (``facts.licence.text``)."""
    return facts.entry_facts(entry)


@register.simple_tag
def entry_costs(entry):
    """``{% entry_costs entry as costs %}``: its API price and the memory its weights need
    (kb.catalogue.costs); reads ``entry.api_prices.all()``, so prefetch it."""
    return costs.entry_costs(entry)


@register.filter
def money(value):
    """``{{ price.input_per_million|money }}``: "$30.00", "$0.075"."""
    return costs.money(value)


@register.filter
def plain_number(value):
    """``{{ query.max_input_price|plain_number }}``: 2.5000 as "2.5", for a URL or a form."""
    return costs.plain(value)


@register.simple_tag
def content_licence():
    """``{% content_licence as licence %}``: the licence of the site's text and data."""
    return settings.CONTENT_LICENCE


@register.simple_tag
def category_icon(thing):
    """``{% category_icon category %}``: the site's icon for anything with a category's ``icon``
    emoji (a Category, a fact, a facet choice), or nothing."""
    return icons.category_icon(getattr(thing, "icon", ""))


@register.simple_tag
def facet_options(facet):
    """``{% facet_options facet %}``: a directory facet's choices as list items, each a box (or
    a radio button) with its label and count. Written here rather than in the template, and
    escaped with the standard library's ``html.escape`` rather than Django's lazy-aware one: a
    facet of organizations has hundreds of choices, and the page is drawn anew after every
    content change."""
    if not facet.options:
        return mark_safe('<li class="unknown">Nothing to choose with these filters.</li>')
    kind, name = escape(str(facet.input_type)), escape(str(facet.name))
    items = []
    for option in facet.options:
        value = escape(str(option.value))
        box = f"f-{name}-{value or 'any'}"
        icon = icons.category_icon(getattr(option.label, "icon", ""))  # the site's own SVG
        checked = " checked" if option.selected else ""
        models = "model" if option.count == 1 else "models"
        items.append(
            f'<li><input type="{kind}" name="{name}" value="{value}" id="{box}"{checked}>'
            f'<label for="{box}"><span class="facet-label">{icon}{escape(str(option.label))}'
            f'</span> <span class="count">{int(option.count)}<span class="visually-hidden"> '
            f"{models}</span></span></label></li>"
        )
    return mark_safe("\n".join(items))  # every value above escaped
