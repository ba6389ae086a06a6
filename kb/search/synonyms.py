"""Words as people spell them: British and American spellings, and the synonyms editors keep.

A query word (or a run of words, "open source") that has other spellings or synonyms is looked
for in any of them (see ``kb.search.query``). British and American spellings come from a small
built-in list of word stems (``licence``/``license`` covers "licences" and "licensed");
synonyms from the ``Synonym`` rows editors maintain in the admin.

Each process keeps the synonyms for ``KEEP_SECONDS``, so a search costs no query for them (the
shared cache is the database's when there is no Redis: a query too). A change is seen at once
by the process that made it and within ``KEEP_SECONDS`` by the others.
"""

import time

from .names import words

# Stems spelled one way in British English and another in American English. A word starting
# with one stem is also looked for with the other: "customisation" and "customization".
SPELLINGS = [
    ("licence", "license"),
    ("customis", "customiz"),
    ("organis", "organiz"),
    ("optimis", "optimiz"),
    ("recognis", "recogniz"),
    ("summaris", "summariz"),
    ("tokenis", "tokeniz"),
    ("normalis", "normaliz"),
    ("generalis", "generaliz"),
    ("specialis", "specializ"),
    ("visualis", "visualiz"),
    ("quantis", "quantiz"),
    ("standardis", "standardiz"),
    ("authoris", "authoriz"),
    ("categoris", "categoriz"),
    ("utilis", "utiliz"),
    ("analys", "analyz"),
    ("catalogue", "catalog"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("favour", "favor"),
    ("labour", "labor"),
    ("centre", "center"),
    ("centres", "centers"),
    ("colours", "colors"),
    ("modelling", "modeling"),
    ("modelled", "modeled"),
    ("labelled", "labeled"),
    ("labelling", "labeling"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("grey", "gray"),
]
KEEP_SECONDS = 60
_kept = (0.0, {})  # until when (monotonic seconds), the table


def spellings(word):
    """The other spellings of one folded word (none for most words)."""
    found = []
    for british, american in SPELLINGS:
        for stem, other in ((british, american), (american, british)):
            # The whole stem, and a longer word only where the stem is long enough not to be the
            # start of unrelated words ("color" is in "colorado"); never the longer stem again
            # ("catalogue" starts with "catalog").
            if word == stem or (
                len(stem) >= 7 and word.startswith(stem) and not word.startswith(other)
            ):
                found.append(other + word[len(stem) :])
    return [w for w in dict.fromkeys(found) if w != word]


def terms(text):
    """The words of each term of a synonym row: one term a line or between commas."""
    found = (words(part) for line in text.splitlines() for part in line.split(","))
    return list(dict.fromkeys(term for term in found if term))


def load():
    """Each term of every synonym row (a tuple of folded words) mapped to the row's terms."""
    from .models import Synonym

    table = {}
    for text in Synonym.objects.values_list("terms", flat=True):
        group = terms(text)
        for term in group:
            table.setdefault(term, [])
            table[term] += [other for other in group if other not in table[term]]
    return table


def table():
    """The synonyms, as this process keeps them (read again every ``KEEP_SECONDS``)."""
    global _kept
    until, kept = _kept
    if time.monotonic() >= until:
        kept = load()
        _kept = (time.monotonic() + KEEP_SECONDS, kept)
    return kept


def forget():
    """Read the synonyms again at the next search."""
    global _kept
    _kept = (0.0, {})
