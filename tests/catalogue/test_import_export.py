"""Editors import and export model entries and organizations in the admin."""

import csv
import io
import json
import os
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kb.catalogue.models import ModelEntry, Organization
from kb.catalogue.openness import scorecard
from kb.catalogue.spreadsheets import ModelEntryResource
from tests.support.factories import ModelEntryFactory, UserFactory
from tests.support.html import inline_code
from tests.support.text import visible_text

from .test_bundled import counts

pytestmark = pytest.mark.django_db

CSV_FORMAT, JSON_FORMAT = "0", "1"
HEADER = "slug,name,organization,category,modalities,status,release_date,parameter_count"


@pytest.fixture(autouse=True)
def import_folder(media_root):
    # The file waiting for confirmation lives in MEDIA_ROOT: a folder of the test's own.
    return media_root


def upload(client, model, content, name="entries.csv", file_format=CSV_FORMAT):
    data = {"format": file_format, "import_file": SimpleUploadedFile(name, content.encode())}
    return client.post(reverse(f"admin:kb_{model}_import"), data)


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:kb_{model}_process_import"), data)


GOOD_CSV = (
    f"{HEADER}\n"
    "llama-2,LLaMA 2 (all sizes),meta,open-source,text;code,published,2023-07-18,70000000000\n"
    "olmo,OLMo,meta,open-source,text,draft,2024-02-01,\n"
)


def test_editors_see_import_and_export_on_entries_and_organizations(editor_client, seed):
    for model in ("modelentry", "organization"):
        html = editor_client.get(reverse(f"admin:kb_{model}_changelist")).content.decode()
        assert reverse(f"admin:kb_{model}_import") in html
        assert reverse(f"admin:kb_{model}_export") in html
    page = editor_client.get(reverse("admin:kb_modelentry_import"))
    assert page.status_code == 200
    assert [label for _, label in page.context["form"].fields["format"].choices] == [
        "---",
        "csv",
        "json",
    ]


def test_the_dry_run_previews_and_changes_nothing_until_confirmed(editor_client, editor, seed):
    before = counts()
    preview = editor_client.post(
        reverse("admin:kb_modelentry_import"),
        {"format": CSV_FORMAT, "import_file": SimpleUploadedFile("e.csv", GOOD_CSV.encode())},
    )
    assert preview.status_code == 200
    text = visible_text(preview.content)
    assert "Preview" in text and "Update" in text and "New" in text
    assert "OLMo" in text
    assert counts() == before

    done = confirm(editor_client, "modelentry", preview)
    assert done.status_code == 302
    llama = ModelEntry.objects.get(slug="llama-2")
    assert llama.name == "LLaMA 2 (all sizes)"
    assert [m.slug for m in llama.modalities.all()] == ["text", "code"]
    assert llama.updated_by == editor
    olmo = ModelEntry.objects.get(slug="olmo")
    assert olmo.status == "draft" and olmo.parameter_count is None
    assert olmo.organization.slug == "meta" and olmo.updated_by == editor


def test_an_imported_entry_keeps_the_modalities_it_reads_and_writes(editor_client, seed):
    """The file's modalities, plus what the entry reads and writes, as the model form and the
    Epoch import add them: the directory's modality filter finds the entry by either."""
    ModelEntry.objects.filter(slug="llama-2").update(
        input_modalities=["text", "image"], output_modalities=["audio"]
    )
    preview = upload(editor_client, "modelentry", GOOD_CSV)  # LLaMA 2: text;code
    assert confirm(editor_client, "modelentry", preview).status_code == 302
    llama = ModelEntry.objects.get(slug="llama-2")
    assert {m.slug for m in llama.modalities.all()} == {"text", "code", "image", "audio"}
    olmo = ModelEntry.objects.get(slug="olmo")  # reads and writes nothing recorded
    assert [m.slug for m in olmo.modalities.all()] == ["text"]


BAD_CSV = (
    f"{HEADER}\n"
    "olmo,OLMo,meta,open-source,text,draft,2024-02-01,\n"  # fine on its own
    "x1,Bad organization,nobody,open-source,text,draft,,\n"
    "x2,Bad modality,meta,open-source,text;smell,draft,,\n"
    "x3,Bad date,meta,open-source,text,draft,2024-13-45,\n"
    "x4,Bad count,meta,open-source,text,draft,,-5\n"
    "x5,Far future,meta,open-source,text,draft,2999-01-01,\n"
)


