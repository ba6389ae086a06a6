"""The site's own icons: small inline SVGs drawn in the text colour, so a mark never depends on
an emoji font (without one, 🔓 and 🔒 render as empty boxes).

A category keeps its emoji in ``Category.icon`` (its editors' choice, also in the API); this is
the one place that says which drawing each emoji stands for. An emoji with no drawing shows none:
the category's name always sits beside the icon, which is decoration (``aria-hidden``).
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# 24 × 24, stroked in currentColor.
DRAWINGS = {
    "lock-open": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 7.75-1.4"/>',
    "lock-closed": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "question": '<circle cx="12" cy="12" r="9"/><path d="M9.6 9.3a2.5 2.5 0 1 1 3.4 2.6c-.6.3-1 .8-1 1.5v.4"/><path d="M12 17.2h.01"/>',
}

CATEGORY_DRAWINGS = {
    "🔓": "lock-open",
    "🔒": "lock-closed",
    "❔": "question",
    "❓": "question",
}


def svg(name):
    """The drawing ``name`` as an ``<svg>`` hidden from assistive technology."""
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24" width="24" height="24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true">{}</svg>',
        name,
        mark_safe(DRAWINGS[name]),  # constant markup, above
    )


def category_icon(emoji):
    """The site's icon for a category's emoji, or "" where it has none."""
    name = CATEGORY_DRAWINGS.get((emoji or "").strip())
    return svg(name) if name else ""
