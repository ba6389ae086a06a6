"""Spelling help: the closest known word to a misspelled one.

Each engine proposes candidate words with how often they occur (SQLite: the words of its
vocabulary with the same first letter, with their document counts; PostgreSQL: the 30 words
nearest by ``pg_trgm`` trigram distance, counted once each); the choice is made here by edit
distance, the same for both: at most one edit for short words, two for longer ones, a swap of
neighbours counting as one edit. Ties go to the more frequent word, then to the
alphabetically first.
"""


def edit_distance(a, b, limit):
    """Optimal string alignment distance between ``a`` and ``b``, or ``limit + 1`` if above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word):
    return 1 if len(word) <= 4 else 2


def closest(word, candidates):
    """The candidate closest to ``word`` within the allowed edits (``word`` itself if present).

    ``candidates`` maps each candidate word to how often it occurs.
    """
    limit = allowed_edits(word)
    scored = [
        (distance, -frequency, candidate)
        for candidate, frequency in candidates.items()
        if (distance := edit_distance(word, candidate, limit)) <= limit
    ]
    return min(scored)[2] if scored else None
