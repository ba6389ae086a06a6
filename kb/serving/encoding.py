"""Which content codings a client takes, read from its Accept-Encoding header with q-values:
shared by the page cache (gzip pages) and the static files (whitenoise's compressed files)."""

from functools import lru_cache


@lru_cache(maxsize=64)  # browsers send few distinct values
def coding_qualities(accept_encoding):
    """An Accept-Encoding value's content codings (lowercased, ``*`` included) and their
    q-values (RFC 9110, section 12.5.3). A q-value that does not parse counts as 0: the plain
    body always does."""
    qualities = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            qualities.setdefault(coding.lower(), quality)
    return qualities


# Other names of a coding (RFC 9110, section 8.4.1.3).
CODING_ALIASES = {"gzip": ("x-gzip",)}


def accepts_coding(accept_encoding, coding):
    """Whether an Accept-Encoding value takes ``coding``: named, or matched by ``*``, with a
    q-value above 0 (``gzip;q=0`` refuses gzip, even beside ``*``)."""
    qualities = coding_qualities(accept_encoding)
    for name in (coding, *CODING_ALIASES.get(coding, ()), "*"):
        if name in qualities:
            return qualities[name] > 0
    return False
