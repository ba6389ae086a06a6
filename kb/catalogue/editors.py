"""The Editors group: add, change, delete and view the content models, and nothing else.

Migration 0002 creates it with the content models of its day; this receiver keeps it (and its
permissions) in place after every migrate and every flush, which empties the tables and then
replays post_migrate, and gives it those of every model marked ``kb.catalogue.models.Content`` since.
"""

from django.contrib.auth.models import Group, Permission
from markdownx.models import MarkdownxField

from .models import content_models

EDITORS = "Editors"
ACTIONS = ["add", "change", "delete", "view"]


def ensure_editors_group(using="default", **kwargs):
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model._meta.model_name}" for model in content_models() for action in ACTIONS
    ]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="kb", codename__in=codenames
    )
    group.permissions.add(*permissions)


def markdown_models():
    """The content models with a Markdown field."""
    return [
        model
        for model in content_models()
        if any(isinstance(field, MarkdownxField) for field in model._meta.fields)
    ]


def may_write_markdown(user):
    """Whether ``user`` may change some content written in Markdown: what the Markdown editor's
    preview and image upload serve."""
    if not (user.is_active and user.is_staff):
        return False
    return any(user.has_perm(f"kb.change_{model._meta.model_name}") for model in markdown_models())
