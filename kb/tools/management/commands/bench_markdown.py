"""``manage.py bench_markdown`` (run by ``make bench``, alone by ``make bench-markdown``): how
long one Markdown text takes to render, for texts built to be slow for a parser beside ordinary
articles, at several sizes up to the limit (``settings.KB_MARKDOWN_MAX_LENGTH``).

Each time is the CPU time of the whole conversion (parse, headings, sanitising), without the
per-process cache, the best of three; the search index's Markdown stripping is timed at the
largest size. Time in proportion to the text shows as a ratio near 2 between a size and half
of it; a parser that backtracks shows 4 (quadratic) or more.
"""

import platform
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.catalogue.bundled import read_content
from kb.search.indexing import plain_text
from kb.site.markdown import convert

from ...synthetic import Generator


def repeat(unit, tail=""):
    """``unit`` repeated to fill the length, then ``tail``."""
    return lambda length: unit * ((length - len(tail)) // len(unit)) + tail


def around(left, middle, right):
    """``left`` repeated, ``middle``, ``right`` repeated as often: nested delimiters."""

    def build(length):
        count = (length - len(middle)) // (len(left) + len(right))
        return left * count + middle + right * count

    return build


def growing_backtick_runs(length):
    """Code-span openers of every length from 1 up, none closed."""
    parts, total, n = [], 0, 1
    while total + n + 1 <= length:
        parts.append("`" * n + "a")
        total, n = total + n + 1, n + 1
    return "".join(parts)


def reference_definitions(length):
    """As many distinct link reference definitions as fit in half the text, then a use of each."""
    count = length // 22
    definitions = "".join(f"[r{n}]: /u{n}\n" for n in range(count))
    uses = "".join(f"[r{n}] " for n in range(count))
    return (definitions + "\n" + uses)[:length]


def wide_table(length):
    """A table with as many columns as fit in a third of the text, and rows of one cell each
    (which the parser fills up to the header's width)."""
    columns = length // 6
    header = "|" + "a|" * columns + "\n" + "|-" * columns + "|\n"
    return header + "|x\n" * ((length - len(header)) // 3)


# Texts built to be slow for a Markdown parser: the first ones took Python-Markdown from 13 s to
# minutes (issue #12), the others are more of their kind. Each builds a text of about the given
# length.
PATHOLOGICAL = {
    "[ repeated": repeat("["),
    "## h lines": repeat("## h\n"),
    "<http://a repeated": repeat("<http://a"),
    "[a]( repeated": repeat("[a]("),
    "![ repeated": repeat("!["),
    "[^ repeated": repeat("[^"),
    "[x]: repeated": repeat("[x]: "),
    "<a repeated": repeat("<a "),
    "*…a…* nested": around("*", "a", "*"),
    "_…a…_ nested": around("_", "a", "_"),
    "**_…a…_** nested": around("**_", "a", "_**"),
    "*a_ repeated": repeat("*a_"),
    "**a repeated": repeat("**a "),
    "` x repeated": repeat("` x"),
    "backtick runs 1, 2, 3, …": growing_backtick_runs,
    "> nested quotes": repeat(">", " a"),
    "- nested lists": repeat("- ", "a"),
    "> - nested quote and list": repeat("> - ", "a"),
    "<div> lines": repeat("<div>\n"),
    "<b><i><a> unclosed": repeat("<b><i><a>"),
    "&# repeated": repeat("&#"),
    "\\ repeated": repeat("\\"),
    "~~~ lines": repeat("~~~\n"),
    "reference definitions": reference_definitions,
    "table, many columns and rows": wide_table,
}


def ordinary_articles():
    """The bundled article and a generated one, each as it is and repeated to a length."""
    bundled = read_content()["articles"][0]["body"]
    generated = Generator(seed=42).article(1, ["Llama 2", "Mistral 7B", "GPT-4"])["body"]
    return {
        "bundled article, repeated": repeat(bundled + "\n\n"),
        "generated article, repeated": repeat(generated + "\n\n"),
    }, {"bundled article": bundled, "generated article": generated}


def cpu_ms(function, text, runs=3):
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        function(text)
        best = min(best, time.process_time() - start)
    return best * 1000


def render(text):
    return convert.__wrapped__(text)  # past the per-process cache


class Command(BaseCommand):
    help = "Time the Markdown pipeline on pathological and ordinary texts (README, Benchmark)."

    def add_arguments(self, parser):
        limit = settings.KB_MARKDOWN_MAX_LENGTH
        parser.add_argument(
            "--sizes",
            default=f"{limit // 4},{limit // 2},{limit}",
            help="text lengths in characters, comma-separated (default: a quarter, half, the limit)",
        )

    def handle(self, *args, **options):
        sizes = [int(size) for size in options["sizes"].split(",")]
        out = self.stdout.write
        out(
            f"Markdown rendering, CPU ms (best of 3), Python {platform.python_version()}, "
            f"limit {settings.KB_MARKDOWN_MAX_LENGTH:,} characters"
        )
        repeated, as_written = ordinary_articles()
        for name, text in as_written.items():
            out(f"{name} ({len(text):,} characters): {cpu_ms(render, text):.2f} ms")
        sized = " | ".join(f"{size:,} chars" for size in sizes)
        out(f"| text | {sized} | ratio | search text, {sizes[-1]:,} chars |")
        out("| --- |" + " ---: |" * (len(sizes) + 2))
        worst = 0.0
        for name, build in {**repeated, **PATHOLOGICAL}.items():
            try:
                times = [cpu_ms(render, build(size)) for size in sizes]
            except RecursionError:  # Python-Markdown's answer to deeply nested lists
                out(f"| {name} | fails: RecursionError |")
                continue
            ratio = times[-1] / times[-2] if len(times) > 1 and times[-2] else float("nan")
            stripping = cpu_ms(plain_text, build(sizes[-1]))
            cells = " | ".join(f"{t:,.0f}" for t in times)
            out(f"| {name} | {cells} | {ratio:.1f} | {stripping:,.0f} |")
            worst = max(worst, times[-1])
        out(f"Slowest text at {sizes[-1]:,} characters: {worst:,.0f} ms")
