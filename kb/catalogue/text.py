"""Text as the catalogue compares it: names looked up the way people type them."""

import unicodedata


def clean(text):
    """Text without control, format, surrogate or private-use characters (they become spaces)."""
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def fold(text):
    """Lower case without accents, whitespace collapsed: how names and titles are compared."""
    decomposed = unicodedata.normalize("NFKD", clean(text).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def sort_key(text):
    """The name as lists order it: folded, without the punctuation or spaces it starts with, so
    "(ensemble): AWD-LSTM-DOC" sorts under E and "“Quoted”" under Q. A name of punctuation only
    keeps it."""
    folded = fold(text)
    start = next((i for i, ch in enumerate(folded) if ch.isalnum()), 0)
    return folded[start:]
