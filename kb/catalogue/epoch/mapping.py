"""One row of Epoch AI's CSV to the values of one model entry (README, "Epoch AI import").

Nothing is guessed: an empty cell is unknown (None or ""), a value Epoch marks ``Likely`` or
``Speculative`` keeps that confidence in its provenance, and a row that cannot be read (no name,
a date that is no date, a negative size) is a ``BadRow`` with its reason.
"""

import datetime
import math
import re
from dataclasses import dataclass, field

from ..models import Access, Confidence, FactProvenance, WeightsUse, every_modality
from ..text import clean

Fact = FactProvenance.Fact

OPEN_SOURCE, CLOSED, UNKNOWN_CATEGORY = "open-source", "closed", "unknown"

# ``Model accessibility`` -> (category slug, access, use of the weights).
ACCESSIBILITY = {
    "open weights (unrestricted)": (OPEN_SOURCE, Access.WEIGHTS, WeightsUse.UNRESTRICTED),
    "open weights (restricted use)": (OPEN_SOURCE, Access.WEIGHTS, WeightsUse.RESTRICTED),
    "open weights (non-commercial)": (OPEN_SOURCE, Access.WEIGHTS, WeightsUse.NON_COMMERCIAL),
    "api access": (CLOSED, Access.HOSTED, ""),
    "hosted access (no api)": (CLOSED, Access.HOSTED, ""),
    "unreleased": (UNKNOWN_CATEGORY, Access.UNRELEASED, ""),
    "": (UNKNOWN_CATEGORY, "", ""),
}

# ``Domain`` -> modality slugs (the others, such as Games or Biology, name no modality).
DOMAIN_MODALITIES = {
    "language": "text",
    "vision": "image",
    "image generation": "image",
    "video": "video",
    "speech": "audio",
    "audio": "audio",
}

# ``Task`` -> (modalities read, modalities written), for the tasks that say both or one plainly;
# the others (classification, detection, games, proteins...) say nothing of either.
TEXT_TO_TEXT = (("text",), ("text",))
TASK_MODALITIES = {
    "language modeling/generation": TEXT_TO_TEXT,
    "language modeling": TEXT_TO_TEXT,
    "language generation": TEXT_TO_TEXT,
    "chat": TEXT_TO_TEXT,
    "question answering": TEXT_TO_TEXT,
    "translation": TEXT_TO_TEXT,
    "text autocompletion": TEXT_TO_TEXT,
    "text summarization": TEXT_TO_TEXT,
    "code generation": (("text",), ("code",)),
    "code autocompletion": (("code",), ("code",)),
    "visual question answering": (("image", "text"), ("text",)),
    "vision-language generation": (("image", "text"), ("text",)),
    "image captioning": (("image",), ("text",)),
    "character recognition (ocr)": (("image",), ("text",)),
    "image generation": ((), ("image",)),
    "text-to-image": (("text",), ("image",)),
    "image-to-image": (("image",), ("image",)),
    "speech recognition (asr)": (("audio",), ("text",)),
    "speech-to-text": (("audio",), ("text",)),
    "speech synthesis": (("text",), ("audio",)),
    "text-to-speech (tts)": (("text",), ("audio",)),
    "audio generation": ((), ("audio",)),
    "video generation": ((), ("video",)),
    "text-to-video": (("text",), ("video",)),
    "image-to-video": (("image",), ("video",)),
    "video description": (("video",), ("text",)),
}

CONFIDENCE = {choice.label.lower(): choice.value for choice in Confidence}


@dataclass(frozen=True)
class Licence:
    name: str
    url: str
    osi_approved: bool
    pattern: re.Pattern


def licence(name, url, osi, pattern):
    return Licence(name, url, osi, re.compile(pattern, re.IGNORECASE))


