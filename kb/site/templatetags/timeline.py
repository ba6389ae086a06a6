from django import template

from ..timeline import build

register = template.Library()


@register.inclusion_tag("includes/timeline.html")
def release_timeline(table_open=False):
    """``{% release_timeline %}``: the chart of releases, e.g. on the home page."""
    return {"timeline": build(), "table_open": table_open}
