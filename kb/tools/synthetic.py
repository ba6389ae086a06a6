"""Synthetic but realistic-looking content for measuring at scale: a catalogue of invented model
families from invented organizations, with summaries, Markdown descriptions, pros and cons, and
articles with Markdown bodies. The same seed gives the same content.

Generated rows are marked by the ``gen-`` prefix of their slugs.
"""

import datetime
import random
from string import Formatter

from django.utils.text import slugify

from kb.catalogue.models import Access, OpennessGrade, Status

PREFIX = "gen-"
TODAY = datetime.date(2025, 6, 30)  # fixed, so the data does not depend on the day it is made

# fmt: off
ROOTS = [
    "Aur", "Bel", "Cor", "Del", "Ex", "Fal", "Gal", "Hel", "Ion", "Jun", "Kes", "Lum", "Mer",
    "Nim", "Orb", "Pyx", "Quil", "Ryn", "Sol", "Tal", "Umb", "Vor", "Wyn", "Xen", "Yar", "Zeph",
    "Ast", "Bor", "Cal", "Dra", "Ely", "Fen", "Gry", "Hal", "Ist", "Kal", "Lyr", "Mor", "Nov",
    "Ost", "Pel", "Rav", "Sil", "Tor", "Val", "Zan",
]
ENDINGS = [
    "a", "ion", "ix", "on", "ara", "elle", "us", "is", "o", "ora", "yn", "ex", "ium", "ar",
]
VARIANTS = [
    "", "", "", "Instruct", "Chat", "Base", "Code", "Vision", "Mini", "Pro", "Turbo", "Lite",
]
SIZES = [
    ("1B", 1_000_000_000), ("3B", 3_000_000_000), ("7B", 7_000_000_000),
    ("8B", 8_000_000_000), ("13B", 13_000_000_000), ("34B", 34_000_000_000),
    ("70B", 70_000_000_000), ("180B", 180_000_000_000), ("400B", 400_000_000_000),
]
ORG_FIRST = [
    "North", "Blue", "Open", "Deep", "Bright", "Silver", "Quantum", "Polar", "Cedar", "Signal",
    "Vector", "Lattice", "Harbor", "Summit", "Prism", "Atlas", "Ember", "Nimbus", "Granite",
    "Helix", "Meridian", "Orbit", "Cobalt", "Tidal",
]
ORG_SECOND = [
    "Labs", "AI", "Research", "Systems", "Institute", "Collective", "Foundation", "Intelligence",
    "Works", "Computing",
]
LICENCES = [
    ("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0", True),
    ("MIT License", "https://opensource.org/license/mit", True),
    ("OpenRAIL-M", "https://www.licenses.ai/", False),
    ("Community licence with an acceptable-use policy", "", False),
    ("Research-only licence", "", False),
]
CLOSED_LICENCE = ("Proprietary terms of service", "", False)
DIMENSIONS = list(OpennessGrade.Dimension.values)
GRADES = ["open", "partial", "closed", "unknown"]
GRADE_WEIGHTS_OPEN = [6, 3, 1, 1]
GRADE_WEIGHTS_CLOSED = [1, 2, 6, 2]
MODALITIES = [
    ("text", "Text"), ("image", "Image"), ("video", "Video"), ("audio", "Audio"),
    ("code", "Code"),
]
CATEGORIES = {
    "open-source": ("Open-source models", "Open-source", "🔓", 0.65),
    "closed": ("Closed (proprietary) models", "Closed", "🔒", 0.35),
}
ARCHITECTURES = [
    "decoder-only transformer", "sparse mixture-of-experts transformer", "diffusion transformer",
    "latent diffusion model", "state-space model", "encoder-decoder transformer",
    "hybrid attention and recurrent network", "vision-language transformer",
    "convolutional network", "retrieval-augmented transformer", "flow-matching model",
    "autoregressive image tokenizer", "speech encoder with a text decoder",
    "graph neural network", "recurrent memory transformer", "consistency model",
]
DATA = [
    "filtered web text", "permissively licensed code", "scientific papers",
    "multilingual corpora", "synthetic instruction data", "licensed image-text pairs",
    "transcribed speech", "public domain books", "curated question-answer pairs",
    "video clips with captions", "patent filings", "legal opinions", "clinical notes",
    "news archives", "forum discussions", "mathematics textbooks", "satellite imagery",
    "protein sequences", "music recordings", "chemistry datasets",
]
TASKS = [
    "question answering", "summarization", "code completion", "speech recognition",
    "image generation", "video generation", "translation", "retrieval", "mathematical reasoning",
    "tool use", "document understanding", "chat", "classification", "image captioning",
    "music generation", "protein structure prediction", "planning", "data extraction",
    "sentiment analysis", "named entity recognition", "text-to-speech", "speaker diarization",
    "object detection", "image segmentation", "depth estimation", "optical character recognition",
    "code review", "unit test generation", "SQL generation", "legal drafting", "medical coding",
    "weather forecasting", "molecule design", "recommendation", "anomaly detection",
    "time series forecasting", "agentic browsing", "style transfer", "3D reconstruction",
    "lip syncing",
]
BENCHMARKS = [
    "MMLU", "HumanEval", "GSM8K", "HellaSwag", "ARC", "TruthfulQA", "MT-Bench", "ImageNet",
    "LibriSpeech", "COCO", "BIG-Bench", "MATH", "SWE-bench", "MBPP", "GPQA", "DROP", "WinoGrande",
    "MMMU", "VQAv2", "Common Voice", "FLORES", "LegalBench", "MedQA", "Chatbot Arena",
]
QUALITIES = [
    "efficient", "compact", "multilingual", "instruction-tuned", "long-context", "multimodal",
    "open-weight", "distilled", "quantized", "safety-tuned", "fast", "general-purpose",
    "domain-specific", "reasoning-focused", "lightweight", "bilingual", "on-device", "streaming",
    "low-latency", "energy-efficient", "research-grade", "enterprise-ready", "privacy-preserving",
    "frontier-scale",
]
AUDIENCES = [
    "researchers", "startups", "enterprises", "hobbyists", "educators", "developers",
    "public agencies", "hospitals", "newsrooms", "students", "law firms", "banks", "game studios",
    "translators", "librarians", "farmers",
]
TOPICS = [
    "open weights", "model licences", "context windows", "fine-tuning", "evaluation",
    "red-teaming", "quantization", "retrieval-augmented generation", "on-device inference",
    "training data transparency", "API pricing", "guardrails", "model cards", "benchmarks",
    "mixture-of-experts", "diffusion models", "speech models", "code assistants",
    "multimodal models", "small language models", "energy use", "data governance", "copyright",
    "watermarking", "hallucinations", "prompt injection", "synthetic data", "distillation",
    "tokenizers", "accessibility", "export controls", "provenance", "latency budgets",
    "hardware costs", "interpretability", "community governance",
]
PROS = [
    "Weights can be downloaded and run locally", "Strong results on {benchmark}",
    "Permissive licence for commercial use", "Good at {task}", "Runs on a single consumer GPU",
    "Long context window", "Well documented with a detailed model card",
    "Easy to use through a hosted API",
]
CONS = [
    "Training data is not disclosed", "Weak at {task}", "Licence restricts commercial use",
    "Needs several GPUs to run", "Only available through a paid API", "Short context window",
    "Limited documentation", "Usage limits on the free tier",
]
SLOTS = {
    "task": TASKS,
    "benchmark": BENCHMARKS,
    "data": DATA,
    "architecture": ARCHITECTURES,
    "quality": QUALITIES,
    "audience": AUDIENCES,
    "topic": TOPICS,
}
TITLES = [
    "A guide to {topic}", "What {topic} means for {audience}",
    "How {audience} use models for {task}", "{topic}: questions and answers",
    "Choosing a model for {task}", "Open or closed for {task}?", "Notes on {topic} and {topic}",
    "Why {audience} care about {topic}",
]
HEADINGS = [
    "{topic}", "Results on {benchmark}", "For {audience}", "When {task} matters",
    "Trade-offs of {topic}",
]
# Filled twice: first the vocabulary slots, then (doubled braces) the entry's own facts.
SUMMARIES = [
    "{{organization}}'s {quality} {architecture} for {{task}}, with {{size}} parameters, {{terms}}.",
    "Built by {{organization}} for {{task}} and {task}: {quality}, {{terms}}.",
    "{{organization}} built this {{size}} model for {{task}}, trained on {data}; {{terms}}.",
    "For {audience} who need {{task}}: a {quality} model by {{organization}}, {{terms}}.",
    "{{size}} {architecture} tuned for {{task}}, scoring well on {benchmark}; {{terms}}.",
]
DESCRIPTION = [
    "It is tuned for {task} and {task}, and reports results on {benchmark} and {benchmark}.",
    "Evaluations by {audience} point to strengths in {task} and weaknesses in {task}.",
    "A model card documents the training data, known limitations and the intended uses for "
    "{audience}.",
    "Compared with earlier releases it handles {topic} better, according to the "
    "[release notes](https://example.org/notes).",
]
SENTENCES = [
    "Teams working on {task} often weigh {topic} against cost.",
    "Results on {benchmark} suggest that {quality} models have closed much of the gap.",
    "For {audience}, the licence matters as much as the score on {benchmark}.",
    "Training on {data} helps with {task}, but raises questions about {topic}.",
    "A {architecture} trades memory for speed, which shapes {topic}.",
    "Several providers now offer {quality} models for {task} through an API.",
]
# fmt: on


