"""Import and export of model entries and organizations in the admin (django-import-export).

Files are CSV or JSON; rows are matched by slug, and related rows (organization, category,
modalities) are named by slug too. Every import is previewed as a dry run first; a file with any
bad row is refused whole, with the errors listed row by row, and nothing is written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON

from .models import Category, Modality, ModelEntry, Organization


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


class CheckedResource(resources.ModelResource):
    """Every row checked in full before anything is saved, and the importer recorded.

    django-import-export reads many-to-many columns only after saving the row, where a bad slug
    is a crash rather than a row error; here they are checked with the other columns.
    """

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


class ModelEntryResource(CheckedResource):
    organization = slug_field("organization", Organization)
    category = slug_field("category", Category)
    modalities = fields.Field(
        attribute="modalities", column_name="modalities", widget=SlugsWidget(Modality)
    )

    class Meta:
        model = ModelEntry
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name",
            "organization",
            "category",
            "modalities",
            "status",
            "release_date",
            "parameters",
            "parameter_count",
            "context_window",
            "licence_name",
            "licence_url",
            "licence_osi_approved",
            "access",
            "homepage",
            "summary",
            "description",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


RESOURCES = {ModelEntry: ModelEntryResource, Organization: OrganizationResource}


class EditorImportExportMixin(ImportExportMixin):
    """Import and export for editors: CSV or JSON, all-or-nothing imports.

    Importing creates and changes rows, so it takes both the add and the change permission.
    """

    formats = [CSV, JSON]

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
