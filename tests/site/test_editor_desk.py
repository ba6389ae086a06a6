"""The editor's desk: the warnings beside the preview, the preview's own document, the list of
slugs for [[examples SLUG]], the cheat sheet, and the form's buttons at the top."""

import pytest
from django.urls import reverse

from kb.catalogue.models import Status
from kb.site.blocks import BLOCKS
from kb.site.proofreading import proofread
from tests.support.factories import (
    ArticleFactory,
    CategoryFactory,
    ModelEntryFactory,
    OrganizationFactory,
)
from tests.support.html import inline_code, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    category = CategoryFactory(slug="open-source")
    ModelEntryFactory(slug="llama-2", category=category)
    ModelEntryFactory(slug="secret", category=category, status=Status.DRAFT)
    OrganizationFactory(slug="meta")
    ArticleFactory(slug="published-article")
    ArticleFactory(slug="draft-article", status=Status.DRAFT)
    return category


def warnings(text):
    return [(note.line, note.message) for note in proofread(text).warnings]


def lines(text):
    return [line for line, _ in warnings(text)]


class TestPlaceholders:
    def test_one_inside_a_sentence_is_pointed_at(self, world):
        text = "Intro.\n\nThe open models\nare in [[examples open-source]] and more.\n"
        [(line, message)] = warnings(text)
        assert line == 4
        assert "[[examples open-source]] is inside other text" in message
        assert "only on a line of its own" in message

    @pytest.mark.parametrize(
        "text",
        [
            "[[examples open-source]]\n",
            "Text.\n[[comparison]]\n",
            "- [[examples open-source]]\n",
            "Write `[[comparison]]` on a line.\n",
            "```\nsee [[comparison]] here\n```\n",
        ],
    )
    def test_on_its_own_line_or_in_code_it_is_not(self, world, text):
        assert warnings(text) == []

    def test_in_a_table_cell_or_heading_it_is(self, world):
        text = "## The [[comparison]]\n\n| a |\n| - |\n| [[comparison]] |\n"
        assert lines(text) == [1, 5]

    @pytest.mark.parametrize(
        ("placeholder", "reason"),
        [
            ("[[examples nowhere]]", 'No category or published model entry has the slug "nowhere"'),
            ("[[examples secret]]", 'No category or published model entry has the slug "secret"'),
            ("[[exampels open-source]]", "There is no such block"),
            ("[[examples]]", "needs one slug"),
        ],
    )
    def test_one_that_cannot_be_filled_is_pointed_at(self, world, placeholder, reason):
        [(line, message)] = warnings(f"Intro.\n\n{placeholder}\n")
        assert line == 3
        assert message.startswith(f"{placeholder} is not shown:")
        assert reason in message


class TestLinks:
    @pytest.mark.parametrize(
        "href",
        [
            "/models/llama-2/",
            "/models/llama-2/#licence",
            "/models/llama-2",
            "/categories/open-source/",
            "/organizations/meta/",
            "/articles/published-article/",
            "/models/?category=open-source",
            "/compare/",
            "https://example.com/nowhere/",
            "#a-section",
        ],
    )
    def test_to_pages_that_exist_or_elsewhere_say_nothing(self, world, href):
        assert warnings(f"See [it]({href}).\n") == []

    @pytest.mark.parametrize(
        ("href", "says"),
        [
            ("/no-such-page/", "a page the site does not have"),
            ("/models/no-such-model/", "a page visitors cannot see"),
            ("/models/no-such-model", "a page visitors cannot see"),
            ("/models/secret/", "a page visitors cannot see"),
            ("/articles/draft-article/", "a page visitors cannot see"),
            ("/categories/nope/", "a page visitors cannot see"),
        ],
    )
    def test_to_missing_pages_are_pointed_at(self, world, href, says):
        [(line, message)] = warnings(f"One.\n\nTwo lines,\nsee [it]({href}).\n")
        assert line == 4
        assert f"The link to {href} goes to {says}" in message

    def test_are_checked_in_one_query_per_kind_of_page(self, world, django_assert_num_queries):
        text = "\n".join(f"[m{n}](/models/m-{n}/) [c{n}](/categories/c-{n}/)" for n in range(20))
        with django_assert_num_queries(2):
            assert len(warnings(text)) == 40


def test_an_image_without_alt_text_is_pointed_at(world):
    text = "Text.\n\n![](/media/uploads/a.png)\n\n![A chart](/media/uploads/b.png)\n"
    [(line, message)] = warnings(text)
    assert line == 3
    assert "The image /media/uploads/a.png has no alt text" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## A\n\n### B\n\n## C\n\n#### D\n", [7]),
        ("### Too deep to start\n", [1]),
        ("## A\n\n### B\n\n#### C\n\n## D\n", []),
    ],
)
def test_a_skipped_heading_level_is_pointed_at(world, text, expected):
    assert lines(text) == expected


def test_headings_follow_the_page_heading_the_text_sits_under(world):
    assert proofread("### About its licence\n", under=2).warnings == ()
    [note] = proofread("#### Too deep\n", under=2).warnings
    assert "level 4 after level 2: use level 3" in note.message


