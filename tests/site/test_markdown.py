"""The one rendering pipeline: sanitising, generated blocks, anchors."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from kb.catalogue.models import ModelEntry, Status
from kb.site.comparison import EXAMPLES_SHOWN, Changed
from kb.site.markdown import (
    ALLOWED_TAGS,
    render,
    render_document,
    render_inline,
    render_preview,
)
from tests.support.factories import (
    CategoryFactory,
    ComparisonCellFactory,
    ModelEntryFactory,
    OrganizationFactory,
    ProConFactory,
)
from tests.support.html import parse
from tests.support.text import visible_text


def elements(html):
    """(tag, attributes) of every element, in document order."""
    return [(element.tag, element.attrs) for element in parse(str(html)).iter()][1:]


def assert_harmless(html):
    """Only allowed tags, no event handlers or styles, links only to allowed places."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name, html)
            if name in ("href", "src"):
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), (tag, value, html)


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<a href='#' onmouseover='alert(1)'>hover</a>",
    "<div onclick=alert(1)>click</div>",
    "<p style='background:url(javascript:alert(1))'>styled</p>",
    "<style>body{display:none}</style>",
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action='https://evil.example'><input name=q><button>Go</button></form>",
    "<object data='https://evil.example/x.swf'></object><embed src='https://evil.example/x'>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href='https://evil.example/'>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<textarea><script>alert(1)</script></textarea>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='&#106;avascript:alert(1)'>entity</a>",
    "<a href='java&#x09;script:alert(1)'>tab</a>",
    "![pic](javascript:alert(1))",
    '[title](https://example.org "a\\" onmouseover=\\"alert(1)")',
    '<a href="https://example.org" onfocus=alert(1) autofocus>x</a>',
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("text", XSS)
def test_nothing_harmful_survives(db, text):
    for html in (render(text), render_preview(text), render_inline(text)):
        assert_harmless(html)
        assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>after", "<style>p{}</style>after", "<svg>x</svg>after"]
)
def test_dangerous_elements_go_with_their_content(db, text):
    assert visible_text(render(text)) == "after"


def test_ordinary_markdown_survives(db):
    html = render(
        "## Heading\n\n*em* **strong** `code` ~~no~~\n\n"
        "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n> quote\n\n1. one\n2. two\n\n"
        "```\nprint(1)\n```\n\nTerm\n:   Definition"
    )
    for markup in (
        '<h2 id="heading">Heading</h2>',
        "<em>em</em>",
        "<strong>strong</strong>",
        "<code>code</code>",
        "<td>1</td>",
        "<blockquote>",
        "<ol>",
        "<pre><code>print(1)\n</code></pre>",
        "<dd>Definition</dd>",
    ):
        assert markup in html


@pytest.mark.parametrize(
    ("href", "external"),
    [
        ("https://example.org/page", True),
        ("http://example.org/", True),
        ("//evil.example/", True),
        ("/models/llama-2/", False),
        ("#section", False),
        ("?page=2", False),
        ("other-article/", False),
    ],
)
def test_only_external_links_get_noopener_noreferrer(db, href, external):
    (tag, attrs), *_ = elements(render(f"[link]({href})"))[1:]
    assert tag == "a" and attrs["href"] == href
    assert attrs.get("rel") == ("noopener noreferrer" if external else None)


def test_a_link_to_a_refused_scheme_keeps_its_text_without_a_target(db):
    assert render("[click](javascript:alert(1)) and ![pic](data:text/html,x)") == (
        '<p><a>click</a> and <img alt="pic"></p>'
    )


def test_a_backslashed_path_counts_as_another_host(db):
    (_, attrs) = elements(render('<a href="/\\evil.example">x</a>'))[1]
    assert attrs["rel"] == "noopener noreferrer"


def test_images_load_only_from_this_site(db):
    html = render("![here](/media/uploads/a.png) ![there](https://tracker.example/pixel.gif)")
    images = [attrs for tag, attrs in elements(html) if tag == "img"]
    assert images == [{"alt": "here", "src": "/media/uploads/a.png"}, {"alt": "there"}]


# Generated blocks


@pytest.fixture
def world(db):
    """A category with two published entries and a draft, and pros and cons."""
    category = CategoryFactory(name="Open things", slug="open")
    maker = OrganizationFactory(name="Makers & Co")
    llama = ModelEntryFactory(name="Llama", slug="llama", category=category, organization=maker)
    ModelEntryFactory(name="Alpaca", slug="alpaca", category=category, organization=maker)
    ModelEntryFactory(name="Secret", slug="secret", category=category, status=Status.DRAFT)
    ProConFactory(category=category, kind="pro", text="Free <to> use", position=1)
    ProConFactory(category=category, kind="con", text="Needs skill", position=1)
    ProConFactory(category=None, entry=llama, kind="pro", text="Runs at home")
    ProConFactory(category=None, entry=llama, kind="con", text="Big download")
    return category


