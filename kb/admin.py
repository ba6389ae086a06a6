"""The editors' admin: every content model, with the lists, filters and inlines editors need."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from .admin_import import EditorImportExportMixin
from .models import (
    Article,
    Category,
    ComparisonCell,
    ComparisonRow,
    Modality,
    ModelEntry,
    OpennessGrade,
    Organization,
    ProCon,
    Source,
    Status,
)

admin.site.site_header = "AI Models Knowledge Base"
admin.site.site_title = "Knowledge base admin"
admin.site.index_title = "Content"


# Markdown gets the editor with live preview; a typed URL without a scheme means https.
FORMFIELD_OVERRIDES = {
    MarkdownxField: {"widget": AdminMarkdownxWidget},
    models.URLField: {"assume_scheme": "https"},
}


class ContentAdmin(admin.ModelAdmin):
    """Shared by the content models: Markdown editors with preview, and who changed what."""

    formfield_overrides = FORMFIELD_OVERRIDES
    tracked_fields = ("created_at", "updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if hasattr(self.model, "updated_by"):
            readonly += [f for f in self.tracked_fields if f not in readonly]
        return readonly

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class PublishableAdmin(ContentAdmin):
    actions = ["publish", "unpublish"]

    def _set_status(self, request, queryset, status):
        changed = 0
        for obj in queryset.exclude(status=status):
            obj.status = status
            obj.updated_by = request.user
            obj.save()
            changed += 1
        return changed

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISHED)
        self.message_user(request, f"{changed} item(s) published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish the selected items (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.DRAFT)
        self.message_user(request, f"{changed} item(s) returned to draft.", messages.SUCCESS)


class ContentInline(admin.TabularInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    extra = 0


class ProConInline(ContentInline):
    model = ProCon
    fields = ("kind", "text", "position")
    ordering = ProCon._meta.ordering


class CategoryProConInline(ProConInline):
    fk_name = "category"


class EntryProConInline(ProConInline):
    fk_name = "entry"


class SourceInline(ContentInline):
    model = Source
    fields = ("fact", "url", "title")


class OpennessGradeInline(ContentInline):
    model = OpennessGrade
    fields = ("dimension", "grade", "source_url", "checked_on")
    max_num = len(OpennessGrade.Dimension)
    verbose_name_plural = "openness scorecard"


class ComparisonCellInline(ContentInline):
    model = ComparisonCell
    fields = ("category", "text")
    formfield_overrides = {MarkdownxField: {"widget": forms.Textarea(attrs={"rows": 2})}}


@admin.register(Category)
class CategoryAdmin(ContentAdmin):
    list_display = ("name", "short_name", "icon", "position", "entry_count", "updated_at")
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
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

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
class ModelEntryAdmin(EditorImportExportMixin, PublishableAdmin):
    list_display = (
        "name",
        "organization",
        "category",
        "release_date",
        "parameters",
        "access",
        "status",
        "updated_at",
    )
    list_filter = (
        "status",
        "category",
        "access",
        "licence_osi_approved",
        "modalities",
        "organization",
    )
    list_select_related = ("organization", "category")
    search_fields = ("name", "slug", "summary", "organization__name")
    autocomplete_fields = ("organization", "category")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "release_date"
    ordering = ("name",)
    inlines = [EntryProConInline, SourceInline, OpennessGradeInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "organization", "category", "status", "published_at")}),
        ("Facts", {
            "fields": (
                "modalities", "release_date", ("parameters", "parameter_count"), "context_window",
                ("licence_name", "licence_url"), "licence_osi_approved", "access", "homepage",
            ),
        }),
        ("Text", {"fields": ("summary", "description")}),
        ("History", {"fields": ("created_at", "updated_at", "updated_by"), "classes": ("collapse",)}),
    )  # fmt: skip

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "modalities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ProCon)
class ProConAdmin(ContentAdmin):
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
    list_filter = ("status", "featured", "categories")
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
