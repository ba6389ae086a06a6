"""A relevance test set: a small catalogue shaped like the real one, real queries, the expected
first result of each, and how many the search answers right at rank 1 and in the top 3.

The catalogue's names are written as the Epoch AI catalogue writes them (parentheses, dots,
letters and digits joined, non-ASCII); the queries as people type them: names several ways,
organizations, licences, misspellings, spelling variants and synonyms. ``manage.py relevance``
prints the figures (building the catalogue in a transaction it rolls back); a test holds them
to at least 95 % at rank 1 and 100 % in the top 3 on both engines.
"""

from dataclasses import dataclass

from django.utils.text import slugify

from kb.catalogue.models import Category, ModelEntry, Organization, Status
from kb.search import engine, synonyms
from kb.search.models import Synonym

# name, short name, slug, whether its models are open
CATEGORIES = [
    ("Open-source models", "Open", "open-source", True),
    ("Closed (proprietary) models", "Closed", "closed", False),
]
ORGANIZATIONS = [
    "OpenAI", "Meta AI", "Alibaba", "Mistral AI", "Google DeepMind", "Anthropic",
    "Stability AI", "DeepSeek", "Microsoft", "TII", "Zhipu AI", "Cohere", "Black Forest Labs",
    "Technology Innovation Institute Ünïcode",
]  # fmt: skip

# name, organization, open?, licence, summary
ENTRIES = [
    ("GPT-4", "OpenAI", False, "", "OpenAI's large multimodal language model, 2023."),
    ("GPT-4o (Aug 2024)", "OpenAI", False, "", "The August 2024 snapshot of GPT-4o, omni."),
    ("GPT-4 Turbo", "OpenAI", False, "", "A faster, cheaper GPT-4 with a 128k context."),
    ("GPT-3.5 Turbo", "OpenAI", False, "", "The model behind the first ChatGPT."),
    ("o1-preview", "OpenAI", False, "", "A reasoning model that thinks before it answers."),
    ("o1-mini", "OpenAI", False, "", "A smaller reasoning model."),
    ("o3-mini (high)", "OpenAI", False, "", "Reasoning at high effort."),
    ("Whisper large-v3", "OpenAI", True, "MIT", "Speech recognition in many languages."),
    ("Llama 2-70B", "Meta AI", True, "Llama 2 Community License", "Meta's second generation."),
    ("Llama 3-70B", "Meta AI", True, "Llama 3 Community License", "Meta's third generation."),
    ("Llama 3.1-405B", "Meta AI", True, "Llama 3.1 Community License", "The largest Llama 3.1."),
    ("Llama 3.1-8B", "Meta AI", True, "Llama 3.1 Community License", "The smallest Llama 3.1."),
    ("Llama 3.2-90B Vision", "Meta AI", True, "Llama 3.2 Community License", "Sees images."),
    ("Qwen3-235B-A22B", "Alibaba", True, "Apache 2.0", "A mixture of experts, 22B active."),
    ("Qwen3-32B", "Alibaba", True, "Apache 2.0", "A dense model of the Qwen3 family."),
    ("Qwen2.5-72B-Instruct", "Alibaba", True, "Qwen Licence", "Instruction-tuned, 7.3 trillion "
     "tokens of pretraining... not really."),
    ("Qwen2.5-Coder-32B", "Alibaba", True, "Apache 2.0", "Writes and explains code."),
    ("Mistral 7B", "Mistral AI", True, "Apache 2.0",
     "A 7.3-billion-parameter model that beats Llama 2 13B."),
    ("Mixtral 8x7B", "Mistral AI", True, "Apache 2.0", "A sparse mixture of experts."),
    ("Mistral Large 2", "Mistral AI", False, "Mistral Research Licence", "The flagship."),
    ("Gemini 1.5 Pro", "Google DeepMind", False, "", "A long-context multimodal model."),
    ("Gemini 2.0 Flash", "Google DeepMind", False, "", "Fast and multimodal."),
    ("Gemma 2-27B", "Google DeepMind", True, "Gemma Terms of Use", "Open weights from Google."),
    ("AlphaFold 3", "Google DeepMind", False, "", "Predicts protein structures."),
    ("Claude 3.5 Sonnet", "Anthropic", False, "", "A capable assistant with vision."),
    ("Claude 3 Opus", "Anthropic", False, "", "Anthropic's largest Claude 3."),
    ("Claude 3 Haiku", "Anthropic", False, "", "The fastest Claude 3."),
    # As Epoch AI's catalogue names it (notable_ai_models.csv, after the paper "SDXL: Improving
    # Latent Diffusion Models for High-Resolution Image Synthesis", arXiv:2307.01952).
    ("Stable Diffusion XL (SDXL)", "Stability AI", True, "CreativeML Open RAIL++-M",
     "Text-to-image diffusion at 1024 pixels."),
    ("Stable Diffusion 3.5 Large", "Stability AI", True, "Stability Community License",
     "A multimodal diffusion transformer."),
    ("DeepSeek-V3", "DeepSeek", True, "DeepSeek License", "A 671B mixture of experts."),
    ("DeepSeek-R1", "DeepSeek", True, "MIT", "Reasoning through reinforcement learning."),
    ("Phi-3-mini", "Microsoft", True, "MIT", "A small language model for phones."),
    ("Phi-4", "Microsoft", True, "MIT", "A 14B model trained on synthetic data."),
    ("Falcon 180B", "TII", True, "Falcon-180B TII Licence", "A large open model from Abu Dhabi."),
    ("GLM-4-9B", "Zhipu AI", True, "GLM-4 Licence", "A bilingual Chinese and English model."),
    ("ChatGLM3-6B", "Zhipu AI", True, "ChatGLM3 Licence", "An earlier bilingual chat model."),
    ("Command R+", "Cohere", False, "CC BY-NC 4.0", "Retrieval-augmented generation for business."),
    ("FLUX.1 [dev]", "Black Forest Labs", True, "FLUX.1 [dev] Non-Commercial License",
     "Text-to-image with a rectified flow transformer."),
    ("Jais-30B (Arabic)", "Technology Innovation Institute Ünïcode", True, "Apache 2.0",
     "Arabic and English; trained in the Émirats."),
    ("Zürich-1", "Technology Innovation Institute Ünïcode", True, "Apache 2.0",
     "A small German language model with a proprietary-free licence customisation guide."),
]  # fmt: skip