def items(html, css_class):
    """The visible text of each item of the first list with this class."""
    lists = parse(str(html)).find_all("ul")
    first = next(ul for ul in lists if ul.get("class", "").startswith(css_class))
    return [item.text for item in first.find_all("li")]


def test_examples_of_a_category_list_its_published_entries_with_their_makers(world):
    html = render("[[examples open]]")
    assert items(html, "block-examples") == ["Alpaca (Makers & Co)", "Llama (Makers & Co)"]
    assertInHTML('<a href="/models/llama/">Llama</a>', str(html))
    assert "Secret" not in html


def test_examples_of_a_large_category_name_the_first_and_link_to_the_rest(world):
    zed = OrganizationFactory(name="Zed Labs")
    for n in range(EXAMPLES_SHOWN):
        ModelEntryFactory(name=f"Zeta {n:02}", category=world, organization=zed)
    html = render("[[examples open]]")
    named = items(html, "block-examples")
    assert named[:2] == ["Alpaca (Makers & Co)", "Llama (Makers & Co)"]
    assert len(named) == EXAMPLES_SHOWN and named[-1] == f"Zeta {EXAMPLES_SHOWN - 3:02} (Zed Labs)"
    assertInHTML('<a href="/models/?category=open">and 2 more in the directory</a>', str(html))
    assert "and 2 more" not in render("[[examples llama]]")


def test_examples_of_a_category_name_featured_entries_first(world):
    zed = OrganizationFactory(name="Zed Labs")
    for n in range(EXAMPLES_SHOWN):
        ModelEntryFactory(name=f"Zeta {n:02}", category=world, organization=zed)
    ModelEntry.objects.filter(name__in=["Zeta 11", "Llama"]).update(featured=True)
    named = items(render("[[examples open]]"), "block-examples")
    assert named[:3] == ["Llama (Makers & Co)", "Zeta 11 (Zed Labs)", "Alpaca (Makers & Co)"]
    assert len(named) == EXAMPLES_SHOWN and named[-1] == f"Zeta {EXAMPLES_SHOWN - 4:02} (Zed Labs)"
    assertInHTML(
        '<a href="/models/?category=open">and 2 more in the directory</a>',
        str(render("[[examples open]]")),
    )


def test_examples_of_an_entry_is_that_entry(world):
    assert items(render("[[examples llama]]"), "block-examples") == ["Llama (Makers & Co)"]


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("[[pros open]]", ["Free <to> use"]),
        ("[[cons open]]", ["Needs skill"]),
        ("[[pros llama]]", ["Runs at home"]),
        ("[[cons llama]]", ["Big download"]),
    ],
)
def test_pros_and_cons_of_a_category_or_an_entry(world, placeholder, expected):
    assert items(render(placeholder), "block-points") == expected


def test_block_text_is_escaped(world):
    # Read back as text only if it was escaped: unescaped, <to> would be an element.
    assertInHTML("<li>Free &lt;to&gt; use</li>", str(render("[[pros open]]")))


def test_a_category_slug_wins_over_an_entry_with_the_same_slug(world):
    clash = ModelEntryFactory(name="Clash", slug="clash")
    ProConFactory(category=None, entry=clash, kind="pro", text="Entry pro")
    ProConFactory(category=CategoryFactory(slug="clash"), kind="pro", text="Category pro")
    assert items(render("[[pros clash]]"), "block-points") == ["Category pro"]


def test_comparison_block_embeds_the_comparison_table(world):
    ComparisonCellFactory(category=world, row__label="Access", text="Free")
    html = render("Before\n\n[[comparison]]\n\nAfter")
    assert parse(str(html)).find_all("table", class_="comparison")
    assertInHTML('<th scope="row">Access</th>', str(html))
    assert visible_text(html).startswith("Before") and visible_text(html).endswith("After")


def test_a_placeholder_line_inside_a_paragraph_is_taken_out_of_it(world):
    html = render("Intro line\n[[cons open]]\nClosing line")
    assert html.index("<p>Intro line</p>") < html.index("Needs skill") < html.index("Closing")


@pytest.mark.parametrize(
    "text",
    [
        "```\n[[pros open]]\n```",
        "~~~\n[[pros open]]\n~~~",
        "    [[pros open]]",
        "`[[pros open]]`",
        "Text with [[pros open]] inside a sentence.",
        "&#91;&#91;pros open&#93;&#93;",
        "&lsqb;&lsqb;pros open&rsqb;&rsqb;",
        "\\[\\[pros open\\]\\]",
        "<div>\n[[pros open]]\n</div>",
        "## [[pros open]]",
        "| a |\n| --- |\n| [[pros open]] |",
    ],
)
def test_placeholders_in_code_or_not_on_their_own_line_stay_text(world, text):
    for html in (render(text), render_preview(text)):
        assert "Free &lt;to&gt; use" not in html
        assert "block-warning" not in html
        assert "[[pros open]]" in visible_text(html)


