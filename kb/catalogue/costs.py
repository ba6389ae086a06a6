"""What a model costs to use, in one place for every page and record that shows it.

A hosted model costs its published API price (``ApiPrice``: per million input and output
tokens, read on a day from the maker's page). A model with downloadable weights costs the
memory to hold them, which is computed, not published: ``parameters × bits ÷ 8`` bytes at 16,
8 and 4 bits per parameter, in gigabytes of 10⁹ bytes with one decimal. It counts the weights
only (running a model needs more, for activations and the context), and all the parameters of a
mixture of experts, since every expert must be loaded even though only some are used per token.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Q
from django.utils.dateformat import format as format_date

from .facts import DATE_FORMAT, Fact
from .models import Access

BITS = (16, 8, 4)
GIGABYTE = 10**9
# The entries whose weights can be downloaded, so whose memory means something.
WEIGHTS_ACCESS = (Access.WEIGHTS, Access.BOTH)
NO_PRICE = "No published price recorded"
NO_WEIGHTS = "No downloadable weights"
NO_PARAMETERS = "Unknown: no parameter count recorded"


def weights_bytes(parameter_count, bits):
    return parameter_count * bits // 8


def gigabytes(n_bytes):
    """Bytes as gigabytes (10⁹ bytes) with one decimal, halves rounded up."""
    return (Decimal(n_bytes) / GIGABYTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def most_parameters_fitting(gb, bits):
    """The largest parameter count whose weights fit in ``gb`` gigabytes at ``bits`` bits."""
    return int(Decimal(gb) * GIGABYTE * 8 // bits)


def fits_in(gb, bits):
    """The entries whose weights can be downloaded and fit in ``gb`` gigabytes at ``bits``."""
    return Q(access__in=WEIGHTS_ACCESS, parameter_count__lte=most_parameters_fitting(gb, bits))


@dataclass(frozen=True)
class Size:
    bits: int
    gigabytes: Decimal

    def __str__(self):
        # A model of a few thousand parameters would read "0.0 GB", as if it needed nothing.
        if not self.gigabytes:
            return "under 0.1 GB"
        return f"{self.gigabytes} GB"


@dataclass(frozen=True)
class WeightsMemory:
    """The memory an entry's weights need; unknown (``known`` false) without a parameter count."""

    parameter_count: int | None
    active_parameter_count: int | None = None

    @property
    def known(self):
        return self.parameter_count is not None

    @property
    def sizes(self):
        """A ``Size`` per width, widest first; none when the parameter count is unknown."""
        if not self.known:
            return []
        return [Size(bits, gigabytes(weights_bytes(self.parameter_count, bits))) for bits in BITS]

    def at(self, bits):
        """The gigabytes at ``bits`` (a Decimal), or None when unknown."""
        return next((size.gigabytes for size in self.sizes if size.bits == bits), None)

    def size_at(self, bits):
        return next((size for size in self.sizes if size.bits == bits), None)

    @property
    def label(self):
        """How the figures were made, said beside them."""
        if not self.known:
            return f"{NO_PARAMETERS}, so it cannot be computed."
        label = f"Computed from {intcomma(self.parameter_count)} parameters"
        if self.active_parameter_count:
            label += f" (all of them; {intcomma(self.active_parameter_count)} are active per token)"
        return label + ", weights only; running needs more for activations and context."


def weights_memory(entry):
    """The memory ``entry``'s weights need, or None when it has no downloadable weights."""
    if entry.access not in WEIGHTS_ACCESS:
        return None
    return WeightsMemory(entry.parameter_count, entry.active_parameter_count)


def money(value):
    """A price in dollars with at least two decimals: 30 -> "$30.00", 0.075 -> "$0.075"."""
    text = plain(value)
    whole, _, cents = text.partition(".")
    return f"${intcomma(whole)}.{cents.ljust(2, '0')}"


def plain(value):
    """A number as written in a URL or a form: 2.5000 -> "2.5", 30 -> "30"."""
    return f"{Decimal(value).normalize():f}"


def api_price(entry):
    """The entry's published API price, or None. Reads ``entry.api_prices.all()``: prefetch it."""
    return next(iter(entry.api_prices.all()), None)


@dataclass(frozen=True)
class Costs:
    """What ``entry`` costs to use: its API price (or None) and the memory its weights need
    (None without downloadable weights)."""

    price: object
    memory: WeightsMemory | None


def entry_costs(entry):
    return Costs(api_price(entry), weights_memory(entry))


def cost_facts(entry):
    """The costs as facts, keyed by name, for a table that compares models row by row: the API
    price in and out (linked to its source, with its date), and the memory at each width."""
    price, memory = api_price(entry), weights_memory(entry)
    facts = {}
    for key, label, field in (
        ("price_input", "API price, input per million tokens", "input_per_million"),
        ("price_output", "API price, output per million tokens", "output_per_million"),
    ):
        if price is None:
            facts[key] = Fact(key, label, NO_PRICE, known=False)
        else:
            as_of = format_date(price.as_of, DATE_FORMAT)
            text = f"{money(getattr(price, field))} (as of {as_of})"
            facts[key] = Fact(key, label, text, url=price.source_url)
    for bits in BITS:
        key, label = f"memory_{bits}", f"Memory for the weights at {bits} bits (computed)"
        if memory is None:
            facts[key] = Fact(key, label, NO_WEIGHTS, known=False)
        elif not memory.known:
            facts[key] = Fact(key, label, NO_PARAMETERS, known=False)
        else:
            facts[key] = Fact(key, label, str(memory.size_at(bits)))
    return facts


def cost_values(entry):
    """The numbers behind ``cost_facts`` (None where unknown), to tell which is least."""
    price, memory = api_price(entry), weights_memory(entry)
    values = {
        "price_input": price and price.input_per_million,
        "price_output": price and price.output_per_million,
    }
    for bits in BITS:
        values[f"memory_{bits}"] = memory.at(bits) if memory else None
    return values
