"""The Epoch AI import in the admin: upload, preview, confirm; undo the latest, after a
confirmation; for editors only; CSP-clean."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from reversion.models import Revision

from kb.catalogue.epoch.sync import import_rows
from kb.catalogue.models import ModelEntry
from tests.support.epoch import RETRIEVED, SAMPLE, sample_rows
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:kb_modelentry_import_epoch")


def upload(client, data, name="notable_ai_models.csv"):
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data, "text/csv"), "retrieved_on": "2026-05-02"}
    )


def inline_code(html):
    """Inline scripts and style attributes, which the Content Security Policy refuses."""
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    return scripts + re.findall(r"\sstyle=", html)


def test_the_change_list_links_to_the_import(editor_client, seed):
    page = editor_client.get(reverse("admin:kb_modelentry_changelist"))
    assert f'href="{URL}"' in page.content.decode()


def test_an_editor_previews_then_confirms(editor_client, editor, seed, media_root):
    page = editor_client.get(URL)
    assert page.status_code == 200
    assert inline_code(page.content.decode()) == []
    entries = ModelEntry.objects.count()
    preview = upload(editor_client, SAMPLE.read_bytes())
    html = preview.content.decode()
    assert "31 new, 2 changed" in html
    assert "<td>Sora</td><td>release_date</td><td>2024-12-09</td><td>2024-02-15</td>" in html
    assert inline_code(html) == []
    assert ModelEntry.objects.count() == entries  # a preview writes nothing
    token = preview.context["confirm"].initial["token"]
    done = editor_client.post(
        URL, {"confirm": "Import", "token": token, "retrieved_on": "2026-05-02"}
    )
    assert done.status_code == 302
    assert ModelEntry.objects.count() == entries + 31
    assert ModelEntry.objects.get(name="Llama 2-7B").updated_by == editor
    assert not list((media_root / "epoch-imports").iterdir())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"Name,Organization\nGPT-4,OpenAI\n", "has no column “Model”"),
        ("Model\nÉ\n".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(editor_client, seed, media_root, data, message):
    entries = ModelEntry.objects.count()
    page = upload(editor_client, data)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert ModelEntry.objects.count() == entries


def test_a_confirmation_without_its_file_imports_nothing(editor_client, seed, media_root):
    entries = ModelEntry.objects.count()
    response = editor_client.post(
        URL, {"confirm": "Import", "token": "0" * 64, "retrieved_on": "2026-05-02"}, follow=True
    )
    assert "The previewed file is gone" in response.content.decode()
    assert ModelEntry.objects.count() == entries


def test_staff_without_the_editors_rights_cannot_import(client, seed):
    client.force_login(UserFactory(username="visitor", is_staff=True))
    assert client.get(URL).status_code == 403


def undo_url(revision):
    return reverse("admin:kb_modelentry_undo_epoch", args=[revision.pk])


def test_an_editor_undoes_the_latest_import_after_confirming(editor_client, editor, seed):
    entries = ModelEntry.objects.count()
    report = import_rows(sample_rows(), RETRIEVED, user=editor)
    revision = Revision.objects.get(pk=report.revision_id)
    html = editor_client.get(URL).content.decode()
    assert f'<a href="{undo_url(revision)}">Undo…</a>' in html

    page = editor_client.get(undo_url(revision))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Undo “{escape(revision.comment)}”" in html
    assert '<input type="submit" class="default" value="Yes, undo the import">' in html
    assert "<li>Model entries: 33</li>" in html  # 31 new, 2 changed
    assert inline_code(html) == []
    assert ModelEntry.objects.count() == entries + 31  # asking changes nothing

    done = editor_client.post(undo_url(revision), follow=True)
    assert done.redirect_chain == [(URL, 302)]
    assert "Undid the import of" in done.content.decode()
    assert ModelEntry.objects.count() == entries
    assert not ModelEntry.objects.filter(name="Llama 2-7B").exists()
    html = done.content.decode()
    assert "<td>Undone</td>" in html and undo_url(revision) not in html


def test_an_import_is_undone_once(editor_client, editor, seed):
    revision = Revision.objects.get(pk=import_rows(sample_rows(), RETRIEVED).revision_id)
    editor_client.post(undo_url(revision))
    entries = ModelEntry.objects.count()
    again = editor_client.post(undo_url(revision), follow=True)
    assert "This import was undone already." in again.content.decode()
    assert ModelEntry.objects.count() == entries


def test_imports_are_undone_newest_first(editor_client, seed):
    first = Revision.objects.get(pk=import_rows(sample_rows(), RETRIEVED).revision_id)
    rows = sample_rows()
    rows[0] = {**rows[0], "Parameters": "7100000000.0"}
    later = import_rows(rows, RETRIEVED + datetime.timedelta(days=1))
    assert later.revision_id and later.revision_id != first.pk
    html = editor_client.get(URL).content.decode()
    assert undo_url(first) not in html
    entries = ModelEntry.objects.count()
    refused = editor_client.post(undo_url(first), follow=True)
    assert "Undo the imports made after this one first." in refused.content.decode()
    assert ModelEntry.objects.count() == entries
    editor_client.post(undo_url(Revision.objects.get(pk=later.revision_id)))
    assert undo_url(first) in editor_client.get(URL).content.decode()


def test_only_an_import_can_be_undone_here(editor_client, seed):
    other = Revision.objects.exclude(comment__startswith="Imported").first()
    assert editor_client.get(undo_url(other)).status_code == 404


def test_undoing_needs_the_right_to_delete_entries(client, seed):
    revision = Revision.objects.get(pk=import_rows(sample_rows(), RETRIEVED).revision_id)
    user = UserFactory(username="adder", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="kb",
            codename__in=["add_modelentry", "change_modelentry", "view_modelentry"],
        )
    )
    client.force_login(user)
    assert client.get(URL).status_code == 200
    assert undo_url(revision) not in client.get(URL).content.decode()
    entries = ModelEntry.objects.count()
    assert client.get(undo_url(revision)).status_code == 403
    assert client.post(undo_url(revision)).status_code == 403
    assert ModelEntry.objects.count() == entries
