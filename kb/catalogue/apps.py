from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogueConfig(AppConfig):
    """The content and its keeping: models, admin, history, the Editors group, bundled content.

    Its label stays ``kb``, the app's name before the apps were split, so the tables, content
    types, permissions, revisions and admin URLs of an existing site are unchanged.
    """

    name = "kb.catalogue"
    label = "kb"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import editors, freshness, history, openness

        freshness.connect_signals()
        openness.connect_signals()
        history.register_models()
        # post_migrate is sent once per app; by the later sends auth's own receiver has
        # created the permissions the group is given.
        post_migrate.connect(editors.ensure_editors_group, dispatch_uid="kb.editors")
