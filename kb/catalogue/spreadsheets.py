"""Import and export of model entries and organizations in the admin (django-import-export).

Files are CSV or JSON; rows are matched by slug, and related rows (organization, category,
modalities) are named by slug too. A model entry's columns are those of its public record that
editors edit (kb.catalogue.schemas), its openness grades three columns per dimension as in
/models.csv, and its status and description. Every import is previewed as a dry run first; a file with any
bad row is refused whole, with the errors listed row by row, and nothing is written.
"""

import datetime

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON
from import_export.tmp_storages import MediaStorage

from .csv_safety import neutralise, restore
from .models import Category, Modality, ModelEntry, OpennessGrade, Organization
from .schemas import RECORD_COLUMNS

Grade = OpennessGrade.Grade


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug is an error in that row."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"No {self.model._meta.verbose_name} has the slug “{value}”."
            ) from None


class SlugsWidget(widgets.ManyToManyWidget):
    """Several related rows named by slug, separated by ``;``; every one must exist."""

    def __init__(self, model):
        super().__init__(model, separator=";", field="slug")

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        wanted = {slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()}
        missing = wanted - {obj.slug for obj in found}
        if missing:
            names = ", ".join(f"“{slug}”" for slug in sorted(missing))
            raise ValueError(f"No {self.model._meta.verbose_name} has the slug {names}.")
        return found


class StyleFreeDiff(resources.Diff):
    """The import preview's differences as ``<ins>`` and ``<del>`` without the inline style
    attributes diff-match-patch gives them, which the Content Security Policy refuses (their
    colours are in css/admin.css). The cells' text is escaped, so the tags are the only match."""

    def as_html(self):
        return [
            mark_safe(html.replace(INS_STYLED, "<ins>").replace(DEL_STYLED, "<del>"))
            for html in super().as_html()
        ]


INS_STYLED = '<ins style="background:#e6ffe6;">'
DEL_STYLED = '<del style="background:#ffe6e6;">'


class CheckedResource(resources.ModelResource):
    """Every row checked in full before anything is saved, and the importer recorded.

    django-import-export reads many-to-many columns only after saving the row, where a bad slug
    is a crash rather than a row error; here they are checked with the other columns.
    """

    def get_diff_class(self):
        return StyleFreeDiff

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
            errors = {}
        except ValidationError as error:
            errors = error.error_dict
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance.updated_by = user


def slug_field(name, model):
    return fields.Field(attribute=name, column_name=name, widget=SlugWidget(model))


class OrganizationResource(CheckedResource):
    class Meta:
        model = Organization
        import_id_fields = ("slug",)
        fields = ("slug", "name", "website", "description")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ModelFieldWidget(widgets.Widget):
    """A cell checked as the model field checks it (choices, URL, date and its validators)."""

    def __init__(self, model_field):
        super().__init__()
        self.model_field = model_field

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.model_field.null:
                return None
            value = self.model_field.get_default()  # "" where the field has no default
        try:
            return self.model_field.clean(value, None)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.isoformat() if isinstance(value, datetime.date) else value


UNGRADED = {"grade": Grade.UNKNOWN, "source_url": "", "checked_on": None, "note": ""}


def current_grades(entry):
    """``{dimension: {part: value}}`` as stored, read once per entry (prefetch ``openness``)."""
    if "_current_grades" not in entry.__dict__:
        stored = entry.openness.all() if entry.pk else []
        entry._current_grades = {
            grade.dimension: {part: getattr(grade, part) for part in UNGRADED} for grade in stored
        }
    return entry._current_grades


def pending_grades(entry):
    """The grades a file asks for, by dimension, until the entry is saved (``{}`` otherwise)."""
    return entry.__dict__.setdefault("_pending_grades", {})


def wanted_grade(entry, dimension):
    """What ``dimension`` will be once the pending parts are saved: stored, else ungraded."""
    stored = current_grades(entry).get(dimension, UNGRADED)
    return {**stored, **pending_grades(entry).get(dimension, {})}