class Generator:
    def __init__(self, seed):
        self.random = random.Random(seed)
        # Grades draw from their own stream, so adding them left the rest of the data unchanged.
        self.grade_random = random.Random(f"{seed}-openness")

    def pick(self, items):
        return self.random.choice(items)

    def fill(self, template):
        """The template with each ``{slot}`` filled by a word of its list, none twice."""
        parts, used = [], set()
        for literal, slot, _, _ in Formatter().parse(template):
            parts.append(literal)
            if slot:
                value = self.pick([v for v in SLOTS[slot] if v not in used])
                used.add(value)
                parts.append(value)
        return "".join(parts)

    def date(self, start_year=2018):
        start = datetime.date(start_year, 1, 1)
        return start + datetime.timedelta(days=self.random.randrange((TODAY - start).days))

    # Organizations and entries.

    def organizations(self, count):
        names = [f"{first} {second}" for first in ORG_FIRST for second in ORG_SECOND]
        self.random.shuffle(names)
        for n, name in enumerate(names[:count]):
            slug = f"{PREFIX}{n}-{slugify(name)}"
            yield {"name": name, "slug": slug, "website": f"https://{slugify(name)}.example/"}

    def family_name(self):
        return self.pick(ROOTS) + self.pick(ENDINGS)

    def entry(self, n, organization, category_slug):
        family = self.family_name()
        version = self.pick(["", " 2", " 3", " 3.1", " 4", "-X", " 1.5", " Next"])
        size, count = self.pick(SIZES)
        variant = self.pick(VARIANTS)
        name = " ".join(part for part in (f"{family}{version}", size, variant) if part)
        is_open = category_slug == "open-source"
        licence = self.pick(LICENCES) if is_open else CLOSED_LICENCE
        modalities = self.random.sample(
            [slug for slug, _ in MODALITIES], k=self.pick([1, 1, 1, 2, 2, 3])
        )
        if "text" not in modalities and self.random.random() < 0.7:
            modalities[0] = "text"
        task = self.pick(TASKS)
        summary = self.fill(self.pick(SUMMARIES)).format(
            organization=organization.name,
            task=task,
            size=size,
            terms=f"released under the {licence[0]}" if is_open else "offered as a hosted API",
        )
        values = {
            "name": name,
            "slug": f"{PREFIX}{n}-{slugify(name)}",
            "organization": organization,
            "status": Status.PUBLISHED if self.random.random() < 0.97 else Status.DRAFT,
            "release_date": self.date(),
            "parameters": size if self.random.random() < 0.8 else "",
            "parameter_count": count,
            "context_window": self.pick([2048, 4096, 8192, 32768, 128000, 1000000]),
            "licence_name": licence[0],
            "licence_url": licence[1],
            "licence_osi_approved": licence[2],
            "access": (self.pick([Access.WEIGHTS, Access.BOTH]) if is_open else Access.HOSTED),
            "homepage": f"{organization.website}{slugify(family)}",
            "summary": summary,
            "description": self.description(name, organization.name, task),
        }
        values["published_at"] = (
            datetime.datetime.combine(values["release_date"], datetime.time(12), datetime.UTC)
            if values["status"] == Status.PUBLISHED
            else None
        )
        return values, modalities

    def description(self, name, organization, task):
        sentences = [
            f"**{name}** is a {self.pick(ARCHITECTURES)} from {organization}, trained on "
            + self.fill("{data} and {data}."),
            f"The maintainers describe it as {self.pick(QUALITIES)} and suited to {task}.",
            *(self.fill(template) for template in DESCRIPTION),
        ]
        self.random.shuffle(sentences)
        cut = self.random.randrange(2, len(sentences))
        return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])

    def openness(self, is_open):
        """Openness grades for about one entry in three: (dimension, grade) pairs."""
        if self.grade_random.random() >= 1 / 3:
            return []
        weights = GRADE_WEIGHTS_OPEN if is_open else GRADE_WEIGHTS_CLOSED
        dimensions = self.grade_random.sample(DIMENSIONS, k=self.grade_random.randint(3, 9))
        return [(d, self.grade_random.choices(GRADES, weights)[0]) for d in dimensions]

    def pros_cons(self):
        """A few pros and cons for about one entry in ten."""
        if self.random.random() >= 0.1:
            return []
        pros = self.random.sample(PROS, k=2)
        cons = self.random.sample(CONS, k=1)
        return [("pro", self.fill(t), i) for i, t in enumerate(pros, 1)] + [
            ("con", self.fill(t), i) for i, t in enumerate(cons, 1)
        ]

    # Articles.

    def article(self, n, entry_names):
        title = self.fill(self.pick(TITLES))
        sections = []
        for _ in range(self.random.randrange(3, 6)):
            heading = self.fill(self.pick(HEADINGS))
            paragraphs = [self.paragraph(entry_names) for _ in range(self.random.randrange(1, 3))]
            items = [
                f"- {self.fill(self.pick(PROS + CONS))}" for _ in range(self.random.randrange(3))
            ]
            sections.append(
                "\n\n".join([f"## {capitalize(heading)}", *paragraphs, "\n".join(items)])
            )
        status = Status.PUBLISHED if self.random.random() < 0.95 else Status.DRAFT
        published = datetime.datetime.combine(self.date(2020), datetime.time(9), datetime.UTC)
        return {
            "title": capitalize(title),
            "slug": f"{PREFIX}{n}-{slugify(title)}"[:200],
            "lede": self.fill("What {audience} should know about {topic}, with examples."),
            "body": "\n\n".join(sections).strip(),
            "status": status,
            "published_at": published if status == Status.PUBLISHED else None,
        }

    def paragraph(self, entry_names):
        sentences = [self.fill(self.pick(SENTENCES)) for _ in range(self.random.randrange(3, 6))]
        example = (
            f"**{self.pick(entry_names)}** is one example, and *{self.pick(entry_names)}* another."
        )
        sentences.insert(self.random.randrange(len(sentences)), example)
        return " ".join(sentences)


def capitalize(text):
    return text[:1].upper() + text[1:]
