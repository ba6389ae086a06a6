"""Visitor text to a search query: words, phrases and exclusions, never raw engine syntax.

Both engines get the same parse: every chunk separated by spaces is cut into words (letters and
digits); a chunk of several words (``gpt-4``, ``"open source"``) is a phrase; a leading ``-``
excludes a chunk; lone stop words are dropped, as PostgreSQL's English configuration drops them.

What must match (``Query.terms``) is each chunk in any of its forms (``Term``): as typed; with
letters and digits split (``gpt4`` is also ``gpt 4``, ``405b`` also ``405 b``); in its other
spellings (``licence``, ``license``) and its synonyms (``Synonym``, which may span chunks:
``open source``). A number typed after a word is part of that word's name (``llama 3`` is a
phrase), so it is not found inside another number ("7.3-billion").

Each backend then quotes every word for its own syntax, so nothing a visitor types can reach
``MATCH`` or ``to_tsquery`` as an operator.
"""

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from kb.catalogue.text import clean

from .names import name_key, name_parts, words
from .synonyms import spellings

MAX_LENGTH = 200
MAX_PHRASES = 12
MIN_PREFIX = 2

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
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


@dataclass(frozen=True)
class Phrase:
    """Words to find next to each other, as parsed (``words``) and as typed (``text``)."""

    words: tuple[str, ...]
    exclude: bool = False
    text: str = ""
    quoted: bool = False

    @property
    def number(self):
        """A version or size typed on its own: ``3``, ``3.1``."""
        return not self.quoted and NUMBER.fullmatch(self.text) is not None

    def __str__(self):
        text = " ".join(self.words)
        text = f'"{text}"' if len(self.words) > 1 else text
        return f"-{text}" if self.exclude else text


@dataclass(frozen=True)
class Form:
    """One way a term may be found: words next to each other, and the text PostgreSQL parses
    for them (as typed where possible: its parser cuts "GPT-4" its own way, as in documents)."""

    words: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Term:
    """Something that must match, in any of its forms."""

    forms: tuple[Form, ...]

    def then(self, phrase):
        """This term followed by ``phrase`` (a number: ``llama`` then ``3``)."""
        forms = [Form(f.words + phrase.words, f"{f.text} {phrase.text}") for f in self.forms]
        return Term(tuple(dict.fromkeys([*forms, *name_forms(self.forms[0].words + phrase.words)])))


def name_forms(words):
    """Words spaced and hyphenated: the same to SQLite, but PostgreSQL cuts "gpt-4" (as in a
    document's "GPT-4") otherwise than "gpt 4", and "stable-diffusion" than "stable diffusion"."""
    return [Form(words, " ".join(words)), Form(words, "-".join(words))] if len(words) > 1 else []


def dotless_versions(parts):
    """Name parts with each two-digit run that follows letters read as a version without its
    dot (``gpt35`` is also GPT-3.5: gpt, 3, 5), or None if there is none."""
    split, found = [], False
    for n, part in enumerate(parts):
        if len(part) == 2 and part.isdigit() and n and not parts[n - 1].isdigit():
            split += list(part)
            found = True
        else:
            split.append(part)
    return tuple(split) if found else None


def forms_of(phrase):
    """A chunk as typed, with letters and digits split, with a version typed without its dot
    (only where letters and digits are joined: ``gpt35``, never ``35``), and in its other
    spellings."""
    found = [Form(phrase.words, phrase.text)]
    parts = name_parts(phrase.text)
    joined = len(parts) > len(phrase.words)
    versions = dotless_versions(parts) if joined else None
    for spelled in dict.fromkeys(filter(None, [phrase.words, parts, versions])):
        found += name_forms(spelled)
    if len(phrase.words) == 1:
        found += [Form((other,), other) for other in spellings(phrase.words[0])]
    return found


def synonym_run(phrases, start, synonyms):
    """The longest run of phrases from ``start`` whose words are a synonym (quoted phrases stand
    alone), with its length; else None, 0."""
    for stop in range(len(phrases), start, -1):
        run = phrases[start:stop]
        if stop - start > 1 and any(p.quoted for p in run):
            continue
        joined = tuple(word for p in run for word in p.words)
        if joined in synonyms:
            return joined, stop - start
    return None, 0


def build_terms(phrases, synonyms):
    terms, start = [], 0
    while start < len(phrases):
        phrase = phrases[start]
        joined, length = synonym_run(phrases, start, synonyms)
        if joined:
            run = phrases[start : start + length]
            typed = (
                forms_of(phrase) if length == 1 else [Form(joined, " ".join(p.text for p in run))]
            )
            forms = [*typed, *(Form(words, " ".join(words)) for words in synonyms[joined])]
            terms.append(Term(tuple(dict.fromkeys(forms))))
            start += length
            continue
        if phrase.number and terms and start > 0 and not phrases[start - 1].quoted:
            terms[-1] = terms[-1].then(phrase)
        else:
            terms.append(Term(tuple(dict.fromkeys(forms_of(phrase)))))
        start += 1
    return tuple(terms)


@dataclass(frozen=True)
class Query:
    """A parsed search: what to find (``positive``, found as ``terms``) and what to leave out
    (``negative``); ``text``, the query as typed."""

    phrases: tuple[Phrase, ...]
    key: str = ""
    text: str = ""
    synonyms: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def terms(self):
        return build_terms(self.positive, self.synonyms)

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
        return replace(corrected, key=key(phrases), text=" ".join(map(typed, phrases)))


def typed(phrase):
    text = f'"{phrase.text}"' if phrase.quoted else phrase.text
    return f"-{text}" if phrase.exclude else text


def key(phrases):
    """What an exact name would be: the positive chunks as a name (see ``names.name_key``)."""
    return name_key(" ".join(p.text for p in phrases if not p.exclude))


def parse(text, synonyms=None):
    """``text`` as a query; ``synonyms`` maps a term's words to its synonyms' (``synonyms``)."""
    text = clean(text)[:MAX_LENGTH]
    phrases = []
    for match in CHUNK.finditer(text):
        quoted_minus, quoted, minus, bare = match.groups()
        typed = quoted if quoted is not None else bare
        found = words(typed)
        if not found or (len(found) == 1 and found[0] in STOP_WORDS):
            continue
        exclude = bool(quoted_minus or minus)
        phrases.append(Phrase(found, exclude, typed.strip(), quoted is not None))
    if not any(not p.exclude for p in phrases):
        phrases = []
    phrases = tuple(phrases[:MAX_PHRASES])
    return Query(phrases, key=key(phrases), text=" ".join(text.split()), synonyms=synonyms or {})