class GradeField(fields.Field):
    """One part of one openness dimension: its grade, source URL or date checked.

    The columns are the record's (kb.catalogue.schemas), named as in /models.csv
    (``openness_weights``, ``openness_weights_source``, ``openness_weights_checked``). A file
    without them leaves the grades alone; an empty grade is unknown. Grades are written after
    their entry is saved, in the import's transaction.
    """

    def __init__(self, column):
        model_field = OpennessGrade._meta.get_field(column.edited_as)
        super().__init__(
            attribute=column.name, column_name=column.name, widget=ModelFieldWidget(model_field)
        )
        self.dimension = column.dimension
        self.part = column.edited_as

    def get_value(self, instance):
        return wanted_grade(instance, self.dimension)[self.part]

    def save(self, instance, row, is_m2m=False, **kwargs):
        parts = pending_grades(instance).setdefault(self.dimension, {})
        parts[self.part] = self.clean(row, **kwargs)


def save_grades(entry):
    for dimension in pending_grades(entry):
        wanted = wanted_grade(entry, dimension)
        if wanted != current_grades(entry).get(dimension, UNGRADED):
            OpennessGrade.objects.update_or_create(
                entry=entry, dimension=dimension, defaults=wanted
            )


# The columns editors import and export: the record's facts they edit, under the model fields'
# names, in the record's order (kb.catalogue.schemas), then what only editors see.
EDITED_FACTS = [column for column in RECORD_COLUMNS if column.edited_as and not column.dimension]
EDITED_GRADES = [column for column in RECORD_COLUMNS if column.edited_as and column.dimension]
EDITORS_ONLY = ("status", "description")


class ModelEntryResource(CheckedResource):
    organization = slug_field("organization", Organization)
    category = slug_field("category", Category)
    modalities = fields.Field(
        attribute="modalities", column_name="modalities", widget=SlugsWidget(Modality)
    )

    class Meta:
        model = ModelEntry
        import_id_fields = ("slug",)
        fields = (*(column.edited_as for column in EDITED_FACTS), *EDITORS_ONLY)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for column in EDITED_GRADES:
            self.fields[column.name] = GradeField(column)

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related("openness")

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        # As django-import-export writes many-to-many rows: inside the import's transaction,
        # which a dry run rolls back.
        if self._is_using_transactions(kwargs) or not self._is_dry_run(kwargs):
            save_grades(instance)
            instance.add_modalities_read_and_written()


RESOURCES = {ModelEntry: ModelEntryResource, Organization: OrganizationResource}


class GuardedCSV(CSV):
    """CSV whose text cells never start a spreadsheet formula (kb.catalogue.csv_safety); importing a file
    takes the guard off again."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(map_cells(dataset, neutralise), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return map_cells(super().create_dataset(in_stream, **kwargs), restore)


def map_cells(dataset, function):
    rows = [[function(cell) for cell in row] for row in dataset]
    return tablib.Dataset(*rows, headers=dataset.headers, title=dataset.title)


# A previewed file never confirmed is left behind; older ones go when the next preview is saved.
UNCONFIRMED_FILE_AGE = datetime.timedelta(days=1)


class ExpiringMediaStorage(MediaStorage):
    """Import files waiting for confirmation, in MEDIA_ROOT (shared by every instance, unlike
    one instance's disk, and working while the cache is down). Saving one removes those left
    unconfirmed for more than ``UNCONFIRMED_FILE_AGE``, so abandoned previews do not pile up."""

    def save(self, data):
        self.remove_unconfirmed()
        super().save(data)

    def remove_unconfirmed(self):
        storage, folder = self._storage, self.MEDIA_FOLDER
        if not storage.exists(folder):
            return
        cutoff = datetime.datetime.now(datetime.UTC) - UNCONFIRMED_FILE_AGE
        for name in storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            try:
                if storage.get_modified_time(path) < cutoff:
                    storage.delete(path)
            except FileNotFoundError:  # confirmed (and removed) meanwhile by another request
                continue


class EditorImportExportMixin(ImportExportMixin):
    """Import and export for editors: CSV or JSON, all-or-nothing imports.

    Importing creates and changes rows, so it takes both the add and the change permission.
    """

    formats = [GuardedCSV, JSON]

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]

    def has_import_permission(self, request):
        return super().has_import_permission(request) and self.has_add_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # A row that fails validation when the import is confirmed rolls back the whole file.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: the file has errors. Import it again to see them row by row.",
            )
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        return super().process_result(result, request)
