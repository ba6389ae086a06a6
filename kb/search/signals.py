"""Receivers that keep the search index in step with every save and delete.

They run inside the writer's transaction, so a rolled-back edit leaves the index as it was.
Admin forms, bulk admin actions (which save each object), the bundled content load and
relation changes all go through ``save()``, ``delete()`` or the many-to-many managers and so
reach these receivers. Writes that bypass signals (``QuerySet.update()``, ``bulk_create()``,
``loaddata``) are followed by ``manage.py rebuild_search_index``.

A page that places generated blocks (``[[comparison]]``, ``[[examples open-source]]``) is
found by what they show, so a change to what blocks show (entries, organizations, categories,
pros and cons, comparison rows) indexes those pages again: once per transaction, after it
commits, when the blocks are built from the new data.
"""

from django.db import router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from kb.catalogue.freshness import read_content_version
from kb.catalogue.models import (
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    ContentVersion,
    EntryAlias,
    Modality,
    ModelEntry,
    Organization,
    ProCon,
)
from kb.catalogue.signals import written_in_bulk

from . import synonyms
from .indexing import comparison_ids, index, remove
from .models import Kind, Synonym

# The pages whose Markdown may place generated blocks: their kind, model and Markdown field.
PAGES_WITH_MARKDOWN = [
    (Kind.ARTICLE, Article, "body"),
    (Kind.MODEL, ModelEntry, "description"),
    (Kind.CATEGORY, Category, "description"),
]


# The content version the pages placing blocks were last indexed at, in this process.
_blocks_indexed_at = None


def index_pages_with_blocks():
    """Index the pages placing generated blocks again, unless this process did already at the
    current content version: a transaction that changed a thousand rows asks a thousand times,
    after its commit, and the first does the work."""
    global _blocks_indexed_at
    version = read_content_version(router.db_for_read(ContentVersion))
    if version is not None and version == _blocks_indexed_at:
        return
    for kind, model, field in PAGES_WITH_MARKDOWN:
        placing = model.objects.filter(**{f"{field}__contains": "[["})
        index(kind, placing.values_list("pk", flat=True))
    _blocks_indexed_at = version


def blocks_changed():
    """What generated blocks show changed: index the pages placing them again once the
    transaction commits, when the blocks are built from the committed data. Robust: the
    change is committed by then, and a failure is logged, not raised."""
    transaction.on_commit(index_pages_with_blocks, robust=True)


def index_entries(entry_ids):
    index(Kind.MODEL, entry_ids)
    blocks_changed()


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index(Kind.ARTICLE, [instance.pk])


@receiver(post_save, sender=ModelEntry, dispatch_uid="search_entry_saved")
def entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_entries([instance.pk])


@receiver(written_in_bulk, sender=ModelEntry, dispatch_uid="search_entries_written_in_bulk")
def entries_written_in_bulk(sender, pks, **kwargs):
    index_entries(pks)


@receiver(post_save, sender=EntryAlias, dispatch_uid="search_entry_alias_saved")
@receiver(post_delete, sender=EntryAlias, dispatch_uid="search_entry_alias_deleted")
def entry_alias_changed(sender, instance, raw=False, **kwargs):
    """An alias is one of its entry's names (kb.search.names): the entry is indexed again."""
    if not raw:
        index(Kind.MODEL, [instance.entry_id])


@receiver(post_save, sender=ProCon, dispatch_uid="search_procon_saved")
@receiver(post_delete, sender=ProCon, dispatch_uid="search_procon_deleted")
def procon_changed(sender, instance, raw=False, **kwargs):
    """A pro or con is part of its owner's document (deleting its owner deletes it first, then
    the owner's own receiver removes the document)."""
    if raw:
        return
    if instance.entry_id:
        index(Kind.MODEL, [instance.entry_id])
    else:
        index(Kind.CATEGORY, [instance.category_id])
    blocks_changed()


