from django.apps import AppConfig
from django.db.models.signals import post_migrate


def let_editors_keep_synonyms(sender, using="default", **kwargs):
    """The Editors group maintains the synonyms (after every migrate and flush, as the content
    models' permissions; see kb.catalogue.editors)."""
    from django.contrib.auth.models import Group, Permission

    from kb.catalogue.editors import ACTIONS, EDITORS

    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    codenames = [f"{action}_synonym" for action in ACTIONS]
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="search", codename__in=codenames
        )
    )


class SearchConfig(AppConfig):
    name = "kb.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from . import signals  # noqa: F401  (connects the index receivers)

        post_migrate.connect(
            let_editors_keep_synonyms, sender=self, dispatch_uid="kb.search.editors"
        )
