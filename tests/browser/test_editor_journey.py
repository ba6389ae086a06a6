"""Journey 3: editors (staff in the Editors group, not superusers) change an article in the
admin's Markdown editor with its live preview, rename a model, upload an image, meet a
conflicting save from a second editor without losing text, and restore an earlier revision.
A visitor's browser beside them sees every saved change on the next load, page cache on."""

import base64
import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from kb.catalogue.editors import EDITORS
from kb.catalogue.models import Article, ModelEntry
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

ARTICLE = "open-source-vs-closed-models"
PASSWORD = "a-long-test-password"
ADDED = "A paragraph written in the browser's Markdown editor."
SECOND_THOUGHT = "Ada's second thought, saved first."
COMPETING = "Bob's sentence, typed into an older copy."


def make_editor(username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    assert not user.is_superuser
    return user


def log_in(page, site, username):
    page.goto(site + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {username}")


def change_url(site, obj):
    return f"{site}/admin/kb/{obj._meta.model_name}/{obj.pk}/change/"


def body(page):
    return page.locator("textarea#id_body")


def preview(page):
    """The preview beside the text: the article's body in a document of its own."""
    return page.frame_locator("iframe.desk-frame").locator("[data-preview-body]")


def save(page):
    """Save from the top of the form (the same buttons are at its end)."""
    page.get_by_role("button", name="Save", exact=True).first.click()


def expect_saved(page):
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")


def comparison_tables(page):
    return page.locator("table", has=page.locator("caption"))


def examples_row(page):
    table = comparison_tables(page).first
    return table.locator("tbody tr", has=page.locator("th", has_text="Examples"))


def png_base64():
    out = BytesIO()
    Image.new("RGB", (24, 16), "teal").save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


DROP_IMAGE = """(textarea, data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "diagram.png", { type: "image/png" }));
    textarea.selectionStart = textarea.selectionEnd = textarea.value.length;
    textarea.dispatchEvent(
        new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true })
    );
}"""


def test_editors_edit_preview_upload_conflict_and_restore(
    page, another_page, site, page_cache, problems, shot
):
    make_editor("ada")
    make_editor("bob")
    article = Article.objects.get(slug=ARTICLE)
    article_url = site + article.get_absolute_url()

    visitor = another_page()
    visitor.goto(article_url)
    expect(comparison_tables(visitor)).to_have_count(1)
    expect(visitor.get_by_text(ADDED)).to_have_count(0)
    shot("visitor-before", visitor)

    log_in(page, site, "ada")
    shot("logged-in")

    # The live preview follows the Markdown, generated blocks included.
    page.goto(change_url(site, article))
    expect(preview(page).locator("table:has(caption)")).to_have_count(1)
    shot("change-form")
    textarea = body(page)
    textarea.fill(textarea.input_value() + f"\n\n{ADDED}\n\n[[comparison]]\n")
    expect(preview(page).get_by_text(ADDED)).to_be_visible()
    expect(preview(page).locator("table:has(caption)")).to_have_count(2)
    expect(preview(page).locator("table").last.locator("tbody th[scope=row]").first).to_have_text(
        "Access"
    )
    shot("preview-updated")
    save(page)
    expect_saved(page)
    shot("saved")

    # The visitor's next load shows it: the page cache does not hold the old copy.
    visitor.reload()
    expect(visitor.get_by_text(ADDED)).to_be_visible()
    expect(comparison_tables(visitor)).to_have_count(2)
    shot("visitor-sees-the-edit", visitor)

    # Renaming a model shows in the article's Examples row.
    mistral = ModelEntry.objects.get(slug="mistral")
    expect(examples_row(visitor).get_by_role("link", name="Mistral", exact=True)).to_be_visible()
    page.goto(change_url(site, mistral))
    page.get_by_label("Name:").fill("Mistral 7B")
    expect(page.get_by_label("Slug:")).to_have_value("mistral")
    shot("model-renamed")
    save(page)
    expect_saved(page)
    visitor.reload()
    examples = examples_row(visitor)
    expect(examples.get_by_role("link", name="Mistral 7B", exact=True)).to_be_visible()
    expect(examples.get_by_role("link", name="Mistral", exact=True)).to_have_count(0)
    shot("visitor-sees-the-new-name", visitor)

    # An image dropped into the editor is uploaded and linked from the Markdown.
    page.goto(change_url(site, article))
    textarea = body(page)
    before = textarea.input_value() + "\n\n"
    textarea.fill(before)
    textarea.evaluate(DROP_IMAGE, png_base64())
    expect(textarea).to_have_value(re.compile(r"!\[\]\(/media/uploads/[0-9a-f]{32}\.png\)$"))
    image_url = re.search(r"!\[\]\(([^)]+)\)$", textarea.input_value()).group(1)
    assert textarea.input_value() == before + f"![]({image_url})"
    served = page.request.get(site + image_url)
    assert served.ok
    assert served.headers["content-type"] == "image/png"
    assert served.body().startswith(b"\x89PNG")
    uploaded = preview(page).locator(f'img[src="{image_url}"]')
    expect(uploaded).to_be_visible()
    assert uploaded.evaluate("image => image.naturalWidth") == 24
    shot("image-uploaded")
    save(page)
    expect_saved(page)
    visitor.reload()
    public_image = visitor.locator(f'main img[src="{image_url}"]')
    expect(public_image).to_be_visible()
    assert public_image.evaluate("image => image.complete && image.naturalWidth") == 24

    # Two editors open the same article; Ada saves first, Bob's save is refused, text kept.
    page.goto(change_url(site, article))
    bob = another_page()
    log_in(bob, site, "bob")
    bob.goto(change_url(site, article))
    textarea = body(page)
    textarea.fill(textarea.input_value() + f"\n\n{SECOND_THOUGHT}\n")
    save(page)
    expect_saved(page)

    bob_text = body(bob).input_value() + f"\n\n{COMPETING}\n"
    body(bob).fill(bob_text)
    save(bob)
    conflict = bob.locator(".errornote, .errorlist").filter(
        has_text="Someone else saved this article while you were editing it"
    )
    expect(conflict.first).to_be_visible()
    expect(conflict.first).to_contain_text("ada")
    expect(conflict.first).to_contain_text("your text is kept here")
    expect(body(bob)).to_have_value(bob_text)
    expect(bob.locator("table", has_text="Theirs (stored now)")).to_contain_text(SECOND_THOUGHT)
    # The preview beside the kept text shows it too.
    expect(preview(bob).get_by_text(COMPETING)).to_be_visible()
    shot("conflict", bob)

    # Saving again keeps Bob's text: nothing he typed was lost.
    save(bob)
    expect_saved(bob)
    visitor.reload()
    expect(visitor.get_by_text(COMPETING)).to_be_visible()
    expect(visitor.get_by_text(SECOND_THOUGHT)).to_have_count(0)

    # Ada restores the revision before Bob's from the history.
    page.goto(change_url(site, article).replace("/change/", "/history/"))
    rows = page.locator("#change-history tbody tr")
    expect(rows.last.locator("td").first).to_have_text("bob")
    previous = rows.nth(rows.count() - 2)
    expect(previous.locator("td").first).to_have_text("ada")
    shot("history")
    previous.locator("th a").click()
    expect(body(page)).to_have_value(re.compile(re.escape(SECOND_THOUGHT)))
    expect(body(page)).not_to_have_value(re.compile(re.escape(COMPETING)))
    shot("revision")
    save(page)
    expect_saved(page)
    page.goto(change_url(site, article).replace("/change/", "/history/"))
    expect(rows.last).to_contain_text("Reverted to previous version")
    visitor.reload()
    expect(visitor.get_by_text(SECOND_THOUGHT)).to_be_visible()
    expect(visitor.get_by_text(COMPETING)).to_have_count(0)
    shot("visitor-sees-the-restored-text", visitor)
