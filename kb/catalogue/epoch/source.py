"""Reading Epoch AI's CSV from a file or an http(s) URL: UTF-8 text with a header row that names
at least the columns the import needs. Anything else is refused with a message saying why,
before anything is written."""

import csv
import io
import urllib.error
import urllib.request
from urllib.parse import urlsplit

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 30
REQUIRED_COLUMNS = ("Model",)


class SourceError(Exception):
    """The file or URL cannot be imported; the message says why, for a person to read."""


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects on the same host only: a URL that sends the import elsewhere is
    refused rather than followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:
            raise SourceError(f"{req.full_url} redirects to another host ({newurl}); not followed.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def read_limited(stream, name, limit=MAX_BYTES):
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(f"{name} is larger than {limit // (1024 * 1024)} MB; not imported.")
    return data


def fetch(url, limit=MAX_BYTES, timeout=TIMEOUT_SECONDS):
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https URLs are fetched.")
    opener = urllib.request.build_opener(SameHostRedirects)
    try:
        with opener.open(url, timeout=timeout) as response:
            return read_limited(response, url, limit)
    except urllib.error.HTTPError as error:
        raise SourceError(
            f"{url} answered {error.code} {error.reason}; nothing imported."
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(f"{url} could not be read ({reason}); nothing imported.") from None


def read_path(path, limit=MAX_BYTES):
    try:
        with open(path, "rb") as handle:
            return read_limited(handle, str(path), limit)
    except OSError as error:
        raise SourceError(f"{path} could not be read ({error.strerror}).") from None


def read_source(source, limit=MAX_BYTES):
    """The bytes of ``source``, a path or an http(s) URL."""
    if str(source).lower().startswith(("http://", "https://")):
        return fetch(str(source), limit)
    return read_path(source, limit)


def parse(data, name="The file"):
    """``(columns, rows)`` of a CSV: rows as dicts keyed by column name, numbered from 2 (the
    line of the header is 1, as a spreadsheet numbers them; a row with newlines in a cell still
    counts as one)."""
    if not data.strip():
        raise SourceError(f"{name} is empty.")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name} is not a CSV file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{name} is not UTF-8 text (byte {error.start + 1} is not UTF-8); save it as UTF-8."
        ) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, [])
        columns = [column.strip() for column in header]
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            names = ", ".join(f"“{column}”" for column in missing)
            raise SourceError(
                f"{name} is not Epoch AI's models CSV: it has no column {names} "
                f"(its header row reads: {', '.join(columns[:8]) or 'nothing'})."
            )
        rows = [dict(zip(columns, values, strict=False)) for values in reader]
    except csv.Error as error:
        raise SourceError(f"{name} is not a readable CSV file ({error}).") from None
    if not rows:
        raise SourceError(f"{name} has a header row and no models.")
    return columns, rows
