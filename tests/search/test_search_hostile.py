"""Bad input never breaks search: every string below gets a normal page or fragment, never a 500.

Each goes through the URL as a browser would send it (so a NUL arrives as %00 and a lone
surrogate as the bytes of one) and, for what HTTP cannot carry, straight to the search code.
"""

import pytest

from kb.search import engine
from kb.search.query import MAX_LENGTH, parse
from tests.support.search_pages import search_url, suggest_url

pytestmark = pytest.mark.django_db

HOSTILE = [
    # FTS5 syntax: quotes, operators, column filters, prefixes, grouping.
    '"', '""', '"""', '"mistral', 'mistral"', '"mistral"*', "'", "''", "*", "**", "*mis",
    "mis*", "m*", "-", "--", "-mistral", "mistral -", "- -", ":", "::", "title:mistral",
    "{title}: mistral", "{title body}:x", "mistral:", "^", "^mistral", "(", ")", "(mistral",
    "mistral)", "()", "NEAR", "NEAR(mistral mixtral)", "mistral NEAR mixtral", "NEAR/2",
    "AND", "OR", "NOT", "mistral AND", "OR mixtral", "NOT NOT", "mistral OR OR mixtral",
    "AND OR NOT NEAR", "+", "+mistral", "mistral+mixtral", "[", "]", "{", "}", "{}",
    # PostgreSQL tsquery syntax.
    "!", "!mistral", "&", "|", "mistral|mixtral", "mistral & mixtral", "<->", "a <-> b",
    "<2>", "mistral:*", "'mistral':*", "mistral:A", "a::b", "!!", "(a | b) & !c",
    # SQL fragments.
    "'; DROP TABLE kb_modelentry; --", '" OR 1=1 --', "1' OR '1'='1", "UNION SELECT * FROM auth_user",
    "%", "_", "%%", "%_%", "\\", "\\\\", "\\'", '\\"', "$$", "$1", ";", "/* x */", "--x",
    # Control characters, NUL and the highlight markers.
    "\x00", "mis\x00tral", "\x00\x00", "\t", "\n", "\r\n", "\x1b[31m", "\x7f", "\ue000",
    "\ue001mistral\ue000", "\ufeff", "\uffff", "\U0010ffff", "\u200b", "\u200bmistral",
    # Lone surrogates (a browser sends their bytes; the code must also take the characters).
    "\ud800", "\udfff", "\ud83d", "mis\udc00tral",
    # Right-to-left text, other scripts, combining marks.
    "مرحبا", "نموذج مفتوح", "שלום עולם", "\u202emistral", "\u200fmistral", "\u202a\u202b",
    "开源模型", "モデル", "모델", "मॉडल", "μοντέλο", "модель", "e\u0301", "\u0301", "ﬁne",
    "ℌ𝔢𝔩𝔩𝔬", "Ⅻ", "ǅ",
    # Emoji, alone and in sequences.
    "🤖", "👩\u200d💻", "🏳️\u200d🌈", "🔓 open", "🔒", "mistral 🔥", "🇫🇷",
    # Markup and URLs.
    "<script>alert(1)</script>", "<mark>", "</mark>", "&amp;", "&lt;", "&#0;", "[[comparison]]",
    "javascript:alert(1)", "https://example.org/?q=1&x=2", "a/b", "//", "?", "#", "@", "=", "~",
    "`", "``", "C++", "C#", "don't", "multi-agent", "foo:bar", "a.b", ".", "...", "8x7b",
    # Numbers and words programs confuse.
    "0", "-1", "1e308", "NaN", "null", "None", "undefined", "true", "the", "a an the",
    # Sizes: long words, many words, the 10,000-character query.
    "a" * 300, "mistral " * 2000, "x" * MAX_LENGTH, "x" * (MAX_LENGTH + 1), "a" * 10_000,
    '"' * 500, "-" * 500, "OR " * 500, " ".join(f'"w{n}"' for n in range(300)),
    " ".join(f"-w{n}" for n in range(50)) + " mistral",
]  # fmt: skip


def test_there_are_more_than_a_hundred_hostile_strings():
    assert len(set(HOSTILE)) > 100


def failures(client, url_for):
    """The strings whose page answered a server error (or another status than expected)."""
    failed = []
    for text in HOSTILE:
        response = client.get(url_for(text))
        expected = 400 if "\x00" in text else 200  # a form refuses NUL with a message
        if response.status_code != expected:
            failed.append((text[:40], response.status_code))
    return failed


def test_the_search_page_answers_every_hostile_string(client, seed):
    assert failures(client, search_url) == []


def test_the_suggestions_answer_every_hostile_string(client, seed):
    assert failures(client, suggest_url) == []


@pytest.mark.parametrize("filters", [{}, {"type": "model", "category": "open-source"}])
def test_the_search_code_takes_every_hostile_string(seed, filters):
    for text in HOSTILE:
        results = engine.search(text, filters=filters)
        assert results.total >= 0
        engine.suggest(text)


def test_a_nul_gets_a_clear_message(client, seed):
    response = client.get(search_url("mis\x00tral"))
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_engine_syntax_is_searched_as_words(client, seed):
    phrases = parse("NEAR(mistral mixtral)").positive
    assert [p.words for p in phrases] == [("near", "mistral"), ("mixtral",)]
    assert engine.search("mistral OR").query.phrases[0].words == ("mistral",)
    assert engine.search("(mistral)").total == engine.search("mistral").total > 0
    assert engine.search('"mistral"*').total == engine.search("mistral").total


def test_queries_are_trimmed_to_a_sane_length():
    assert len(str(parse("word " * 10_000))) < MAX_LENGTH
