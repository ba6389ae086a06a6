"""Journey: an editor writes a new article at the editor's desk. The preview stands beside the
text on a wide screen and behind a Preview tab on a phone, drawn by the site's own stylesheet;
a placeholder inside a sentence is pointed at; a pasted image is uploaded; the toolbar writes a
link and a block; the form saves from its top and with Ctrl+S; and the published page's article
body is the preview's, to the byte. axe finds nothing serious, and nothing breaks the CSP."""

import re

import pytest
from playwright.sync_api import expect

from kb.catalogue.models import Article

from .accessibility import assert_accessible
from .test_editor_journey import log_in, make_editor, png_base64

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}

# Collected in every frame before the site's own scripts run: what the CSP refused.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""

PASTE_IMAGE = """(textarea, data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "chart.png", { type: "image/png" }));
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = textarea.value.length;
    textarea.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true })
    );
}"""

SELECT = "(textarea, [start, end]) => textarea.setSelectionRange(start, end)"


def body(page):
    return page.locator("textarea#id_body")


def frame(page):
    return page.frame_locator("iframe.desk-frame").locator("[data-preview-body]")


def warnings(page):
    return page.locator(".desk-warning-list li")


def csp_violations(page):
    return [v for f in page.frames for v in f.evaluate("window.cspViolations || []")]


def select_text(textarea, words):
    start = textarea.input_value().index(words)
    textarea.evaluate(SELECT, [start, start + len(words)])