@receiver(post_save, sender=ComparisonRow, dispatch_uid="search_comparison_row_saved")
def comparison_row_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index(Kind.COMPARISON, comparison_ids(instance.pk))
        blocks_changed()


@receiver(post_save, sender=ComparisonCell, dispatch_uid="search_comparison_cell_saved")
@receiver(post_delete, sender=ComparisonCell, dispatch_uid="search_comparison_cell_deleted")
def comparison_cell_changed(sender, instance, raw=False, **kwargs):
    """A cell's text is part of its row's document (deleting a row deletes its cells first,
    then the row's own receiver removes the document)."""
    if not raw:
        index(Kind.COMPARISON, comparison_ids())
        blocks_changed()


DELETED_KINDS = {
    Article: Kind.ARTICLE,
    ModelEntry: Kind.MODEL,
    ComparisonRow: Kind.COMPARISON,
}


@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
@receiver(post_delete, sender=ModelEntry, dispatch_uid="search_entry_deleted")
@receiver(post_delete, sender=ComparisonRow, dispatch_uid="search_comparison_row_deleted")
def content_deleted(sender, instance, **kwargs):
    remove(DELETED_KINDS[sender], [instance.pk])
    if sender is ComparisonRow:  # it may have carried the comparison's document
        index(Kind.COMPARISON, comparison_ids())
    if sender is not Article:
        blocks_changed()


@receiver(post_save, sender=Organization, dispatch_uid="search_organization_saved")
def organization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_entries(instance.entries.values_list("pk", flat=True))


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
def category_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    index(Kind.CATEGORY, [instance.pk])
    index_entries(instance.entries.values_list("pk", flat=True))
    index(Kind.ARTICLE, instance.articles.values_list("pk", flat=True))
    if instance.cells.exists():
        index(Kind.COMPARISON, comparison_ids())


@receiver(post_save, sender=Modality, dispatch_uid="search_modality_saved")
def modality_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index(Kind.MODEL, instance.entries.values_list("pk", flat=True))


# Deleting a category or a modality removes rows of a many-to-many table without any
# m2m_changed signal: remember who was linked, and index them once the row is gone.
@receiver(pre_delete, sender=Category, dispatch_uid="search_category_deleting")
@receiver(pre_delete, sender=Modality, dispatch_uid="search_modality_deleting")
def linked_deleting(sender, instance, **kwargs):
    related = instance.articles if sender is Category else instance.entries
    instance._search_linked = list(related.values_list("pk", flat=True))


@receiver(post_delete, sender=Category, dispatch_uid="search_category_deleted")
@receiver(post_delete, sender=Modality, dispatch_uid="search_modality_deleted")
def linked_deleted(sender, instance, **kwargs):
    if sender is Category:
        remove(Kind.CATEGORY, [instance.pk])
        blocks_changed()
    index(Kind.ARTICLE if sender is Category else Kind.MODEL, instance._search_linked)


M2M = {
    ModelEntry.modalities.through: (Kind.MODEL, "entries"),
    Article.categories.through: (Kind.ARTICLE, "articles"),
}


@receiver(m2m_changed, sender=ModelEntry.modalities.through, dispatch_uid="search_modalities")
@receiver(m2m_changed, sender=Article.categories.through, dispatch_uid="search_categories")
def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """An entry's modalities or an article's categories changed, from either side."""
    kind, reverse_name = M2M[sender]
    if action == "pre_clear" and reverse:
        instance._search_linked = list(getattr(instance, reverse_name).values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            index(kind, [instance.pk])
        elif action == "post_clear":
            index(kind, instance._search_linked)
        else:
            index(kind, pk_set)


@receiver(post_save, sender=Synonym, dispatch_uid="search_synonym_saved")
@receiver(post_delete, sender=Synonym, dispatch_uid="search_synonym_deleted")
def synonym_changed(sender, **kwargs):
    """This process reads the synonyms afresh at its next search, once the change is committed
    (a search in between would keep the old list again); others within a minute."""
    transaction.on_commit(synonyms.forget)
