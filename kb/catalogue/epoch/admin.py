"""The Epoch AI import in the admin: upload the CSV, see what would change, confirm; and undo
the latest import, after a confirmation page.

Upload only: the server fetches nothing an editor names. It takes the rights an import needs
(adding and changing model entries), which the Editors group has. The previewed file waits in
MEDIA_ROOT under its SHA-256 until it is confirmed, so what is imported is what was previewed.
Undoing deletes the entries an import created, so it takes the delete right too.
"""

import datetime
import hashlib
import re
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .source import MAX_BYTES, SourceError, parse
from .sync import import_revisions, import_rows, undo_import, undoable_import, undone_imports

FOLDER = "epoch-imports"
# The import page lists this many of the latest imports.
RECENT_IMPORTS = 10
TOKEN = re.compile(r"[0-9a-f]{64}")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Epoch AI's CSV",
        help_text="notable_ai_models.csv (or another of Epoch AI's model downloads), at most "
        f"{MAX_BYTES // (1024 * 1024)} MB.",
    )
    retrieved_on = forms.DateField(
        label="Downloaded on",
        initial=datetime.date.today,
        help_text="The day the file was downloaded from epoch.ai (YYYY-MM-DD).",
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; nothing imported."
            )
        data = upload.read()
        try:
            cleaned["rows"] = parse(data, name=f"“{upload.name}”")[1]
        except SourceError as error:
            raise forms.ValidationError(str(error)) from None
        cleaned["data"] = data
        return cleaned


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=TOKEN, widget=forms.HiddenInput)
    retrieved_on = forms.DateField(widget=forms.HiddenInput)


def stored_name(token):
    return f"{FOLDER}/{token}.csv"


class EpochImportAdminMixin:
    """For ModelEntryAdmin: the import page, linked from the change list."""

    import_export_change_list_template = "admin/kb/modelentry/change_list.html"

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        views = [
            path(
                "import-epoch/",
                self.admin_site.admin_view(self.epoch_import_view),
                name=f"{prefix}_import_epoch",
            ),
            path(
                "import-epoch/<int:revision_id>/undo/",
                self.admin_site.admin_view(self.epoch_undo_view),
                name=f"{prefix}_undo_epoch",
            ),
        ]
        return [*views, *super().get_urls()]

    def has_epoch_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_epoch_undo_permission(self, request):
        return self.has_epoch_import_permission(request) and self.has_delete_permission(request)

    def epoch_undo_view(self, request, revision_id):
        if not self.has_epoch_undo_permission(request):
            raise PermissionDenied
        revision = get_object_or_404(import_revisions().select_related("user"), pk=revision_id)
        undoable = undoable_import()
        opts = self.model._meta
        import_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import_epoch")
        if undoable is None or undoable.pk != revision.pk:
            if revision.pk in undone_imports():
                messages.error(request, "This import was undone already.")
            else:
                messages.error(request, "Undo the imports made after this one first.")
            return HttpResponseRedirect(import_url)
        if request.method == "POST":
            undo_import(revision, user=request.user)
            messages.success(
                request, f"Undid the import of {revision.date_created:%Y-%m-%d %H:%M}."
            )
            return HttpResponseRedirect(import_url)
        # What the undo touches, by kind of row.
        counts = Counter(
            ContentType.objects.get_for_id(kind).model_class()._meta.verbose_name_plural
            for kind in revision.version_set.values_list("content_type", flat=True)
        )
        return self.epoch_page(
            request,
            "Undo an Epoch AI import",
            undo=revision,
            counts=sorted(counts.items()),
            import_url=import_url,
        )

    def epoch_import_view(self, request):
        if not self.has_epoch_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.epoch_confirm(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["data"]
            token = hashlib.sha256(data).hexdigest()
            if not default_storage.exists(stored_name(token)):
                default_storage.save(stored_name(token), ContentFile(data))
            report = import_rows(
                form.cleaned_data["rows"], form.cleaned_data["retrieved_on"], dry_run=True
            )
            confirm = ConfirmForm(
                initial={"token": token, "retrieved_on": form.cleaned_data["retrieved_on"]}
            )
            return self.epoch_page(request, "Epoch AI import: what would change", report=report, confirm=confirm, file_name=form.cleaned_data["file"].name)  # fmt: skip
        return self.epoch_page(
            request,
            "Import from Epoch AI",
            form=form,
            imports=import_revisions().select_related("user")[:RECENT_IMPORTS],
            undone=undone_imports(),
            undoable=undoable_import() if self.has_epoch_undo_permission(request) else None,
        )

    def epoch_confirm(self, request):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The import could not be confirmed; upload the file again.")
            return HttpResponseRedirect(request.path)
        name = stored_name(form.cleaned_data["token"])
        if not default_storage.exists(name):
            messages.error(request, "The previewed file is gone; upload it again.")
            return HttpResponseRedirect(request.path)
        with default_storage.open(name, "rb") as handle:
            rows = parse(handle.read())[1]
        report = import_rows(rows, form.cleaned_data["retrieved_on"], user=request.user)
        default_storage.delete(name)
        messages.success(request, f"Imported from Epoch AI: {report.summary()}")
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def epoch_page(self, request, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.model._meta,
            **context,
        }
        return TemplateResponse(request, "admin/kb/epoch_import.html", context)
