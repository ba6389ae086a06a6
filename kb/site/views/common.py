"""What the public pages share: drafts shown to those who may change them, breadcrumbs, "Last
updated"."""

from django.contrib.auth import get_permission_codename
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def visible(queryset, request):
    """Published rows for visitors; every row for those who may change such rows in the admin,
    who preview drafts on the real page."""
    opts = queryset.model._meta
    if request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
        return queryset
    return queryset.published()


def render_item(request, template, item, context):
    response = render(request, template, context)
    if not item.is_published:
        add_never_cache_headers(response)
    return response


def latest_change(rows):
    """A page's "Last updated": the latest change to anything it shows."""
    return max((row.updated_at for row in rows), default=None)


def home_crumbs(*more):
    """Breadcrumbs as (label, URL) pairs, from the home page down."""
    return [("Home", reverse("kb:home")), *more]