BROKEN = [
    ("[[nonsense]]", "There is no such block"),
    ("[[examples]]", "needs one slug"),
    ("[[pros open extra]]", "needs one slug"),
    ("[[comparison please]]", "takes nothing after its name"),
    ("[[examples nowhere]]", 'No category or published model entry has the slug "nowhere"'),
    ("[[pros secret]]", 'No category or published model entry has the slug "secret"'),
    ("[[cons alpaca]]", "Alpaca has no cons yet"),
    ("[[]]", "There is no such block"),
]


@pytest.mark.parametrize(("placeholder", "reason"), BROKEN)
def test_a_broken_placeholder_warns_in_the_preview(world, placeholder, reason):
    html = render_preview(f"Before\n\n{placeholder}\n\nAfter")
    warning = visible_text(html)
    assert f"⚠ {placeholder} is not shown: " in warning
    assert reason in warning
    assert "Visitors see nothing here." in warning


@pytest.mark.parametrize(("placeholder", "reason"), BROKEN)
def test_a_broken_placeholder_leaves_nothing_on_the_public_page(world, placeholder, reason):
    html = render(f"Before\n\n{placeholder}\n\nAfter")
    assert html == "<p>Before</p>\n\n<p>After</p>"


def test_warnings_are_escaped(world):
    html = render_preview("[[examples <img src=x onerror=alert(1)>]]")
    assert_harmless(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_editor_preview_runs_the_same_pipeline(editor_client, world):
    url = reverse("markdownx_markdownify")
    response = editor_client.post(url, {"content": "[[pros open]]\n\n[[pros nowhere]]"})
    html = response.content.decode()
    assert "Free &lt;to&gt; use" in html
    assert "⚠ [[pros nowhere]] is not shown" in html


def test_what_a_document_shows_is_reported(world):
    rendered = render_document("[[examples open]]\n\n[[pros llama]]")
    shown = {(type(row).__name__, str(row)) for row in rendered.shown}
    assert ("Category", "Open things") in shown
    assert ("ModelEntry", "Llama") in shown
    # The category's entries, named or not, by the date of the latest change to one of them.
    latest = max(entry.updated_at for entry in ModelEntry.objects.published())
    assert Changed(latest) in rendered.shown
    assert ("Organization", "Makers & Co") in shown
    assert ("ProCon", "Runs at home") in shown
    assert ("ModelEntry", "Secret") not in shown


def test_blocks_follow_the_data(world):
    assert "Needs skill" in render("[[cons open]]")
    world.pros_cons.filter(kind="con").update(text="Needs patience")
    ModelEntryFactory(name="Newcomer", category=world)
    assert "Needs patience" in render("[[cons open]]")
    assert "Newcomer" in render("[[examples open]]")


def test_cell_text_is_inline_and_never_expands_blocks(world):
    assert render_inline("**Free** / open") == "<strong>Free</strong> / open"
    assert render_inline("[[comparison]]") == ""
    assert render_inline("One\n\nTwo") == "<p>One</p>\n<p>Two</p>"


# Anchors and the table of contents


def test_headings_get_stable_unique_anchors(db):
    text = "## Open models\n\n### Why\n\n## Open models\n\n## 🔒 Closed?\n\n## Main"
    first, second = render_document(text), render_document(text)
    assert first.html == second.html
    ids = [attrs.get("id") for tag, attrs in elements(first.html) if tag in ("h2", "h3")]
    assert ids == ["open-models", "why", "open-models_1", "closed", "main-section"]


def test_the_table_of_contents_lists_the_headings_with_their_anchors(db):
    toc = render_document("## First & best\n\n### Inner\n\n## Second\n\n##### Too deep").toc
    assert [(h.id, h.title, h.level) for h in toc] == [
        ("first-best", "First & best", 2),
        ("second", "Second", 2),
    ]
    assert [(h.id, h.title) for h in toc[0].children] == [("inner", "Inner")]


def test_raw_html_cannot_take_the_pages_own_ids(db):
    html = render('<h2 id="main">Hijack</h2>\n\nx<sup id="main">1</sup>')
    assert parse(str(html)).find_all(id="main") == []


def test_footnotes_keep_their_anchors(db):
    html = render("Claim[^1]\n\n[^1]: Source.")
    assertInHTML('<sup id="fnref:1"><a href="#fn:1">1</a></sup>', str(html))
    assert {"id": "fn:1"} in [item.attrs for item in parse(str(html)).find_all("li")]