# Licences ``Accessibility notes`` names, most specific first; one is taken only when the row
# has open weights and its notes name exactly one of them (several: which is the weights'?).
LICENCES = [
    licence("CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/", False, r"\bCC[- ]BY[- ]NC[- ]SA\b"),
    licence("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/", False, r"\bCC[- ]BY[- ]NC\b(?![- ]SA)"),
    licence("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/", False, r"\bCC[- ]BY[- ]SA\b"),
    licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", False, r"\bCC[- ]BY\b(?![- ](?:NC|SA))"),
    licence("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0", True, r"\bapache\b"),
    licence("MIT License", "https://opensource.org/license/mit", True, r"\bMIT\b(?! (?:CSAIL|researchers))"),
    licence("BSD 3-Clause License", "https://opensource.org/license/bsd-3-clause", True, r"\bBSD[- ]?3"),
    licence("BSD 2-Clause License", "https://opensource.org/license/bsd-2-clause", True, r"\bBSD[- ]?2"),
    licence("GNU AGPL 3.0", "https://www.gnu.org/licenses/agpl-3.0.html", True, r"\bAGPL"),
    licence("GNU GPL 3.0", "https://www.gnu.org/licenses/gpl-3.0.html", True, r"(?<!A)\bGPL[- ]?(?:v)?3"),
    licence("Llama 2 Community License", "https://ai.meta.com/llama/license/", False, r"\bllama[ -]?2\b[^.\n]{0,20}licen[cs]e"),
    licence("Llama 3 Community License", "https://www.llama.com/llama3/license/", False, r"\bllama[ -]?3(?:\.\d)?\b[^.\n]{0,20}licen[cs]e"),
    licence("Llama 4 Community License", "https://www.llama.com/llama4/license/", False, r"\bllama[ -]?4\b[^.\n]{0,20}licen[cs]e"),
    licence("Gemma Terms of Use", "https://ai.google.dev/gemma/terms", False, r"\bgemma\b[^.\n]{0,20}(?:licen[cs]e|terms)"),
    licence("OpenRAIL", "", False, r"\bOpenRAIL"),
]  # fmt: skip

URL = re.compile(r"https?://[^\s,;<>\"']+")
NUMBER = r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|T|B|M)\b"
SCALE = {"t": 1e12, "trillion": 1e12, "b": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6}
# "12B active", "22 billion activated parameters", "21B parameters activated per token".
ACTIVE_AFTER = re.compile(NUMBER + r"[ a-zA-Z-]{0,20}?\b(?:active|activated|activation)\b", re.I)
# "Active parameters: 10B", "Activated Parameters 32B", "active parameters - 47B".
ACTIVE_BEFORE = re.compile(r"\b(?:active|activated) param\w*\s*[:\-–]?\s*" + NUMBER, re.I)
RANGE_AFTER = re.compile(r"\s*(?:-|–|to)\s*\d")


@dataclass
class Mapped:
    """One good row: the entry's values, its related rows by name, and each fact's provenance."""

    number: int
    name: str
    values: dict
    organizations: list
    category: str
    modalities: list
    sources: list
    # {fact: (confidence, note)} for each fact the row gives a value for.
    provenance: dict
    warnings: list = field(default_factory=list)
    input_modalities: list = field(default_factory=list)
    output_modalities: list = field(default_factory=list)


@dataclass(frozen=True)
class BadRow:
    number: int
    name: str
    reason: str


def cell(row, column):
    return clean(row.get(column) or "").strip()


def one_line(text):
    return " ".join(clean(text).split())


def split_list(text):
    """Comma-separated names, stripped, each once, in order."""
    items = []
    for item in text.split(","):
        item = one_line(item)
        if item and item not in items:
            items.append(item)
    return items


def number(text, column):
    """A non-negative float from ``text`` or None when empty; several comma-separated values
    give the largest. Raises ValueError with the reason."""
    if not text:
        return None
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"{column} “{text[:40]}” is not a number") from None
    if any(not math.isfinite(value) for value in values):
        raise ValueError(f"{column} “{text[:40]}” is not a finite number")
    if any(value < 0 for value in values):
        raise ValueError(f"{column} {text[:40]} is negative")
    return max(values) if values else None


def size_text(count):
    """7000000000 -> "7B", 46700000000 -> "46.7B", 1.8e12 -> "1.8T"."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if count >= scale:
            return f"{count / scale:.3g}{suffix}"
    return f"{count:,}"


def scaled(match):
    return float(match[1]) * SCALE[match[2].lower()]


def active_parameters(notes, total):
    """The active parameters a mixture of experts' notes state, if fewer than ``total``."""
    if total is None:
        return None
    for pattern in (ACTIVE_AFTER, ACTIVE_BEFORE):
        for match in pattern.finditer(notes):
            if RANGE_AFTER.match(notes, match.end(2)):
                continue  # "10B-30B": a range, no value
            value = round(scaled(match))
            if 0 < value < total:
                return value
    return None


