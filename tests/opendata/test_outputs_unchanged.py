"""The API's answers, the downloads and the admin's export of model entries, byte for byte, as
they were recorded in tests/opendata/outputs/.

A change to how the records are built must not change what clients receive. Each request's status,
the headers a client reads and the body are compared with the recorded file. After a deliberate
change to the outputs, record them again and review the diff:

    KB_RECORD_OUTPUTS=1 .venv/bin/pytest -n 0 tests/opendata/test_outputs_unchanged.py
"""

import datetime
import os
import re
from pathlib import Path

import pytest

from kb.catalogue.epoch.sync import EPOCH_DATASET
from kb.catalogue.models import Article, Dataset, FactProvenance, ModelEntry, OpennessGrade
from kb.catalogue.spreadsheets import GuardedCSV, ModelEntryResource

pytestmark = pytest.mark.django_db

OUTPUTS = Path(__file__).parent / "outputs"
RECORDING = os.environ.get("KB_RECORD_OUTPUTS") == "1"
HEADERS = ("Content-Type", "Access-Control-Allow-Origin", "Content-Disposition", "Link", "Allow")
# Microseconds and a non-UTC offset never occur in the seed: fixed so the outputs are stable, and
# chosen to show how a timestamp is written.
UPDATED_AT = datetime.datetime(2026, 11, 30, 9, 15, 30, 123456, tzinfo=datetime.UTC)

REQUESTS = [
    "/api/models/",
    "/api/models/?per_page=25",
    "/api/models/?category=open-source&sort=newest",
    "/api/models/?organization=openai&organization=google&sort=largest",
    "/api/models/?modality=video&modality=",
    "/api/models/?access=weights&min_openness=60&sort=openness",
    "/api/models/?licence=osi&licence=unknown&sort=smallest",
    "/api/models/?category=open-source&page=2&per_page=5",
    "/api/models/?sort=oldest&per_page=5&page=1",
    "/api/models/?page=3&per_page=5",
    "/api/models/?page=0",
    "/api/models/?page=abc",
    "/api/models/?per_page=7",
    "/api/models/?category=nowhere",
    "/api/models/?min_openness=101",
    "/api/models/?format=xml",
    "/api/models/?q=llama",
    "/api/models/llama-2/",
    "/api/models/gemini/",
    "/api/models/formula/",
    "/api/models/llama-2/?page=2",
    "/api/models/no-such-model/",
    "/api/models/not a slug!/",
    "/api/models/secret-draft/",
    "/api/categories/",
    "/api/categories/?page=1",
    "/api/articles/",
    "/api/articles/?page=2",
    "/api/articles/?page=x",
    "/api/articles/?sort=name",
    "/api/articles/open-source-vs-closed-models/",
    "/api/articles/open-source-vs-closed-models/?x=1",
    "/api/articles/no-such-article/",
    "/api/openapi.json",
    "/api/openapi.json?v=2",
    "/models.json",
    "/models.json?category=closed&sort=newest",
    "/models.json?access=weights&min_openness=60",
    "/models.json?page=2",
    "/models.json?category=nowhere",
    "/models.csv",
    "/models.csv?category=open-source&licence=osi",
    "/models.csv?organization=openai&organization=google&sort=newest",
    "/models.csv?modality=video",
    "/models.csv?format=xml",
    "/models.csv?per_page=10",
]


def file_name(method, url):
    name = re.sub(r"[^A-Za-z0-9]+", "-", url).strip("-")
    return f"{method.lower()}-{name}.txt"


def answer(response):
    """Status, the headers a client reads, a blank line, then the body as sent."""
    lines = [f"{response.status_code}"]
    lines += [f"{name}: {response[name]}" for name in HEADERS if response.has_header(name)]
    return "\n".join(lines).encode() + b"\n\n" + response.content


@pytest.fixture
def content(seed):
    """The bundled content, with fixed timestamps and the cases it lacks: a draft, text a
    spreadsheet would run as a formula, characters beyond ASCII, facts imported from Epoch AI
    (an estimate among them)."""
    draft = ModelEntry.objects.get(slug="falcon")
    draft.pk, draft.slug, draft.name, draft.status = None, "secret-draft", "Secret", "draft"
    draft._state.adding = True
    draft.save()
    formula = ModelEntry.objects.get(slug="mistral")
    formula.pk, formula.slug, formula.name = None, "formula", '=HYPERLINK("https://evil.example/")'
    formula.summary, formula.parameters = "@SUM(1+1) — “quoted” ünïcode", "-7"
    formula.licence_name, formula.homepage, formula.context_window = "+licence", "", None
    formula._state.adding = True
    formula.save()
    formula.modalities.set(ModelEntry.objects.get(slug="mistral").modalities.all())
    OpennessGrade.objects.create(
        entry=formula, dimension="weights", grade="open", source_url="https://x.example/=w"
    )
    epoch = Dataset.objects.create(**EPOCH_DATASET)
    for slug, fact, confidence, note in (
        ("llama-2", "parameters", "likely", "Sizes from the paper; <b>not</b> markup."),
        ("llama-2", "release_date", "confident", ""),
        ("gemini", "parameters", "speculative", "Rumoured."),
    ):
        FactProvenance.objects.create(
            entry=ModelEntry.objects.get(slug=slug),
            fact=fact,
            dataset=epoch,
            retrieved_on=datetime.date(2026, 5, 2),
            confidence=confidence,
            note=note,
        )
    ModelEntry.objects.update(updated_at=UPDATED_AT)
    Article.objects.update(updated_at=UPDATED_AT)


REQUESTS = [("get", url) for url in REQUESTS] + [
    ("head", "/api/models/"),
    ("post", "/api/models/"),
    ("post", "/models.csv"),
]


def test_every_answer_is_the_recorded_one(client, content):
    """One test for all requests: the content is loaded once."""
    changed = []
    for method, url in REQUESTS:
        response = getattr(client, method)(url)
        path = OUTPUTS / file_name(method, url)
        if RECORDING:
            OUTPUTS.mkdir(exist_ok=True)
            path.write_bytes(answer(response))
        if answer(response) != path.read_bytes():
            changed.append(path.name)
    exported = GuardedCSV().export_data(ModelEntryResource().export()).encode()
    path = OUTPUTS / "admin-export-modelentry.csv"
    if RECORDING:
        path.write_bytes(exported)
    if exported != path.read_bytes():
        changed.append(path.name)
    assert changed == []
