import os
import platform
import random
import re
import statistics
import time
from datetime import date
from functools import reduce
from operator import and_, or_

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q

from kb.catalogue.text import fold
from kb.search import engine
from kb.search.models import Kind, SearchDocument
from kb.search.names import WORD, name_key
from kb.search.query import STOP_WORDS

TEXT_FIELDS = ("title", "summary", "facts", "body")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def misspell(word, rng):
    """One edit: a letter dropped, doubled, replaced, or two neighbours swapped."""
    i = rng.randrange(1, len(word) - 1)
    edits = [
        word[:i] + word[i + 1 :],
        word[:i] + word[i] + word[i:],
        word[:i] + rng.choice("aeiourstln") + word[i + 1 :],
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],
    ]
    return rng.choice([edit for edit in edits if edit != word])


def query_mix(count, seed):
    """A fixed mix drawn from the indexed text: single words, two words, prefixes, misspellings.

    Words come from model names, organization names and entry summaries (what a visitor is
    likely to type), each distinct word equally likely, so that common and rare words both occur.
    """
    rng = random.Random(seed)
    sample = list(
        SearchDocument.objects.filter(kind=Kind.MODEL)
        .order_by("pk")
        .values_list("title", "facts", "summary")[:: max(1, SearchDocument.objects.count() // 3000)]
    )
    names, organizations, vocabulary = set(), set(), set()
    for title, facts, summary in sample:
        names.update(w for w in WORD.findall(fold(title)) if w.isalpha() and len(w) > 3)
        organizations.update(WORD.findall(fold(facts.split(" · ")[0])))
        vocabulary.update(WORD.findall(fold(summary)))
    vocabulary = {w for w in vocabulary if w.isalpha() and len(w) > 3 and w not in STOP_WORDS}
    names, organizations, words = sorted(names), sorted(organizations), sorted(vocabulary)
    if not (names and words):
        raise CommandError("No model entries to draw queries from: run generate_data first.")
    everything = names + organizations + words
    kinds = {
        "single word": lambda: rng.choice(everything),
        "two words": lambda: f"{rng.choice(names + organizations)} {rng.choice(words)}",
        "prefix": lambda: (w := rng.choice(everything))[: rng.randrange(3, max(4, len(w)))],
        "misspelling": lambda: misspell(rng.choice(names + words), rng),
    }
    mix = [name for name in kinds for _ in range(count // len(kinds))]
    mix += list(kinds)[: count - len(mix)]
    return [(kind, kinds[kind]()) for kind in mix]


def typed_name(title):
    """A name as people type it: lower case, punctuation gone, a number joined to the word before
    it ("GPT-4o (Aug 2024)" as ``gpt4o aug 2024``)."""
    return re.sub(r"(?<=[a-z]) (?=\d)", "", name_key(title))


def name_mix(count, seed):
    """Model names drawn from the catalogue: as written (parentheses, dots, plus signs,
    non-ASCII) and as typed (see ``typed_name``), half each."""
    rng = random.Random(seed)
    titles = list(
        SearchDocument.objects.filter(kind=Kind.MODEL)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    if not titles:
        raise CommandError("No model entries to draw names from.")
    chosen = [rng.choice(titles) for _ in range(count)]
    half = count // 2
    return [("name as written", t) for t in chosen[:half]] + [
        ("name as typed", typed_name(t)) for t in chosen[half:]
    ]


def icontains_page(text, per_page=engine.PER_PAGE):
    """The same page answered without the index: every word in some field, by ``icontains``."""
    words = WORD.findall(fold(text)) or [text]
    documents = SearchDocument.objects.filter(
        reduce(
            and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in TEXT_FIELDS)) for w in words)
        )
    )
    total = documents.count()
    list(documents.values_list("kind", "organization__slug").annotate(n=Count("pk")).order_by())
    list(documents.values_list("categories__slug").annotate(n=Count("pk")).order_by())
    list(documents.order_by("pk").values("kind", "title", "url", "context")[:per_page])
    return total


def timed(function, argument, repeat=1):
    """The median wall-clock and CPU time (of this process) of ``repeat`` calls, in milliseconds
    (the median resists the pauses a machine shared with other work adds; CPU time, what the
    calls cost whatever else runs)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function(argument)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def server_cpu():
    """The CPU time, in milliseconds, that this connection's PostgreSQL backend has used, when
    the server runs on this machine (read from /proc); else None (SQLite runs in this process,
    so its CPU time is this process's)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def load():
    return "load average " + " / ".join(f"{n:.2f}" for n in os.getloadavg())


class Command(BaseCommand):
    help = (
        "Time the search on the configured database: a fixed mix of queries (single words, two "
        "words, prefixes, misspellings), each answered as the search page needs it (matches, "
        "counts and facets, the first page with snippets). Prints p50 and p95 latency and the "
        "ratio against the same page answered with icontains filters. Fill the database with "
        "generate_data first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--repeat", type=int, default=3, help="Times each query; the median counts."
        )
        parser.add_argument(
            "--names",
            type=int,
            default=0,
            help="Also time this many model names from the catalogue, as written and as typed.",
        )
        parser.add_argument(
            "--baseline-queries",
            type=int,
            default=40,
            help="How many of the queries also run through icontains (it is slow at scale).",
        )

    def handle(self, *args, queries, seed, repeat, names, baseline_queries, **options):
        mix = query_mix(queries, seed) + (name_mix(names, seed) if names else [])
        documents = SearchDocument.objects.count()
        self.stdout.write(
            f"{connection.vendor} ({connection.settings_dict['NAME']}), {documents} documents, "
            f"{len(mix)} queries, each timed {repeat} times; {date.today()}, {platform.machine()}, "
            f"{platform.python_implementation()} {platform.python_version()}"
        )
        for _, text in mix:  # once untimed, so that every run starts from a warm cache
            engine.search(text)
        self.stdout.write(f"{load()} (1, 5, 15 minutes) before")
        server_before = server_cpu()
        measured = [timed(engine.search, text, repeat) for _, text in mix]
        server_after = server_cpu()
        timings = [wall for wall, _ in measured]
        cpu = [cpu for _, cpu in measured]
        self.report("search", timings, cpu)
        for kind in dict(mix):
            chosen = [n for n, (k, _) in enumerate(mix) if k == kind]
            self.report(f"  {kind}", [timings[n] for n in chosen], [cpu[n] for n in chosen])
        slowest = sorted(zip(timings, mix, strict=True), reverse=True)[:5]
        self.stdout.write(
            "  slowest: " + ", ".join(f"{text!r} {ms:.1f} ms" for ms, (_, text) in slowest)
        )
        if server_before is not None:
            per_search = (server_after - server_before) / (len(mix) * repeat)
            self.stdout.write(f"database server CPU: {per_search:.1f} ms per search (mean)")
        self.stdout.write(f"{load()} (1, 5, 15 minutes) after")

        step = max(1, len(mix) // max(1, baseline_queries))
        subset = list(range(0, len(mix), step))[:baseline_queries]
        if not subset:
            return
        baseline = [timed(icontains_page, mix[i][1])[0] for i in subset]
        indexed = [timings[i] for i in subset]
        self.report(f"icontains ({len(subset)} of the queries)", baseline)
        self.report(f"search, the same {len(subset)}", indexed)
        self.stdout.write(
            f"ratio icontains / search: p50 {statistics.median(baseline) / statistics.median(indexed):.0f}x, "
            f"p95 {percentile(baseline, 0.95) / percentile(indexed, 0.95):.0f}x"
        )

    def report(self, label, values, cpu=None):
        cpu = (
            f"; CPU p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms"
            if cpu
            else ""
        )
        self.stdout.write(
            f"{label}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms (n={len(values)})"
            f"{cpu}"
        )
