"""Epoch AI's rows for tests: a sample cut from the 2026-05-02 snapshot (33 rows, the rough ones
included) and its import."""

import datetime
from pathlib import Path

from kb.catalogue.epoch.source import parse
from kb.catalogue.epoch.sync import import_rows

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "epoch_sample.csv"
RETRIEVED = datetime.date(2026, 5, 2)


def sample_rows():
    return parse(SAMPLE.read_bytes())[1]


def import_sample():
    """The sample imported beside whatever content the database holds; the import's report."""
    return import_rows(sample_rows(), RETRIEVED)