# What editors would keep in the admin.
SYNONYMS = [
    "open weights, open-weights, open source, open-source",
    "proprietary, closed, closed-source",
    "LLM, language model, large language model",
]

# query as typed, the expected first result
QUERIES = [
    # A name typed several ways.
    ("gpt4", "GPT-4"),
    ("gpt-4", "GPT-4"),
    ("GPT 4", "GPT-4"),
    ('"gpt 4"', "GPT-4"),
    ("gpt-4o", "GPT-4o (Aug 2024)"),
    ("gpt 4o", "GPT-4o (Aug 2024)"),
    ("gpt4o aug 2024", "GPT-4o (Aug 2024)"),
    ("gpt 4 turbo", "GPT-4 Turbo"),
    ("gpt-3.5", "GPT-3.5 Turbo"),
    ("gpt3.5 turbo", "GPT-3.5 Turbo"),
    ("gpt35 turbo", "GPT-3.5 Turbo"),
    ("gpt35", "GPT-3.5 Turbo"),
    ("o1 preview", "o1-preview"),
    ("o1-preview", "o1-preview"),
    ("o1 mini", "o1-mini"),
    ("o3-mini", "o3-mini (high)"),
    ("whisper v3", "Whisper large-v3"),
    ("llama3.1", "Llama 3.1-405B"),
    ("llama 3.1 405b", "Llama 3.1-405B"),
    ("llama-3.1-8b", "Llama 3.1-8B"),
    ("Llama 3.1 8B", "Llama 3.1-8B"),
    ("llama 3 70b", "Llama 3-70B"),
    ("llama3", "Llama 3-70B"),
    ("llama 2", "Llama 2-70B"),
    ("llama 3.2 vision", "Llama 3.2-90B Vision"),
    ("qwen3 235b", "Qwen3-235B-A22B"),
    ("qwen3-235b-a22b", "Qwen3-235B-A22B"),
    ("qwen 3 32b", "Qwen3-32B"),
    ("qwen2.5 72b", "Qwen2.5-72B-Instruct"),
    ("qwen 2.5 coder", "Qwen2.5-Coder-32B"),
    ("mistral 7b", "Mistral 7B"),
    ("mistral7b", "Mistral 7B"),
    ("mixtral 8x7b", "Mixtral 8x7B"),
    ("mistral large", "Mistral Large 2"),
    ("gemini 1.5 pro", "Gemini 1.5 Pro"),
    ("gemini 2 flash", "Gemini 2.0 Flash"),
    ("gemma 2 27b", "Gemma 2-27B"),
    ("alphafold3", "AlphaFold 3"),
    ("claude 3.5 sonnet", "Claude 3.5 Sonnet"),
    ("claude sonnet", "Claude 3.5 Sonnet"),
    ("claude 3 opus", "Claude 3 Opus"),
    ("stable-diffusion-xl", "Stable Diffusion XL (SDXL)"),
    ("stable diffusion xl", "Stable Diffusion XL (SDXL)"),
    ("sdxl", "Stable Diffusion XL (SDXL)"),
    ("stable diffusion 3.5", "Stable Diffusion 3.5 Large"),
    ("deepseek v3", "DeepSeek-V3"),
    ("deepseek-r1", "DeepSeek-R1"),
    ("phi3 mini", "Phi-3-mini"),
    ("phi 4", "Phi-4"),
    ("falcon 180b", "Falcon 180B"),
    ("glm4", "GLM-4-9B"),
    ("chatglm3", "ChatGLM3-6B"),
    ("command r+", "Command R+"),
    ("flux.1 dev", "FLUX.1 [dev]"),
    ("flux 1", "FLUX.1 [dev]"),
    ("jais 30b", "Jais-30B (Arabic)"),
    ("zurich 1", "Zürich-1"),
    ("ZÜRICH-1", "Zürich-1"),
    # Misspellings.
    ("mixtrl", "Mixtral 8x7B"),
    ("gemni 1.5 pro", "Gemini 1.5 Pro"),
    ("clade opus", "Claude 3 Opus"),
    ("whispr", "Whisper large-v3"),
    ("deepsek r1", "DeepSeek-R1"),
    # Half-typed names.
    ("alphaf", "AlphaFold 3"),
    ("mixt", "Mixtral 8x7B"),
    # Organizations, licences, words.
    ("anthropic haiku", "Claude 3 Haiku"),
    ("zhipu chatglm", "ChatGLM3-6B"),
    ("creativeml", "Stable Diffusion XL (SDXL)"),
    ("falcon licence", "Falcon 180B"),
    ("falcon license", "Falcon 180B"),
    ("mistral research license", "Mistral Large 2"),
    ("customization guide", "Zürich-1"),
    ("protein structures", "AlphaFold 3"),
    ("speech recognition", "Whisper large-v3"),
    ("arabic", "Jais-30B (Arabic)"),
    ("emirats", "Jais-30B (Arabic)"),
    ("llm for phones", "Phi-3-mini"),
]


