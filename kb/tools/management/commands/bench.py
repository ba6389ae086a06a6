"""``manage.py bench`` (run by ``make bench``): load figures for the README.

Fills the configured (scratch) database, starts ``make serve`` with 2 workers on 127.0.0.1, and
measures each page with wrk: requests per second, p50/p99 latency and errors (anything but a
2xx/3xx answer counts as an error, so a page that does not exist yet shows up as one), against
the same article's HTML served as a static file by whitenoise under the same gunicorn (the
ceiling of this stack). Then a soak at 64 connections checks for errors and for growth of the
workers' memory, and an in-process loop times uncached article renders.

``make bench`` points it at a scratch SQLite file; never run it against a database you keep.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from kb.catalogue.freshness import bump_content_version

from ...scratch_site import load_bundled_content, production_server, seed_article, status_of

# Pages to measure: (name, path). Extend freely; a path may use {article} for the seed article.
PAGES = [
    ("home", "/"),
    ("article", "{article}"),
    ("article with charts", "/articles/the-two-worlds-in-numbers/"),
    ("models, filtered", "/models/?category=open-source"),
    ("models, by openness", "/models/?category=open-source&min_openness=50&sort=openness"),
    ("compare categories", "/compare/"),
    ("compare models", "/compare/models/?m=llama-2&m=gpt-4"),
    ("search", "/search/?q=open+weights"),
    ("timeline", "/timeline/"),
]
STATIC_PATH = "bench/article.html"
SYNTHETIC = ["--entries", "100000", "--articles", "10000", "--seed", "42"]


def wrk(url, seconds, connections, script=None):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def latency_ms(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": latency_ms(50),
        "p99": latency_ms(99),
        "requests": int(number(r"(\d+) requests in")),
        "errors": int(number(r"Non-2xx or 3xx responses: (\d+)")) + socket_errors,
    }


def worker_rss_kb(master_pid):
    """Resident memory of each gunicorn worker (the master's children), in KB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[int(pid)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return sizes


class Command(BaseCommand):
    help = "Measure the site under load with wrk (see the README's Benchmark section)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=20, help="per page (default 20)")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--soak-seconds", type=int, default=60)
        parser.add_argument("--soak-connections", type=int, default=64)
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--skip-fill", action="store_true", help="use the data as it is")
        parser.add_argument(
            "--first-render-only",
            action="store_true",
            help="only each page's first render after a content change (no server, no wrk)",
        )

    def handle(self, *args, **options):
        if not shutil.which("wrk") and not options["first_render_only"]:
            raise CommandError("wrk is not installed: apt-get install -y wrk")
        base = f"http://127.0.0.1:{options['port']}"
        self.load_at_start = Path("/proc/loadavg").read_text().split()[0]
        if not options["skip_fill"]:
            self.fill()
        article = seed_article()
        pages = [(name, path.format(article=article.get_absolute_url())) for name, path in PAGES]
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["first_render_only"]:
            self.report_first_render(self.first_render_ms(pages))
            return
        static_file = self.write_static_copy(article)
        render = self.uncached_render_ms(article)
        first = self.first_render_ms(pages)
        try:
            with production_server(options["port"], self.stdout, log_name="kb-bench") as server:
                rows = self.measure(base, pages, static_file, options)
                soak = self.soak(base, pages, server, options)
        finally:
            static_file.unlink(missing_ok=True)
        self.report(rows, soak, render, first, options)

    def fill(self):
        self.stdout.write("Filling the scratch database ...")
        load_bundled_content()
        # Beside the bundled content (the pages measured show it), in this scratch database.
        self.stdout.write("Synthetic data: generate_data " + " ".join(SYNTHETIC))
        call_command("generate_data", *SYNTHETIC, "--force")

    def write_static_copy(self, article):
        """The article's HTML as whitenoise will serve it (collected before the server starts)."""
        with override_settings(KB_PAGE_CACHE=False):
            html = Client(HTTP_HOST="127.0.0.1").get(article.get_absolute_url()).content
        path = Path(settings.STATIC_ROOT) / STATIC_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(html)
        return path

    def uncached_render_ms(self, article, runs=300, after_changes=5):
        """Full Django request handling of the article with the page cache off, in process:
        as it usually is, and right after a content change (its generated blocks, built once
        per content version, are built again)."""
        client = Client(HTTP_HOST="127.0.0.1")

        def render_ms():
            start = time.perf_counter()
            assert client.get(article.get_absolute_url()).status_code == 200
            return (time.perf_counter() - start) * 1000

        with override_settings(KB_PAGE_CACHE=False):
            changed = []
            for _ in range(after_changes):
                bump_content_version()
                changed.append(render_ms())
            times = sorted(render_ms() for _ in range(runs))
        return {
            "p50": statistics.median(times),
            "p99": times[int(len(times) * 0.99) - 1],
            "after_change": statistics.median(changed),
        }

    def first_render_ms(self, pages, runs=3):
        """Each page's first render after a content change (an import, an editor's save): full
        Django request handling in process, the page cache off and the content version moved
        on before each, so nothing built for the previous version is reused. The median of
        ``runs``, in wall-clock time and in this process's CPU time (SQLite runs in the process):
        on a shared machine the CPU time says more, since waiting for a core is not counted."""
        client = Client(HTTP_HOST="127.0.0.1")
        result = {}
        with override_settings(KB_PAGE_CACHE=False):
            for name, path in pages:
                times, cpu_times = [], []
                for _ in range(runs):
                    bump_content_version()
                    start, cpu_start = time.perf_counter(), time.process_time()
                    status = client.get(path).status_code
                    times.append((time.perf_counter() - start) * 1000)
                    cpu_times.append((time.process_time() - cpu_start) * 1000)
                result[name] = (status, statistics.median(times), statistics.median(cpu_times))
        return result

    def measure(self, base, pages, static_file, options):
        """Each page, between two runs of the static ceiling; ratios use the faster ceiling
        (other load on the machine only ever lowers a run)."""
        static = ("static file (ceiling)", f"/static/{STATIC_PATH}")
        rows = [self.run_one(base, *static, options)]
        rows += [self.run_one(base, name, path, options) for name, path in pages]
        rows.append(self.run_one(base, *static, options))
        ceiling = max(rows[0]["rps"], rows[-1]["rps"])
        for row in rows:
            row["ratio"] = row["rps"] / ceiling if ceiling else float("nan")
        return rows

    def run_one(self, base, name, path, options):
        status = status_of(base + path)
        self.stdout.write(f"  {name}: {path} (HTTP {status}) ...")
        result = wrk(base + path, options["seconds"], options["connections"])
        return {"name": name, "path": path, "status": status, **result}

    def soak(self, base, pages, server, options):
        master = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
        found = [path for _, path in pages if status_of(base + path) == 200]
        paths = ", ".join(f'"{path}"' for path in found)
        script = Path(tempfile.gettempdir()) / f"kb-bench-soak-{os.getpid()}.lua"
        script.write_text(
            f"paths = {{{paths}}}\ni = 0\nrequest = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n'
        )
        self.stdout.write(f"  soak: {options['soak_connections']} connections, {found} ...")
        before = worker_rss_kb(master)
        result = wrk(base, options["soak_seconds"], options["soak_connections"], str(script))
        after = worker_rss_kb(master)
        script.unlink()
        growth = max(
            (after[pid] - before[pid]) / before[pid] * 100 for pid in before if pid in after
        )
        return {**result, "before": before, "after": after, "growth": growth}

    def report(self, rows, soak, render, first, options):
        out = self.stdout.write
        out("")
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        out(
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.cpu_count()} cores "
            f"({cpu.group(1) if cpu else 'unknown CPU'}) · Python {sys.version.split()[0]} · "
            f"load average at the start {self.load_at_start}"
        )
        out(f"wrk: 1 thread, {options['connections']} connections, {options['seconds']} s per page")
        out("| page | path | HTTP | requests/s | p50 ms | p99 ms | errors | vs static |")
        out("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            ratio = f"{row['ratio']:.0%}"
            out(
                f"| {row['name']} | `{row['path']}` | {row['status']} | {row['rps']:.0f} "
                f"| {row['p50']:.2f} | {row['p99']:.2f} | {row['errors']} | {ratio} |"
            )
        out("")
        out(
            f"Soak: {options['soak_connections']} connections, {options['soak_seconds']} s: "
            f"{soak['requests']} requests, {soak['rps']:.0f}/s, p99 {soak['p99']:.2f} ms, "
            f"{soak['errors']} errors; {len(soak['before'])} workers' RSS before {sorted(soak['before'].values())} KB, "
            f"after {sorted(soak['after'].values())} KB, largest growth {soak['growth']:.1f}%"
        )
        out("")
        self.report_first_render(first)
        out(
            f"Uncached article render (in process, full middleware): p50 {render['p50']:.2f} ms, "
            f"p99 {render['p99']:.2f} ms; right after a content change (median of 5) "
            f"{render['after_change']:.0f} ms"
        )
        errors = soak["errors"] + sum(row["errors"] for row in rows if row["status"] == 200)
        if errors or soak["growth"] >= 20:
            out(self.style.ERROR("Errors or memory growth over 20% on pages that exist."))
            sys.exit(1)

    def report_first_render(self, first):
        out = self.stdout.write
        out(
            f"First render after a content change (in process, page cache off, median of 3; "
            f"load average now {Path('/proc/loadavg').read_text().split()[0]}):"
        )
        out("| page | HTTP | first render ms | of which CPU ms |")
        out("| --- | --- | ---: | ---: |")
        for name, (status, ms, cpu_ms) in first.items():
            out(f"| {name} | {status} | {ms:.1f} | {cpu_ms:.1f} |")
