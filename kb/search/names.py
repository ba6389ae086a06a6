"""Model names as people type them: letters and digits split or joined, punctuation optional.

A name is compared as its runs of letters and of digits: "GPT-4", "gpt4" and "GPT 4" are all
``gpt 4``; "Llama 3.1-405B" is ``llama 3 1 405 b``. Documents keep that form of every name of a
model (its own and any other the catalogue knows, see ``NAME_SOURCES``) in a column that is
searched but never quoted in a snippet, and the folded runs joined by spaces are the key that
ranks an exact name first (``name_key``).
"""

import re
from dataclasses import dataclass

from kb.catalogue.text import fold

WORD = re.compile(r"[^\W_]+")
NAME_PART = re.compile(r"\d+|[^\W\d_]+")


def words(text):
    """The words of ``text`` as the engines cut them: runs of letters and digits, folded."""
    return tuple(WORD.findall(fold(text)))


def name_parts(text):
    """The runs of letters and of digits of ``text``, folded: ``GPT-4o`` is gpt, 4, o."""
    return tuple(NAME_PART.findall(fold(text)))


def name_key(text):
    """The name as compared: its runs joined by spaces (``gpt 4`` for "GPT-4" and "gpt4")."""
    return " ".join(name_parts(text))


@dataclass(frozen=True)
class NameSource:
    """Where a model entry's names come from: ``names(entry)`` lists them; ``prefetch`` names
    the relations it reads, loaded with the entries it indexes."""

    names: object
    prefetch: tuple = ()


# The entry's own name and its aliases (the seed's "LLaMA 2" for "Llama 2"). Another source is
# one more item here, with the relation it reads as its prefetch, and a receiver that re-indexes
# the entry when one of its names changes (kb.search.signals).
NAME_SOURCES = [
    NameSource(names=lambda entry: [entry.name]),
    NameSource(
        names=lambda entry: [alias.name for alias in entry.aliases.all()], prefetch=("aliases",)
    ),
]


def names_of(entry):
    return [name for source in NAME_SOURCES for name in source.names(entry) if name]


def name_prefetches():
    return [relation for source in NAME_SOURCES for relation in source.prefetch]


def indexed_names(entry):
    """What the names column holds for ``entry``: each name as its runs of letters and digits,
    once. The name as written is in the title, but the engines' own parsers cut it their way
    (PostgreSQL reads "GPT-4" as ``gpt`` and ``-4``): this form is the same on both."""
    return " · ".join(form for form in dict.fromkeys(map(name_key, names_of(entry))) if form)