def test_an_editor_writes_an_article_beside_its_preview(page, another_page, site, problems, shot):
    make_editor("ada")
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size(WIDE)
    log_in(page, site, "ada")
    page.goto(site + "/admin/kb/article/add/")
    page.get_by_label("Title:").fill("Open weights in practice")

    # A placeholder inside a sentence: the warning points at its line.
    textarea = body(page)
    textarea.fill("Open models are easy to try.\n\nThe open ones are [[examples open-source]].\n")
    expect(warnings(page)).to_have_count(1)
    expect(warnings(page).first).to_contain_text("Line 3")
    expect(warnings(page).first).to_contain_text("[[examples open-source]] is inside other text")
    expect(frame(page)).to_contain_text("The open ones are [[examples open-source]].")
    shot("misplaced-placeholder-warned")
    for scheme in ("dark", "light"):  # the warnings are readable in both
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page, {"list": ".select2-selection__rendered"})

    # The preview stands beside the text, as tall as the window allows.
    text_box, frame_box = textarea.bounding_box(), page.locator("iframe.desk-frame").bounding_box()
    assert frame_box["x"] >= text_box["x"] + text_box["width"]
    assert abs(frame_box["y"] - text_box["y"]) < 40
    assert 500 < text_box["height"] <= WIDE["height"]
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()

    # The warning's line button selects that line; the toolbar writes the block on its own.
    warnings(page).first.get_by_role("button", name="Line 3").click()
    expect(textarea).to_be_focused()
    assert textarea.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)") == (
        "The open ones are [[examples open-source]]."
    )
    page.keyboard.type("These are some of the open ones:")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="[[examples …]]").click()
    dialog = page.get_by_role("dialog", name="Insert the examples of…")
    expect(dialog).to_be_visible()
    dialog.get_by_label("A category or a published model").select_option("open-source")
    dialog.get_by_role("button", name="Insert").click()
    expect(textarea).to_have_value(
        "Open models are easy to try.\n\nThese are some of the open ones:\n\n"
        "[[examples open-source]]\n\n"
    )
    expect(warnings(page)).to_have_count(0)
    expect(page.locator(".desk-no-warnings")).to_be_visible()
    expect(frame(page).get_by_role("link", name="LLaMA 2")).to_be_visible()

    # A pasted image is uploaded; without alt text it is pointed at, until it has some.
    textarea.evaluate(PASTE_IMAGE, png_base64())
    expect(textarea).to_have_value(re.compile(r"!\[\]\(/media/uploads/[0-9a-f]{32}\.png\)$"))
    expect(warnings(page).first).to_contain_text("has no alt text")
    image_url = re.search(r"!\[\]\(([^)]+)\)$", textarea.input_value())[1]
    textarea.fill(textarea.input_value().replace("![](", "![A teal square](") + "\n\n")
    expect(warnings(page)).to_have_count(0)
    expect(frame(page).locator(f'img[src="{image_url}"][alt="A teal square"]')).to_be_visible()

    # Ctrl+K makes the selected words a link; the caret then sits on its address.
    textarea.press("Control+End")
    page.keyboard.type("Read about LLaMA 2 and its licence.")
    select_text(textarea, "LLaMA 2 and its licence")
    textarea.press("Control+k")
    page.keyboard.type("/models/llama-2/")
    expect(textarea).to_have_value(
        re.compile(re.escape("Read about [LLaMA 2 and its licence](/models/llama-2/).") + "$")
    )
    link = frame(page).get_by_role("link", name="LLaMA 2 and its licence")
    expect(link).to_have_attribute("href", "/models/llama-2/")
    expect(warnings(page)).to_have_count(0)
    shot("wide-light")
    page.emulate_media(color_scheme="dark")
    expect(page.get_by_role("radio", name="Dark")).to_be_checked()
    shot("wide-dark")
    assert_accessible(page, {"list": ".select2-selection__rendered"})

    # The cheat sheet is one click away, in a tab of its own.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Markdown cheat sheet").click()
    cheat_sheet = opened.value
    expect(cheat_sheet.get_by_role("heading", name="Markdown cheat sheet")).to_be_visible()
    expect(cheat_sheet.get_by_text("[[examples SLUG]]", exact=True)).to_be_visible()
    assert_accessible(cheat_sheet)
    cheat_sheet.close()

    # On a phone: Write and Preview tabs, one panel at a time.
    page.set_viewport_size(NARROW)
    written = textarea.input_value()
    textarea.fill(written + "\n\n#### Too deep\n")
    # The warnings are behind the Preview tab, which says how many there are.
    expect(page.get_by_role("tab", name="Preview (1 warning)")).to_be_visible()
    textarea.fill(written)
    expect(page.get_by_role("tab", name="Preview", exact=True)).to_be_visible()
    write_tab = page.get_by_role("tab", name="Write")
    preview_tab = page.get_by_role("tab", name="Preview")
    expect(write_tab).to_have_attribute("aria-selected", "true")
    expect(textarea).to_be_visible()
    assert textarea.bounding_box()["height"] > NARROW["height"] / 2  # not the admin's 120px
    expect(page.locator("iframe.desk-frame")).to_be_hidden()
    shot("narrow-dark-write")
    preview_tab.click()
    expect(preview_tab).to_have_attribute("aria-selected", "true")
    expect(textarea).to_be_hidden()
    expect(frame(page).get_by_role("link", name="LLaMA 2 and its licence")).to_be_visible()
    shot("narrow-dark-preview")
    page.emulate_media(color_scheme="light")
    page.get_by_role("radio", name="Light").check()
    shot("narrow-light-preview")
    assert_accessible(page, {"list": ".select2-selection__rendered"})
    preview_tab.press("ArrowLeft")
    expect(write_tab).to_be_focused()
    expect(textarea).to_be_visible()
    page.set_viewport_size(WIDE)

    # Published and saved from the top of the form, above the text.
    page.get_by_label("Status:").select_option(label="Published")
    top_buttons = page.locator(".submit-row").first
    assert top_buttons.bounding_box()["y"] < textarea.bounding_box()["y"]
    top_buttons.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="open-weights-in-practice")
    assert article.is_published

    # The published page's article body is the preview's.
    expect(frame(page).get_by_role("link", name="LLaMA 2 and its licence")).to_be_visible()
    preview_html = frame(page).inner_html()
    visitor = another_page()
    visitor.goto(site + article.get_absolute_url())
    assert visitor.locator("main .prose").inner_html() == preview_html
    expect(visitor.locator(f'main img[src="{image_url}"]')).to_be_visible()

    assert csp_violations(page) == []

    # Ctrl+S saves and stays; leaving with unsaved text asks first.
    textarea.press("Control+End")
    page.keyboard.type("\n\nOne more line.")
    page.keyboard.press("Control+s")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).body.endswith("One more line.")
    body(page).press("Control+End")
    page.keyboard.type(" Not saved yet.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.reload()
    assert asked == ["beforeunload"]

    assert csp_violations(page) == []


def test_the_preview_follows_the_paragraph_being_edited(page, site, problems):
    make_editor("ada")
    page.set_viewport_size(WIDE)
    log_in(page, site, "ada")
    page.goto(site + "/admin/kb/article/add/")
    paragraphs = [
        f"Paragraph {n} says something long enough to fill a line or two." for n in range(80)
    ]
    textarea = body(page)
    textarea.fill(
        "## The first section\n\n" + "\n\n".join(paragraphs) + "\n\n## The last section\n"
    )
    last = frame(page).get_by_role("heading", name="The last section")
    expect(last).to_have_count(1)
    frame_window = page.frame_locator("iframe.desk-frame").locator("html")

    def preview_scroll():
        return frame_window.evaluate("html => html.ownerDocument.defaultView.scrollY")

    textarea.press("Control+End")
    page.wait_for_function(
        "() => document.querySelector('iframe.desk-frame').contentWindow.scrollY > 0"
    )
    expect(last).to_be_in_viewport()

    # Scrolling the text back to its top takes the preview along.
    textarea.evaluate("t => { t.scrollTop = 0; }")
    page.wait_for_function(
        "() => document.querySelector('iframe.desk-frame').contentWindow.scrollY === 0"
    )
    assert preview_scroll() == 0

    # The caret in the middle: the preview shows that paragraph.
    select_text(textarea, "Paragraph 40 says")
    textarea.press("ArrowRight")
    expect(frame(page).get_by_text("Paragraph 40 says")).to_be_in_viewport()
    expect(frame(page).get_by_role("heading", name="The first section")).not_to_be_in_viewport()
