"""Epoch AI's "Notable AI Models" imported into the catalogue (README, "Epoch AI import").

- ``source``: reading a file or URL into rows, refusing what is not Epoch's CSV;
- ``mapping``: one row to the values of one model entry, or the reason it is a bad row;
- ``sync``: matching rows to entries and writing what changed, editors' edits left alone.
"""
