"""The Epoch AI import in the admin: upload, preview, confirm; for editors only; CSP-clean."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kb.catalogue.models import ModelEntry
from tests.support.epoch import SAMPLE
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