def publication_date(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Publication date “{text[:40]}” is not a date (YYYY-MM-DD)") from None


MODIFIED = re.compile(r"\b(?:modified|based on|similar to|custom)\W+(?:\w+\W+)?$", re.I)


def licence_of(notes):
    """The one licence the notes name, or None: none, several, or a modified one."""
    named = set()
    for lic in LICENCES:
        for match in lic.pattern.finditer(notes):
            if MODIFIED.search(notes, 0, match.start()):
                return None  # "Modified MIT license" is not the MIT License
            named.add(lic)
    return named.pop() if len(named) == 1 else None


def links(text):
    urls = []
    for url in URL.findall(text):
        url = url.rstrip(".)")
        if url not in urls:
            urls.append(url)
    return urls


def map_row(row, number_in_file):
    """A ``Mapped`` row, or a ``BadRow`` saying why it cannot be imported."""
    name = one_line(row.get("Model") or "")
    if not name:
        return BadRow(number_in_file, "", "no model name")
    if len(name) > 120:
        return BadRow(number_in_file, name[:60], "a model name longer than 120 characters")
    try:
        released = publication_date(cell(row, "Publication date"))
        parameters = number(cell(row, "Parameters"), "Parameters")
        compute = number(cell(row, "Training compute (FLOP)"), "Training compute")
        dataset_size = number(cell(row, "Training dataset size (total)"), "Training dataset size")
    except ValueError as error:
        return BadRow(number_in_file, name, str(error))
    if parameters is not None and parameters < 1:
        return BadRow(number_in_file, name, "Parameters is zero")

    accessibility = one_line(cell(row, "Model accessibility"))
    if accessibility.lower() not in ACCESSIBILITY:
        return BadRow(number_in_file, name, f"unknown Model accessibility “{accessibility[:40]}”")
    category, access, weights_use = ACCESSIBILITY[accessibility.lower()]
    access_notes = cell(row, "Accessibility notes")
    found_licence = licence_of(access_notes) if access == Access.WEIGHTS else None

    parameter_count = round(parameters) if parameters is not None else None
    parameter_notes = cell(row, "Parameters notes")
    confidence = CONFIDENCE.get(cell(row, "Confidence").lower(), "")
    country = ", ".join(split_list(cell(row, "Country (of organization)")))[:200]
    values = {
        "name": name,
        "announced_date": released,
        "release_date": released,
        "parameters": size_text(parameter_count) if parameter_count else "",
        "parameter_count": parameter_count,
        "active_parameter_count": active_parameters(parameter_notes, parameter_count),
        "access": access,
        "weights_use": weights_use,
        "licence_name": found_licence.name if found_licence else "",
        "licence_url": found_licence.url if found_licence else "",
        "licence_osi_approved": found_licence.osi_approved if found_licence else None,
        "training_compute_flop": compute,
        "training_dataset_size": dataset_size,
        "country": country,
    }
    modalities = []
    for domain in split_list(cell(row, "Domain")):
        slug = DOMAIN_MODALITIES.get(domain.lower())
        if slug and slug not in modalities:
            modalities.append(slug)
    inputs, outputs = [], []
    for task in split_list(cell(row, "Task")):
        read, written = TASK_MODALITIES.get(task.lower(), ((), ()))
        inputs += [slug for slug in read if slug not in inputs]
        outputs += [slug for slug in written if slug not in outputs]
    modalities = every_modality(modalities, inputs, outputs)
    organizations = split_list(cell(row, "Organization"))

    known = {
        Fact.NAME: True,
        Fact.ORGANIZATIONS: bool(organizations),
        Fact.ANNOUNCED_DATE: released is not None,
        Fact.RELEASE_DATE: released is not None,
        Fact.MODALITIES: bool(modalities),
        Fact.PARAMETERS: parameter_count is not None,
        Fact.TRAINING_COMPUTE: compute is not None,
        Fact.TRAINING_DATASET_SIZE: dataset_size is not None,
        Fact.ACCESS: bool(access),
        Fact.LICENCE: found_licence is not None,
        Fact.COUNTRY: bool(country),
    }
    notes = {
        Fact.PARAMETERS: parameter_notes,
        Fact.TRAINING_COMPUTE: cell(row, "Training compute notes"),
        Fact.TRAINING_DATASET_SIZE: cell(row, "Dataset size notes"),
        Fact.ACCESS: access_notes,
        Fact.LICENCE: access_notes,
    }
    # Epoch's Confidence is about its compute and size estimates, not the other facts.
    estimated = {Fact.PARAMETERS, Fact.TRAINING_COMPUTE, Fact.TRAINING_DATASET_SIZE}
    provenance = {
        fact: (confidence if fact in estimated else "", notes.get(fact, ""))
        for fact, is_known in known.items()
        if is_known
    }
    return Mapped(
        number=number_in_file,
        name=name,
        values=values,
        organizations=organizations,
        category=category,
        modalities=modalities,
        input_modalities=inputs,
        output_modalities=outputs,
        sources=links(cell(row, "Link")),
        provenance=provenance,
    )
