"""CSV cells a spreadsheet will not run as formulas (CSV or "formula" injection).

Spreadsheet programs read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and
skip a leading tab or carriage return before looking; a formula can fetch URLs or, in older
programs, run commands. Every CSV the site writes (``/models.csv``, the admin's export) puts a
single quote before such text, so the program shows it as text. The admin's CSV import takes the
quote off again, so an exported file imports unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value``, with a leading ``'`` if it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def restore(value):
    """The text ``neutralise`` was given (text it did not guard comes back unchanged)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
