"""Revision history of the content, with django-reversion.

Why django-reversion rather than django-simple-history: a revision groups an item with the rows
edited inline with it (``follow``: a category with its pros and cons, a model entry with its
pros/cons, sources and openness grades, a comparison row with its cells), so restoring an item
restores exactly what its change form showed, inline rows added since included; a deleted item
can be recovered from its last revision; and its ``VersionAdmin`` brings the history, restore
and recover pages into the admin the editors already use. simple-history keeps one history
table per model and restores each row on its own.

The edit counter (``version``) is left out of revisions: it says how often a row was saved, not
what it says, and restoring an old revision must never move it back (see ``edit_counters``).
"""

import datetime
import difflib
from collections import namedtuple
from contextlib import contextmanager

import reversion
from django.db import models
from django.utils import formats, timezone

from .models import (
    Category,
    ComparisonRow,
    ImportRecord,
    ModelEntry,
    Organization,
    Versioned,
    content_models,
)

# Each model with the inline rows that belong to one of its revisions.
FOLLOW = {
    Category: ["pros_cons"],
    Organization: ["aliases"],
    ModelEntry: [
        "pros_cons",
        "sources",
        "openness",
        "aliases",
        "provenance",
        "import_records",
        "api_prices",
    ],
    ComparisonRow: ["cells"],
}
# Bookkeeping that the history page shows in its own columns (who, when) or not at all.
NOT_COMPARED = {"id", "version", "created_at", "updated_at", "updated_by"}


def register_models():
    """Every content model keeps revisions; inline rows have their own and ride along."""
    for model in content_models():
        reversion.register(
            model,
            follow=FOLLOW.get(model, ()),
            exclude=("version",) if issubclass(model, Versioned) else (),
        )
    reversion.register(ImportRecord)


@contextmanager
def revision(user, comment):
    """One revision for what is saved inside the block, by ``user``, with ``comment``."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield


# What changed: between a revision and now, or between what is stored and an editor's form.

Change = namedtuple("Change", "label before after lines")


def describe(field, value):
    """A field's value as an editor reads it: names rather than ids, labels rather than codes."""
    if field.many_to_many:
        items = list(value or [])
        if items and not isinstance(items[0], models.Model):
            items = list(field.related_model._default_manager.filter(pk__in=items))
        return ", ".join(str(item) for item in items)
    if value is None or value == "":
        return ""
    if isinstance(value, list):  # a JSON list (ProCon.rests_on)
        return ", ".join(str(item) for item in value)
    if field.is_relation:
        if not isinstance(value, models.Model):
            found = field.related_model._default_manager.filter(pk=value).first()
            return str(found) if found else f"(deleted, id {value})"
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def _key(field, value):
    """What makes two values of a field the same, whatever form they come in."""
    if field.many_to_many:
        return sorted(item.pk if isinstance(item, models.Model) else item for item in value or [])
    if isinstance(value, models.Model):
        return value.pk
    # Empty is empty: a row saved before a list field existed has none, not an empty list.
    return None if value in ("", []) else value


def line_diff(before, after, context=2):
    """The lines of two texts that differ, with a little context: (kind, line) pairs."""
    old, new = before.splitlines(), after.splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, old, new).get_grouped_opcodes(context):
        if lines:
            lines.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [("same", line) for line in old[i1:i2]]
                continue
            lines += [("removed", line) for line in old[i1:i2]]
            lines += [("added", line) for line in new[j1:j2]]
    return lines


def change(label, before, after):
    multiline = "\n" in before or "\n" in after
    return Change(str(label), before, after, line_diff(before, after) if multiline else [])


def field_change(field, before, after):
    return change(field.verbose_name, describe(field, before), describe(field, after))


def compared_fields(model):
    return [
        field
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.name not in NOT_COMPARED
    ]


def _child_lines(children, owner_field):
    """Inline rows, one line each, in a stable order so two sets compare line by line."""
    lines = []
    for child in children:
        fields = [f for f in compared_fields(type(child)) if f.name != owner_field]
        values = (describe(f, f.value_from_object(child)) for f in fields)
        lines.append(" · ".join(value for value in values if value))
    return "\n".join(sorted(lines))


def revision_changes(version, obj):
    """Each field and inline list of ``obj`` that differs between ``version`` and now."""
    model = type(obj)
    stored = version.field_dict
    changes = [
        field_change(field, stored.get(field.attname), field.value_from_object(obj))
        for field in compared_fields(model)
        if _key(field, stored.get(field.attname)) != _key(field, field.value_from_object(obj))
    ]
    for relation in FOLLOW.get(model, ()):
        owner_field = getattr(model, relation).field
        child_model = owner_field.model
        then = [
            child_model(**child.field_dict)
            for child in version.revision.version_set.get_for_model(child_model)
            if child.field_dict.get(owner_field.attname) == obj.pk
        ]
        now = getattr(obj, relation).all()
        before, after = _child_lines(then, owner_field.name), _child_lines(now, owner_field.name)
        if before != after:
            changes.append(
                change(child_model._meta.verbose_name_plural.capitalize(), before, after)
            )
    return changes


def form_changes(form):
    """The fields where an editor's form differs from the row as it is stored now."""
    model_fields = {field.name: field for field in compared_fields(form._meta.model)}
    return [
        field_change(
            model_fields[name],
            form.initial.get(name),
            form.cleaned_data.get(name, form[name].data),
        )
        for name in form.changed_data
        if name in model_fields
    ]


# Restoring a revision writes its rows back as they were; their edit counters must stay.


def edit_counters(revision):
    """The current counter of each existing row a revision would overwrite, locked until the
    end of the transaction so no save slips in between."""
    counters = []
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is not None and issubclass(model, Versioned):
            current = (
                model._base_manager.select_for_update()
                .filter(pk=version.object_id)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None:
                counters.append((model, version.object_id, current))
    return counters


def put_back(counters):
    for model, pk, current in counters:
        model._base_manager.filter(pk=pk).update(version=current)