def build():
    """The catalogue and its synonyms, written through the ORM (so the receivers index it)."""
    categories = {
        is_open: Category.objects.create(name=name, short_name=short, slug=slug, position=n)
        for n, (name, short, slug, is_open) in enumerate(CATEGORIES)
    }
    organizations = {
        name: Organization.objects.create(name=name, slug=slugify(name)) for name in ORGANIZATIONS
    }
    for name, organization, is_open, licence, summary in ENTRIES:
        ModelEntry.objects.create(
            name=name,
            slug=slugify(name) or "entry",
            organization=organizations[organization],
            category=categories[is_open],
            licence_name=licence,
            summary=summary,
            status=Status.PUBLISHED,
        )
    Synonym.objects.all().delete()
    Synonym.objects.bulk_create(Synonym(terms=terms) for terms in SYNONYMS)
    synonyms.forget()


@dataclass(frozen=True)
class Answer:
    query: str
    expected: str
    found: list  # the first three titles

    @property
    def rank(self):
        return self.found.index(self.expected) + 1 if self.expected in self.found else None


def answers(queries=QUERIES):
    """Each query's first three results."""
    found = []
    for query, expected in queries:
        results = engine.search(query, per_page=3)
        titles = [hit.title for hit in results.page] if results.page else []
        found.append(Answer(query, expected, titles))
    return found


def shares(found):
    """The shares answered right at rank 1 and in the top 3."""
    return (
        sum(a.rank == 1 for a in found) / len(found),
        sum(a.rank is not None for a in found) / len(found),
    )
