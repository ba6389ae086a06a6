"""Numbers as the charts write them."""

from django import template

from kb.catalogue.charts import short_number as short

register = template.Library()


@register.filter
def short_number(value, unit):
    """1.8e12 with "parameters" -> "1.8T"; 2.1e25 with "FLOP" -> "2.1e25 FLOP"."""
    number = short(value, unit)
    return f"{number} FLOP" if unit == "FLOP" else number