def test_a_bad_file_gets_row_by_row_errors_and_changes_nothing(editor_client, seed):
    before = counts()
    page = upload(editor_client, "modelentry", BAD_CSV)
    assert page.status_code == 200
    assert "confirm_form" not in page.context
    result = page.context["result"]
    errors = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert "No organization has the slug “nobody”." in errors[2]["organization"][0]
    assert "No modality has the slug “smell”." in errors[3]["modalities"][0]
    assert "release_date" in errors[4]
    assert "parameter_count" in errors[5]
    assert "almost certainly a typo" in errors[6]["release_date"][0]
    text = visible_text(page.content)
    assert "Some rows failed to validate" in text
    assert counts() == before
    assert not ModelEntry.objects.filter(slug="olmo").exists()


def test_a_file_that_goes_bad_before_confirmation_is_not_half_applied(editor_client, seed):
    good = "slug,name,website\nnew-lab,New Lab,https://new.example.org/\nnewer-lab,Newer Lab,\n"
    preview = upload(editor_client, "organization", good, name="orgs.csv")
    assert "confirm_form" in preview.context
    # Between preview and confirmation someone takes the second row's name.
    Organization.objects.create(name="Newer Lab", slug="someone-else")
    before = counts()
    done = confirm(editor_client, "organization", preview)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:kb_organization_import")
    assert counts() == before
    assert not Organization.objects.filter(slug="new-lab").exists()
    follow = editor_client.get(done["Location"])
    assert "Nothing was imported: the file has errors." in visible_text(follow.content)


def test_json_files_import_too(editor_client, seed):
    rows = [{"slug": "new-lab", "name": "New Lab", "website": "https://new.example.org/"}]
    preview = upload(
        editor_client, "organization", json.dumps(rows), name="orgs.json", file_format=JSON_FORMAT
    )
    confirm(editor_client, "organization", preview)
    assert Organization.objects.get(slug="new-lab").website == "https://new.example.org/"


def test_an_unreadable_file_is_refused_with_a_message(editor_client, seed):
    page = upload(
        editor_client, "organization", "[{not json", name="x.json", file_format=JSON_FORMAT
    )
    assert page.status_code == 200
    assert "Ensure you have chosen the correct format for the file." in visible_text(page.content)