def test_the_blocks_start_lines_follow_the_text():
    text = "# Title\n\nA paragraph\nof two lines.\n\n[[comparison]]\n\n- a\n- b\n\n```\ncode\n```\n"
    assert proofread(text).blocks == (1, 3, 6, 8, 11)


class TestProofreadView:
    url = reverse("markdown_proofread")

    def test_answers_the_warnings_and_blocks_as_json(self, editor_client, world):
        text = "Text with [[comparison]] inside.\n\n#### Deep\n"
        response = editor_client.post(self.url, {"content": text})
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        data = response.json()
        assert [w["line"] for w in data["warnings"]] == [1, 3]
        assert "[[comparison]] is inside other text" in data["warnings"][0]["message"]
        assert data["blocks"] == [1, 3]

    @pytest.mark.parametrize("repeats", [1, 20])
    def test_costs_a_fixed_number_of_queries(
        self, editor_client, world, django_assert_num_queries, repeats
    ):
        text = "[a](/models/x/)\n\n[[examples open-source]]\n\n[[pros llama-2]]\n" * repeats
        # The editor's session and permissions, the linked pages and the placeholders' data:
        # the same for one paragraph of each or twenty.
        with django_assert_num_queries(10):
            editor_client.post(self.url, {"content": text})

    def test_headings_are_read_under_the_level_asked_for(self, editor_client):
        text = "### Licence\n"
        assert editor_client.post(self.url, {"content": text}).json()["warnings"]
        assert not editor_client.post(self.url, {"content": text, "under": "2"}).json()["warnings"]

    @pytest.mark.parametrize("under", ["0", "6", "two", ""])
    def test_a_bad_heading_level_is_refused(self, editor_client, under):
        response = editor_client.post(self.url, {"content": "x", "under": under})
        assert response.status_code == 400
        assert "heading level" in response.json()["under"][0]

    def test_without_text_there_is_nothing_to_say(self, editor_client):
        response = editor_client.post(self.url)
        assert response.json() == {"warnings": [], "blocks": []}

    def test_a_text_too_long_gets_the_reason_not_an_error(self, editor_client, settings):
        settings.KB_MARKDOWN_MAX_LENGTH = 10
        response = editor_client.post(self.url, {"content": "x" * 11})
        assert response.status_code == 200
        [warning] = response.json()["warnings"]
        assert "11" in warning["message"]

    def test_answers_editors_only(self, client, admin_user):
        assert client.post(self.url, {"content": "x"}).status_code == 403
        client.force_login(admin_user)
        assert client.get(self.url).status_code == 405


class TestPreviewFrame:
    url = reverse("markdown_preview_frame")

    def test_is_the_public_pages_frame_and_stylesheet(self, editor_client):
        response = editor_client.get(self.url)
        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("link", rel="stylesheet")["href"].endswith("css/site.css")
        assert page.find("main").find("article", class_="article").find("div", class_="prose")
        assert inline_code(response.content.decode()) == []

    def test_only_the_site_itself_may_frame_it(self, editor_client):
        response = editor_client.get(self.url)
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        # Every other page still refuses to be framed at all.
        other = editor_client.get(reverse("admin:index"))
        assert other["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"]

    def test_answers_editors_only(self, client):
        assert client.get(self.url).status_code == 403


def test_the_slugs_list_categories_then_published_entries(editor_client, world):
    response = editor_client.get(reverse("markdown_slugs"))
    data = response.json()
    assert [c["slug"] for c in data["categories"]] == ["open-source"]
    assert "llama-2" in [e["slug"] for e in data["entries"]]
    assert "secret" not in [e["slug"] for e in data["entries"]]


def test_the_cheat_sheet_names_every_block(editor_client):
    response = editor_client.get(reverse("markdown_cheat_sheet"))
    codes = [code.text for code in parse(response.content).find_all("code")]
    page = parse(response.content)
    for found in BLOCKS.values():
        assert found.usage in codes
        assert found.shows
        row = next(tr for tr in page.find_all("tr") if found.usage in tr.text)
        assert found.shows in row.text
    assert inline_code(response.content.decode()) == []


def test_the_article_form_has_its_buttons_at_the_top_too(editor_client):
    article = ArticleFactory()
    response = editor_client.get(reverse("admin:kb_article_change", args=[article.pk]))
    page = parse(response.content)
    assert len(page.find_all("input", name="_continue")) == 2
    assert len(page.find_all("input", name="_save")) == 2
    desk = page.find("div", class_="markdownx editor-desk")
    assert desk["data-proofread-url"] == reverse("markdown_proofread")
    toolbar = desk.find("div", role="toolbar")
    actions = [button["data-action"] for button in toolbar.find_all("button")]
    expected = {"heading", "bold", "italic", "link", "bullets", "numbers", "comparison", "examples"}
    assert expected <= set(actions)
    assert desk.find("a", class_="desk-cheat-sheet")["href"] == reverse("markdown_cheat_sheet")
    assert desk.find("h2", class_="desk-preview-title").text == "Preview"
    assert desk["data-heading-under"] == "1"


def test_a_models_description_is_read_under_its_about_heading(editor_client, world):
    entry = ModelEntryFactory()
    response = editor_client.get(reverse("admin:kb_modelentry_change", args=[entry.pk]))
    desk = parse(response.content).find("div", class_="markdownx editor-desk")
    assert desk["data-heading-under"] == "2"
