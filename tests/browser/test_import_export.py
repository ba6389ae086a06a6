"""Journey: an editor imports model entries from a CSV file and exports them, in the admin,
under the site's Content Security Policy (no inline script, no inline style): the pages work
and the browser reports no violation."""

import csv
import io

import pytest
from playwright.sync_api import expect

from kb.catalogue.models import ModelEntry

from .test_editor_journey import log_in, make_editor

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES_CSV = (
    "slug,name,organization,category,modalities,status,homepage\n"
    "llama-2,LLaMA 2 (all sizes),meta,open-source,text,published,https://ai.meta.com/llama/\n"
    "olmo,OLMo,meta,open-source,text,draft,https://allenai.org/olmo\n"
)


@pytest.fixture
def editor_page(page, site):
    make_editor("ada")
    log_in(page, site, "ada")
    return page


def test_an_editor_imports_a_csv_file_under_the_csp(editor_page, site, problems, shot, tmp_path):
    page = editor_page
    assert (
        "script-src 'self'" in page.request.get(site + "/admin/").headers["content-security-policy"]
    )
    page.goto(site + "/admin/kb/modelentry/")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import")).to_be_visible()
    shot("import-form")

    path = tmp_path / "entries.csv"
    path.write_text(ENTRIES_CSV)
    page.get_by_label("File to import").set_input_files(path)
    # The format follows the file's extension (the package's guess_format.js).
    expect(page.get_by_label("Format")).to_have_value("0")
    expect(page.get_by_label("Format").locator("option:checked")).to_have_text("csv")
    page.get_by_role("button", name="Submit").click()

    preview = page.locator("table.import-preview")
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(preview.locator("tr.update")).to_contain_text("LLaMA 2 (all sizes)")
    expect(preview.locator("tr.new")).to_contain_text("OLMo")
    shot("import-preview")
    assert not ModelEntry.objects.filter(slug="olmo").exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Import finished")
    shot("imported")
    assert ModelEntry.objects.get(slug="olmo").homepage == "https://allenai.org/olmo"
    assert ModelEntry.objects.get(slug="llama-2").name == "LLaMA 2 (all sizes)"


def test_an_editor_exports_chosen_columns_under_the_csp(editor_page, site, problems, shot):
    page = editor_page
    page.goto(site + "/admin/kb/modelentry/")
    page.get_by_role("link", name="Export").click()
    page.get_by_label("Format").select_option(label="csv")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    shot("export-form")

    # "Select all" clears every column, then the editor picks two.
    page.get_by_label("Select all").uncheck()
    for index in range(fields.count()):
        expect(fields.nth(index)).not_to_be_checked()
    page.get_by_label("Slug", exact=True).check()
    page.get_by_label("Name", exact=True).check()
    shot("export-two-columns")

    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["slug", "name"]
    assert ["llama-2", "LLaMA 2"] in rows