def test_export_writes_slugs_for_related_rows(editor_client, seed):
    page = editor_client.get(reverse("admin:kb_modelentry_export"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if name != "export_items"}
    data["format"] = CSV_FORMAT
    response = editor_client.post(reverse("admin:kb_modelentry_export"), data)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    gemini = next(row for row in rows if row["slug"] == "gemini")
    assert (gemini["organization"], gemini["category"]) == ("google", "closed")
    assert gemini["modalities"] == "text;image;video;audio;code"
    assert len(rows) == 10


def test_an_export_imports_back_unchanged(seed):
    exported = ModelEntryResource().export()
    result = ModelEntryResource().import_data(exported, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 10


def test_staff_without_permissions_cannot_import_or_export(client, seed):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_modelentry"))
    client.force_login(user)
    assert client.get(reverse("admin:kb_modelentry_import")).status_code == 403
    assert client.get(reverse("admin:kb_modelentry_export")).status_code == 200
    user.user_permissions.add(Permission.objects.get(codename="change_modelentry"))
    # Importing also creates rows: it needs the add permission as well.
    assert client.get(reverse("admin:kb_modelentry_import")).status_code == 403
    user.user_permissions.set(Permission.objects.none())
    assert client.get(reverse("admin:kb_modelentry_export")).status_code == 403


def export_csv(client):
    page = client.get(reverse("admin:kb_modelentry_export"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if name != "export_items"}
    data["format"] = CSV_FORMAT
    response = client.post(reverse("admin:kb_modelentry_export"), data)
    assert response.status_code == 200
    return response.content.decode()


def test_export_holds_every_openness_grade_as_the_download_names_it(editor_client, seed):
    ModelEntryFactory(slug="ungraded")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(export_csv(editor_client)))}
    llama = rows["llama-2"]
    assert llama["openness_weights"] == "partial"
    assert llama["openness_training_data"] == "closed"
    assert llama["openness_weights_licence"] == "partial"
    assert llama["openness_weights_licence_source"] == "https://ai.meta.com/llama/license/"
    assert llama["openness_weights_checked"] == "2026-11-28"
    assert rows["ungraded"]["openness_api"] == "unknown"
    assert rows["ungraded"]["openness_api_checked"] == ""
    download = csv.DictReader(io.StringIO(editor_client.get("/models.csv").content.decode()))
    # computed, not imported
    summary = {"openness_score", "openness_graded", "openness_unknown", "openness_tier"}
    grade_columns = [
        name for name in download.fieldnames if name.startswith("openness_") and name not in summary
    ]
    assert [name for name in next(iter(rows.values())) if name.startswith("openness_")] == (
        grade_columns
    )


GRADES_HEADER = "slug,name,organization,category,openness_weights,openness_weights_source,openness_api_checked"  # fmt: skip


def test_importing_grades_sets_them_after_a_dry_run(editor_client, seed):
    content = (
        f"{GRADES_HEADER}\n"
        # Only grades change: the row is an update, not skipped.
        "llama-2,LLaMA 2,meta,open-source,closed,https://example.org/weights,2026-12-01\n"
        "olmo,OLMo,meta,open-source,open,,\n"
    )
    preview = upload(editor_client, "modelentry", content)
    assert "confirm_form" in preview.context
    assert [row.import_type for row in preview.context["result"].rows] == ["update", "new"]
    preview_html = preview.content.decode()
    assert "<ins" in preview_html and "example.org/weights" in preview_html
    assert "None" not in visible_text(preview.content)
    llama = ModelEntry.objects.get(slug="llama-2")
    assert llama.openness.get(dimension="weights").grade == "partial"  # the dry run wrote nothing
    assert not ModelEntry.objects.filter(slug="olmo").exists()

    confirm(editor_client, "modelentry", preview)
    weights = llama.openness.get(dimension="weights")
    assert (weights.grade, weights.source_url) == ("closed", "https://example.org/weights")
    assert str(llama.openness.get(dimension="api").checked_on) == "2026-12-01"
    # Columns the file leaves out keep their values.
    assert llama.openness.get(dimension="training_data").grade == "closed"
    olmo = ModelEntry.objects.get(slug="olmo")
    assert {(g.dimension, g.grade) for g in olmo.openness.all()} == {("weights", "open")}
    assert (scorecard(olmo).score, scorecard(olmo).graded) == (None, 1)  # too few for a score


def test_bad_grades_are_row_errors_and_nothing_is_imported(editor_client, seed):
    before = counts()
    content = (
        f"{GRADES_HEADER}\n"
        "llama-2,LLaMA 2,meta,open-source,closed,,\n"  # fine on its own
        "mistral,Mistral 7B,mistral-ai,open-source,sorta,,\n"
        "mixtral,Mixtral,mistral-ai,open-source,open,not a url,\n"
        "falcon,Falcon,tii,open-source,open,,2026-02-30\n"
        "bloom,BLOOM,bigscience,open-source,open,,2999-01-01\n"
    )
    page = upload(editor_client, "modelentry", content)
    assert "confirm_form" not in page.context
    errors = {r.number: r.field_specific_errors for r in page.context["result"].invalid_rows}
    assert sorted(errors) == [2, 3, 4, 5]
    assert "Value 'sorta' is not a valid choice." in errors[2]["openness_weights"][0]
    assert "Enter a valid URL." in errors[3]["openness_weights_source"][0]
    assert "openness_api_checked" in errors[4]
    assert "almost certainly a typo" in errors[5]["openness_api_checked"][0]
    assert counts() == before
    weights = ModelEntry.objects.get(slug="llama-2").openness.get(dimension="weights")
    assert weights.grade == "partial"


def test_an_import_that_fails_on_confirmation_leaves_the_grades_alone(editor_client, seed):
    Organization.objects.create(name="Short-lived Lab", slug="short-lived")
    content = (
        f"{GRADES_HEADER}\n"
        "llama-2,LLaMA 2,meta,open-source,closed,,\n"
        "new-model,New model,short-lived,open-source,open,,\n"
    )
    preview = upload(editor_client, "modelentry", content)
    assert "confirm_form" in preview.context
    # Between preview and confirmation the second row's organization goes away.
    Organization.objects.filter(slug="short-lived").delete()
    before = counts()
    done = confirm(editor_client, "modelentry", preview)
    assert done["Location"] == reverse("admin:kb_modelentry_import")
    assert counts() == before
    weights = ModelEntry.objects.get(slug="llama-2").openness.get(dimension="weights")
    assert weights.grade == "partial"
    assert not ModelEntry.objects.filter(slug="new-model").exists()


def test_the_admin_csv_export_quotes_formulas_and_imports_them_back_unchanged(editor_client, seed):
    formula = '=HYPERLINK("https://evil.example/","click")'
    ModelEntryFactory(slug="formula", name=formula, summary="@SUM(1+1)", parameters="-1")
    exported = export_csv(editor_client)
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["slug"] == "formula")
    assert (row["name"], row["summary"], row["parameters"]) == (f"'{formula}", "'@SUM(1+1)", "'-1")
    preview = upload(editor_client, "modelentry", exported)
    assert {r.import_type for r in preview.context["result"].rows} == {"skip"}
    confirm(editor_client, "modelentry", preview)
    entry = ModelEntry.objects.get(slug="formula")
    assert (entry.name, entry.summary, entry.parameters) == (formula, "@SUM(1+1)", "-1")


