"""The editors' admin: every content model, with the lists, filters and inlines editors need."""

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms import Script
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import history
from .epoch.admin import EpochImportAdminMixin
from .facts import pros_and_cons
from .models import (
    ApiPrice,
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    Dataset,
    EditConflict,
    EntryAlias,
    FactProvenance,
    Modality,
    ModelEntry,
    OpennessGrade,
    Organization,
    OrganizationAlias,
    ProCon,
    Source,
    Status,
    Versioned,
)
from .spreadsheets import EditorImportExportMixin
from .widgets import EditorDesk

admin.site.site_header = settings.KB_SITE_NAME
admin.site.site_title = "Knowledge base admin"
admin.site.index_title = "Content"


# Markdown gets the editor with live preview; a typed URL without a scheme means https.
FORMFIELD_OVERRIDES = {
    MarkdownxField: {"widget": AdminMarkdownxWidget},
    models.URLField: {"assume_scheme": "https"},
}


def saved_by(instance):
    """Who saved ``instance`` last and when, from its newest revision, or ""."""
    latest = Version.objects.get_for_object(instance).select_related("revision__user").first()
    if latest is None:
        return ""
    when = formats.date_format(timezone.localtime(latest.revision.date_created), "DATETIME_FORMAT")
    user = latest.revision.user
    return f" ({user.get_username()}, {when})" if user else f" ({when})"


class VersionedForm(forms.ModelForm):
    """Carries the edit counter of the copy the editor opened, and refuses to save over a
    newer one. The page then shows what was saved meanwhile next to the editor's own text,
    which stays in the form; the counter moves on, so saving again keeps the editor's text."""

    conflict = ()
    # A change form shows the differences as a table; an inline row says them in its message.
    differences_in_message = False

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("version")
        if "version" not in self.fields or self.instance._state.adding or opened is None:
            return cleaned
        stored = self.instance.version
        if opened != stored:
            self.conflict = history.form_changes(self)
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = stored
            raise ValidationError(self.conflict_message(), code="edit_conflict")
        return cleaned

    def conflict_message(self):
        message = (
            f"Someone else saved this {self.instance._meta.verbose_name} while you were editing "
            f"it{saved_by(self.instance)}. Nothing was saved; your text is kept here."
        )
        if not self.conflict:
            return f"{message} Their save changed nothing you see here: save again to keep yours."
        if not self.differences_in_message:
            return (
                f"{message} The table shows each field as they saved it and as you have it: "
                "save again to keep yours, or reload the page to start from theirs."
            )
        differences = "; ".join(
            f"{c.label.capitalize()}: theirs “{c.before}”, yours “{c.after}”" for c in self.conflict
        )
        return f"{message} {differences}. Save again to keep yours."


class InlineVersionedForm(VersionedForm):
    differences_in_message = True


class CounterInput(forms.HiddenInput):
    """A hidden input that no label points to: the admin writes a label for every field of a
    fieldset, and a ``<label for>`` naming a hidden input is invalid HTML."""

    def id_for_label(self, id_):
        return None


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete writes a required select with no empty first option, and an
    optional one with an empty option without text; HTML allows neither (a required select's
    first option must be a placeholder, and an option needs a label). Both get the empty option a
    plain select has ("---------")."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = BLANK_CHOICE_DASH[0][1]
        elif self.is_required:
            options.insert(0, self.create_option(name, "", BLANK_CHOICE_DASH[0][1], False, 0))
        return groups


