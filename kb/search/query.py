"""Visitor text to a search query: words, phrases and exclusions, never raw engine syntax.

Both engines get the same parse: every chunk separated by spaces is cut into words (letters and
digits); a chunk of several words (``gpt-4``, ``"open source"``) is a phrase; a leading ``-``
excludes a chunk; lone stop words are dropped, as PostgreSQL's English configuration drops them.
Each backend then quotes every word for its own syntax, so nothing a visitor types can reach
``MATCH`` or ``to_tsquery`` as an operator.
"""

import re
from dataclasses import dataclass, replace

from kb.catalogue.text import clean, fold

MAX_LENGTH = 200
MAX_PHRASES = 12
MIN_PREFIX = 2

WORD = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

# PostgreSQL's English stop words (its english.stop, from Snowball).
STOP_WORDS = frozenset({
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
    "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
    "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
    "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
    "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by", "for",
    "with", "about", "against", "between", "into", "through", "during", "before", "after",
    "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
    "again", "further", "then", "once", "here", "there", "when", "where", "why", "how", "all",
    "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
    "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don",
    "should", "now",
})  # fmt: skip


def words(text):
    return tuple(WORD.findall(fold(text)))


@dataclass(frozen=True)
class Phrase:
    """Words to find next to each other, as parsed (``words``) and as typed (``text``)."""

    words: tuple[str, ...]
    exclude: bool = False
    text: str = ""

    def __str__(self):
        text = " ".join(self.words)
        text = f'"{text}"' if len(self.words) > 1 else text
        return f"-{text}" if self.exclude else text


@dataclass(frozen=True)
class Query:
    """A parsed search: what to find (``positive``) and what to leave out (``negative``)."""

    phrases: tuple[Phrase, ...]
    key: str = ""

    @property
    def positive(self):
        return [p for p in self.phrases if not p.exclude]

    @property
    def negative(self):
        return [p for p in self.phrases if p.exclude]

    def __bool__(self):
        return bool(self.positive)

    def __str__(self):
        return " ".join(str(p) for p in self.phrases)

    @property
    def prefix_word(self):
        """The last word, if it may be unfinished: a lone word, long enough to expand."""
        last = self.phrases[-1] if self.phrases else None
        if last and not last.exclude and len(last.words) == 1 and len(last.words[0]) >= MIN_PREFIX:
            return last.words[0]
        return None

    def with_words(self, corrections):
        """The same query with some single words replaced (spelling suggestions)."""
        phrases = tuple(
            replace(p, words=(corrections[p.words[0]],), text=corrections[p.words[0]])
            if len(p.words) == 1 and p.words[0] in corrections
            else p
            for p in self.phrases
        )
        corrected = replace(self, phrases=phrases)
        return replace(corrected, key=fold(str(corrected)))


def parse(text):
    text = clean(text)[:MAX_LENGTH]
    phrases = []
    for match in CHUNK.finditer(text):
        quoted_minus, quoted, minus, bare = match.groups()
        typed = quoted if quoted is not None else bare
        found = words(typed)
        if not found or (len(found) == 1 and found[0] in STOP_WORDS):
            continue
        phrases.append(Phrase(found, exclude=bool(quoted_minus or minus), text=typed.strip()))
    if not any(not p.exclude for p in phrases):
        phrases = []
    return Query(tuple(phrases[:MAX_PHRASES]), key=fold(text.replace('"', " ")))