def test_imports_work_while_the_shared_cache_is_down(editor_client, seed, settings, media_root):
    # The file waiting for confirmation is kept in MEDIA_ROOT, which every instance shares.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    rows = [{"slug": "new-lab", "name": "New Lab", "website": "https://new.example.org/"}]
    preview = upload(
        editor_client, "organization", json.dumps(rows), name="orgs.json", file_format=JSON_FORMAT
    )
    assert preview.status_code == 200
    assert list(media_root.rglob("*")) != []
    done = confirm(editor_client, "organization", preview)
    assert done.status_code == 302
    assert Organization.objects.get(slug="new-lab").name == "New Lab"
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_files_of_previews_never_confirmed_are_removed_a_day_later(editor_client, seed, media_root):
    folder = media_root / "django-import-export"
    folder.mkdir()
    abandoned, recent = folder / "abandoned", folder / "recent"
    for path, hours_ago in ((abandoned, 25), (recent, 23)):
        path.write_text("slug,name\n")
        seconds = time.time() - hours_ago * 3600
        os.utime(path, (seconds, seconds))
    preview = upload(editor_client, "modelentry", GOOD_CSV)
    assert preview.status_code == 200
    waiting = preview.context["confirm_form"]["import_file_name"].value()
    assert sorted(path.name for path in folder.iterdir()) == sorted(["recent", waiting])


@pytest.mark.parametrize(
    ("model", "header", "row", "column"),
    [
        ("organization", "slug,name,website", "new-lab,New Lab,https://new.example/<b>", "website"),
        (
            "modelentry",
            "slug,name,organization,category,homepage",
            'llama-2,LLaMA 2,meta,open-source,"https://ai.example/""quoted"""',
            "homepage",
        ),
        (
            "modelentry",
            "slug,name,organization,category,licence_url",
            "llama-2,LLaMA 2,meta,open-source,https://ai.example/licence>",
            "licence_url",
        ),
        (
            "modelentry",
            "slug,name,organization,category,openness_weights,openness_weights_source",
            "llama-2,LLaMA 2,meta,open-source,open,https://ai.example/{weights}",
            "openness_weights_source",
        ),
    ],
)
def test_imported_urls_refuse_characters_no_url_may_hold(
    editor_client, seed, model, header, row, column
):
    before = counts()
    page = upload(editor_client, model, f"{header}\n{row}\n")
    assert "confirm_form" not in page.context
    errors = {r.number: r.field_specific_errors for r in page.context["result"].invalid_rows}
    assert list(errors) == [1]
    assert errors[1][column][0].startswith("A URL cannot contain"), errors
    assert counts() == before


def test_import_and_export_pages_carry_no_inline_style_or_script(editor_client, seed):
    """The Content Security Policy refuses them (tests/browser/test_import_export.py)."""
    content = f"{HEADER}\nllama-2,LLaMA 2 (all sizes),meta,open-source,text,published,,\n"
    pages = {
        "import": editor_client.get(reverse("admin:kb_modelentry_import")),
        "preview": upload(editor_client, "modelentry", content),
        "export": editor_client.get(reverse("admin:kb_modelentry_export")),
    }
    assert "<ins> (all sizes)</ins>" in pages["preview"].content.decode()
    for name, page in pages.items():
        assert inline_code(page.content, data_blocks=False) == [], name