class VersionedFields:
    """Shared by the admins and inlines of versioned models: the counter rides along hidden,
    and their autocompletes are valid HTML."""

    form = VersionedForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["widget"] = CounterInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContentAdmin(VersionedFields, VersionAdmin):
    """Shared by the content models: Markdown editors with preview, who changed what, revision
    history (view, compare with now, restore, recover deleted), and refused conflicting saves."""

    # An item's own Markdown gets the editor's desk; inline rows keep the plain editor.
    formfield_overrides = {**FORMFIELD_OVERRIDES, MarkdownxField: {"widget": EditorDesk}}
    # A long article's form: save without scrolling to its end (Ctrl+S works too).
    save_on_top = True
    tracked_fields = ("created_at", "updated_at", "updated_by")
    object_history_template = "admin/kb/object_history.html"

    class Media:
        js = [Script("js/upload-errors.js", type="module")]
        # The Markdown preview draws chart blocks as the page does.
        css = {"all": ["css/charts.css"]}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if hasattr(self.model, "updated_by"):
            readonly += [f for f in self.tracked_fields if f not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, Versioned) or "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        if reversion.is_active():
            # The change form's revision, which takes the inline rows along.
            super().save_model(request, obj, form, change)
            return
        # An edit in the change list: each item gets a revision of its own.
        fields = ", ".join(form.changed_data)
        with history.revision(request.user, f"Changed {fields} in the list."):
            super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the whole list page in one revision: a bulk action or a list edit
        # of ten items would be one revision, and restoring any of them would put back all ten.
        # Here each item gets its own (save_model, the actions).
        context = {"has_change_permission": self.has_change_permission(request)}
        return admin.ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})

    # Conflicts. The form refuses a save from an out-of-date copy; if another save lands between
    # that check and this save, the compare-and-set in Versioned.save raises EditConflict and
    # everything is rolled back (the revision too): a second pass then shows the conflict like
    # the first would have.

    @staticmethod
    def once_more_on_conflict(view, *args):
        try:
            return view(*args)
        except EditConflict:
            return view(*args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        view = super().change_view
        return self.once_more_on_conflict(view, request, object_id, form_url, extra_context)

    # History: restoring writes the revision's rows back, counters untouched (history.py).

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        view = super().revision_view
        return self.restoring(request, version, view, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        view = super().recover_view
        return self.restoring(request, version, view, version_id, extra_context)

    def restoring(self, request, version, view, *args):
        def restore():
            with transaction.atomic():
                request.counters_before_restore = history.edit_counters(version.revision)
                return view(request, *args)

        return self.once_more_on_conflict(restore)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        history.put_back(getattr(request, "counters_before_restore", ()))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/<int:version_id>/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().history_view(request, object_id, extra_context)
        versions = list(
            self._reversion_order_version_queryset(
                request, Version.objects.get_for_object(obj).select_related("revision__user")
            )
        )
        # The newest revision, unless something changed the item without keeping one, is the
        # item as it is now: comparing it with now would show nothing.
        newest = max(versions, key=lambda version: version.pk, default=None)
        current = newest if newest and not history.revision_changes(newest, obj) else None
        action_list = [
            {
                "revision": version.revision,
                "url": self.admin_url("revision", quote(obj.pk), version.pk),
                "compare_url": None
                if version == current
                else self.admin_url("compare", quote(obj.pk), version.pk),
            }
            for version in versions
        ]
        context = {"action_list": action_list, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )
        saved = formats.date_format(
            timezone.localtime(version.revision.date_created), "DATETIME_FORMAT"
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{obj}: the revision of {saved} compared with now",
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "version": version,
            "changes": history.revision_changes(version, obj),
            "restore_url": self.admin_url("revision", quote(obj.pk), version.pk),
            "history_url": self.admin_url("history", quote(obj.pk)),
        }
        return TemplateResponse(request, "admin/kb/compare.html", context)

    def admin_url(self, view, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args
        )


class NoneRecordedFilter(admin.RelatedFieldListFilter):
    """A many-to-many filter whose choice for "no related rows" says so (Django labels it "-")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "None recorded"


class PublishableAdmin(ContentAdmin):
    actions = ["publish", "unpublish"]

    def _set_status(self, request, queryset, status, comment):
        """Each item saved in a revision of its own. The rows are locked while they change, so
        no editor's save lands between reading and writing one: an open change form of an item
        then sees its counter moved on and shows the new status as a conflict."""
        changed = 0
        with transaction.atomic():
            rows = self.model._default_manager.filter(pk__in=queryset.values("pk"))
            for obj in rows.exclude(status=status).select_for_update():
                with history.revision(request.user, comment):
                    obj.status = status
                    obj.updated_by = request.user
                    obj.save()
                changed += 1
        return changed

    def _counted(self, count):
        """ "1 article", "3 articles": the model's own names."""
        name = self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural
        return f"{count} {name}"

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISHED, "Published.")
        self.message_user(request, f"{self._counted(changed)} published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish the selected items (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.DRAFT, "Returned to draft.")
        self.message_user(request, f"{self._counted(changed)} returned to draft.", messages.SUCCESS)


class ContentInline(VersionedFields, admin.TabularInline):
    form = InlineVersionedForm
    formfield_overrides = FORMFIELD_OVERRIDES
    extra = 0


class ProConFields:
    """The openness dimensions a point rests on, ticked from the scorecard's list."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rests_on":
            return forms.MultipleChoiceField(
                choices=OpennessGrade.Dimension.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProConInline(ProConFields, ContentInline):
    model = ProCon
    ordering = ProCon._meta.ordering


class CategoryProConInline(ProConInline):
    fk_name = "category"
    fields = ("kind", "text", "rests_on", "position", "version")


class EntryProConInline(ProConInline):
    fk_name = "entry"
    fields = ("kind", "text", "source_url", "position", "version")


class SourceInline(ContentInline):
    model = Source
    fields = ("fact", "url", "title")


class OpennessGradeInline(ContentInline):
    model = OpennessGrade
    fields = ("dimension", "grade", "source_url", "checked_on", "note")
    max_num = len(OpennessGrade.Dimension)
    verbose_name_plural = "openness scorecard"


class ApiPriceInline(ContentInline):
    """The published API price, one per entry: editing it keeps the old one in the history."""

    model = ApiPrice
    fields = ("input_per_million", "output_per_million", "currency", "as_of", "source_url", "note")
    max_num = 1
    verbose_name = "API price (per million tokens, from the maker's pricing page)"


class OrganizationAliasInline(ContentInline):
    model = OrganizationAlias
    fields = ("name",)
    verbose_name_plural = "aliases (other spellings imports resolve to this organization)"


class EntryAliasInline(ContentInline):
    model = EntryAlias
    fields = ("name",)
    verbose_name_plural = "aliases (other names imports and lookups find this entry by)"


class FactProvenanceInline(ContentInline):
    """Where the imported facts come from: editors may correct a note or remove a line once
    they have checked the fact against a primary source."""

    model = FactProvenance
    fields = ("fact", "dataset", "retrieved_on", "confidence", "note")
    verbose_name_plural = "provenance of imported facts"


class ComparisonCellInline(ContentInline):
    """One cell per category, each with the Markdown editor and its live preview."""

    model = ComparisonCell
    fields = ("category", "text")


@admin.register(Category)
class CategoryAdmin(ContentAdmin):
    list_display = (
        "name",
        "short_name",
        "icon",
        "position",
        "compared",
        "entry_count",
        "updated_at",
    )
    list_editable = ("position",)
    search_fields = ("name", "short_name", "summary")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CategoryProConInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description="entries", ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total


@admin.register(Organization)
class OrganizationAdmin(EditorImportExportMixin, ContentAdmin):
    list_display = ("name", "website", "entry_count", "updated_at")
    search_fields = ("name", "aliases__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OrganizationAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description="entries", ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total


@admin.register(Modality)
class ModalityAdmin(ContentAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ModelEntry)
class ModelEntryAdmin(EpochImportAdminMixin, EditorImportExportMixin, PublishableAdmin):
    # The description sits under the model page's "About" h2.
    formfield_overrides = {
        **ContentAdmin.formfield_overrides,
        MarkdownxField: {"widget": EditorDesk(under=2)},
    }
    list_display = (
        "name",
        "organization",
        "category",
        "release_date",
        "parameters",
        "access",
        "openness_tier",
        "status",
        "featured",
        "updated_at",
    )
    # Editors pick a category's examples (featured first in generated lists) from the list.
    list_editable = ("featured",)
    list_filter = (
        "status",
        "featured",
        "category",
        "access",
        "weights_use",
        "openness_tier",
        "lifecycle",
        "is_family",
        "licence_osi_approved",
        ("modalities", NoneRecordedFilter),
        "organization",
    )
    list_select_related = ("organization", "category")
    search_fields = ("name", "slug", "summary", "organization__name", "aliases__name")
    autocomplete_fields = ("organization", "other_organizations", "category", "family")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "release_date"
    ordering = ("name",)
    inlines = [
        EntryAliasInline,
        EntryProConInline,
        SourceInline,
        OpennessGradeInline,
        ApiPriceInline,
        FactProvenanceInline,
    ]
    fieldsets = (
        (None, {"fields": (
            "name", "slug", ("is_family", "family"), "organization", "other_organizations",
            "category", "status", "published_at", "featured",
        )}),
        ("Facts", {
            "fields": (
                "modalities", ("input_modalities", "output_modalities"),
                ("announced_date", "release_date"),
                ("lifecycle", "lifecycle_date", "lifecycle_source_url"),
                ("parameters", "parameter_count"),
                "active_parameter_count", "context_window", ("licence_name", "licence_url"),
                "licence_osi_approved", "terms_url", "access", "weights_use", "openness_tier",
                "training_compute_flop",
                "training_dataset_size", "country", "homepage",
            ),
        }),
        ("Text", {"fields": ("summary", "description")}),
        ("History", {"fields": ("created_at", "updated_at", "updated_by"), "classes": ("collapse",)}),
    )  # fmt: skip

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self.warn_contradicted_points(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def warn_contradicted_points(self, request, entry):
        """Tell editors which of the category's points the public page leaves out, because
        the entry's own grades contradict them (facts.pros_and_cons)."""
        for point in pros_and_cons(entry).left_out:
            closed = " and ".join(str(d.label).lower() for d in point.closed)
            self.message_user(
                request,
                f"{entry.category.name} lists “{point.item.text}” as typical, but this entry "
                f"grades its {closed} closed: its page leaves the point out. Write the entry's "
                "own pros and cons, or check its grades.",
                messages.WARNING,
            )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "modalities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "openness_tier")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("input_modalities", "output_modalities"):
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=lambda: Modality.objects.values_list("slug", "name"),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.add_modalities_read_and_written()


@admin.register(Dataset)
class DatasetAdmin(ContentAdmin):
    list_display = ("name", "publisher", "licence_name", "url")
    search_fields = ("name", "publisher")
    prepopulated_fields = {"slug": ("publisher", "name")}


@admin.register(ProCon)
class ProConAdmin(ProConFields, ContentAdmin):
    list_display = ("text", "kind", "owner", "position")
    list_filter = ("kind", "category")
    list_select_related = ("category", "entry")
    search_fields = ("text", "category__name", "entry__name")
    autocomplete_fields = ("category", "entry")
    ordering = ("category", "entry", "kind", "position")


@admin.register(ComparisonRow)
class ComparisonRowAdmin(ContentAdmin):
    list_display = ("label", "kind", "position", "updated_at")
    list_editable = ("position",)
    list_filter = ("kind",)
    search_fields = ("label", "cells__text")
    prepopulated_fields = {"slug": ("label",)}
    inlines = [ComparisonCellInline]


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ("title", "status", "featured", "published_at", "updated_at", "updated_by")
    list_filter = ("status", "featured", ("categories", NoneRecordedFilter))
    list_select_related = ("updated_by",)
    search_fields = ("title", "lede", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("entries",)
    filter_horizontal = ("categories",)
    date_hierarchy = "published_at"
    fieldsets = (
        (None, {"fields": ("title", "slug", "lede", "body")}),
        ("Publishing", {"fields": ("status", "published_at", "featured", "author")}),
        ("Related", {"fields": ("categories", "entries")}),
        (
            "History",
            {"fields": ("created_at", "updated_at", "updated_by"), "classes": ("collapse",)},
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}
