"""``manage.py audit`` (run by ``make audit``): Lighthouse scores for the README.

Fills the configured (scratch) database with the bundled content, starts ``make serve`` (the
production way: gunicorn, debug off, whitenoise, hashed static files) on 127.0.0.1, and runs
Lighthouse with headless Chromium on each page in ``PAGES``, ``--runs`` times (the run with the
median performance score counts, as Lighthouse's own advice goes). It prints the four category
scores of each page as a Markdown table, lists what Lighthouse flagged, and keeps the JSON and
HTML reports of the counted runs in ``--output``. Exits with 1 when a score is under ``--target``.

``make audit`` installs Lighthouse into ``.audit/node_modules`` and points this command at a
scratch SQLite file there; never run it against a database you keep.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...scratch_site import load_bundled_content, production_server, seed_article, status_of

# Pages to audit: (name, path); a path may use {article} for the seed article.
PAGES = [
    ("home", "/"),
    ("article", "{article}"),
    ("models", "/models/"),
    ("search", "/search/?q=open+weights"),
]
CATEGORIES = [
    ("performance", "performance"),
    ("accessibility", "accessibility"),
    ("best-practices", "best practices"),
    ("seo", "SEO"),
]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
# Lighthouse sometimes fails to record a page load's trace (NO_NAVSTART on a busy machine) and
# says to run it again: it is, up to this many times in all, before the audit gives up.
RUN_AGAIN = "Please run Lighthouse again"
ATTEMPTS = 3
# Audits that carry no pass or fail: never listed as flagged.
UNSCORED_MODES = {"informative", "notApplicable", "manual"}
PASS_SCORE = 0.9  # Lighthouse shows an audit scoring under 0.9 as failed or "needs improvement".


def percent(score):
    """A category score as Lighthouse shows it: 0 to 100, or None when it could not be scored."""
    return None if score is None else round(score * 100)


def parse_result(lhr):
    """What the audit reports from one Lighthouse result (the JSON ``lhr`` object).

    ``flagged`` holds the audits that failed or need improvement; ``not_run`` the ones
    Lighthouse could not run (an error in its own gatherers, not a finding about the page).
    """
    audits = lhr["audits"]
    scores, flagged, not_run = {}, [], []
    for category_id, label in CATEGORIES:
        category = lhr["categories"].get(category_id)
        scores[category_id] = percent(category["score"]) if category else None
        for ref in category["auditRefs"] if category else []:
            audit = audits[ref["id"]]
            mode = audit.get("scoreDisplayMode")
            if mode == "error":
                not_run.append({"title": audit["title"], "detail": audit.get("errorMessage", "")})
            elif (
                mode not in UNSCORED_MODES
                and audit.get("score") is not None
                and audit["score"] < PASS_SCORE
            ):
                flagged.append(
                    {
                        "category": label,
                        "id": ref["id"],
                        "title": audit["title"],
                        "detail": audit.get("displayValue") or "",
                        "items": flagged_items(audit),
                    }
                )
    runtime_error = lhr.get("runtimeError")
    environment = lhr.get("environment", {})
    config = lhr.get("configSettings", {})
    return {
        "url": lhr.get("finalDisplayedUrl") or lhr.get("finalUrl"),
        "scores": scores,
        "flagged": flagged,
        "not_run": not_run,
        "error": runtime_error["message"] if runtime_error else None,
        "lighthouse": lhr.get("lighthouseVersion"),
        "user_agent": environment.get("hostUserAgent", ""),
        "benchmark_index": environment.get("benchmarkIndex"),
        "form_factor": config.get("formFactor"),
        "throttling": config.get("throttlingMethod"),
    }


def flagged_items(audit, limit=5):
    """The first few elements or URLs an audit names (where in the page to look)."""
    items = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        node = item.get("node") if isinstance(item, dict) else None
        if node:
            items.append(node.get("selector") or node.get("snippet", ""))
        elif isinstance(item, dict) and item.get("url"):
            items.append(item["url"])
    return items


def median_run(results):
    """The run with the median performance score (the lower middle one of an even count)."""
    ordered = sorted(results, key=lambda result: result["scores"]["performance"] or 0)
    return ordered[(len(ordered) - 1) // 2]


def score_table(rows):
    """The Markdown table of scores: rows are (page name, path, parsed result)."""
    header = ["page", "path", *(label for _, label in CATEGORIES)]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- | --- |" + " ---: |" * len(CATEGORIES),
    ]
    for name, path, result in rows:
        scores = [result["scores"][category_id] for category_id, _ in CATEGORIES]
        cells = ["n/a" if score is None else str(score) for score in scores]
        lines.append(f"| {name} | `{path}` | " + " | ".join(cells) + " |")
    return lines


def under_target(rows, target):
    """(page, category label, score) for each score missing the target (a missing score does)."""
    return [
        (name, label, result["scores"][category_id])
        for name, _, result in rows
        for category_id, label in CATEGORIES
        if result["scores"][category_id] is None or result["scores"][category_id] < target
    ]


class Command(BaseCommand):
    help = "Run Lighthouse on the main pages served the production way (see the README)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--lighthouse",
            default=str(Path(settings.BASE_DIR) / ".audit/node_modules/.bin/lighthouse"),
            help="the Lighthouse command (default: the one make audit installs)",
        )
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / ".audit"))
        parser.add_argument("--runs", type=int, default=3, help="per page (default 3)")
        parser.add_argument("--target", type=int, default=95, help="lowest acceptable score")
        parser.add_argument("--skip-fill", action="store_true", help="use the data as it is")
        parser.add_argument(
            "--page",
            action="append",
            choices=[name for name, _ in PAGES],
            help="audit only this page (repeatable; default: all)",
        )

    def handle(self, *args, **options):
        chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
        if not Path(chrome).exists():
            raise CommandError(f"No Chromium at {chrome}: apt-get install -y chromium")
        lighthouse = shutil.which(options["lighthouse"])
        if not lighthouse:
            raise CommandError(f"No Lighthouse at {options['lighthouse']}: run make audit.")
        output = Path(options["output"])
        (output / "runs").mkdir(parents=True, exist_ok=True)
        load_at_start = Path("/proc/loadavg").read_text().split()[0]
        if not options["skip_fill"]:
            self.stdout.write("Loading the bundled content into the scratch database ...")
            load_bundled_content()
        article = seed_article().get_absolute_url()
        pages = [
            (name, path.format(article=article))
            for name, path in PAGES
            if not options["page"] or name in options["page"]
        ]
        base = f"http://127.0.0.1:{options['port']}"
        env = {**os.environ, "CHROME_PATH": chrome}
        rows = []
        with production_server(options["port"], self.stdout, log_name="kb-audit"):
            for name, path in pages:
                status = status_of(base + path)  # also fills the page cache, as visitors find it
                if status != 200:
                    raise CommandError(f"{path} answered HTTP {status}, not 200.")
                results = [
                    self.lighthouse(lighthouse, env, base + path, output, name, run)
                    for run in range(1, options["runs"] + 1)
                ]
                counted = median_run(results)
                for suffix in ("json", "html"):
                    shutil.copyfile(
                        counted["report"].with_suffix(f".{suffix}"),
                        output / f"{name}.report.{suffix}",
                    )
                rows.append((name, path, counted))
        self.report(rows, load_at_start, options)

    def lighthouse(self, lighthouse, env, url, output, name, run):
        self.stdout.write(f"  {name} (run {run}): {url} ...")
        stem = output / "runs" / f"{name}-{run}"
        command = [
            lighthouse,
            url,
            "--output=json",
            "--output=html",
            f"--output-path={stem}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=" + ",".join(category_id for category_id, _ in CATEGORIES),
            "--quiet",
        ]
        report = stem.with_name(f"{stem.name}.report.json")
        for _attempt in range(ATTEMPTS):
            finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            if finished.returncode == 0 or RUN_AGAIN not in finished.stderr:
                break
            self.stdout.write(
                f"    Lighthouse asks to be run again: {finished.stderr.strip()[-200:]}"
            )
        if finished.returncode != 0 or not report.exists():
            raise CommandError(f"Lighthouse failed on {url}:\n{finished.stderr[-2000:]}")
        result = parse_result(json.loads(report.read_text()))
        if result["error"]:
            raise CommandError(f"Lighthouse could not audit {url}: {result['error']}")
        return {**result, "report": report}

    def report(self, rows, load_at_start, options):
        out = self.stdout.write
        first = rows[0][2]
        out("")
        out(
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · Lighthouse "
            f"{first['lighthouse']} · {first['user_agent']} · {first['form_factor']}, "
            f"{first['throttling']} throttling · benchmark index {first['benchmark_index']} · "
            f"median of {options['runs']} run(s) by performance · load average at the start "
            f"{load_at_start}"
        )
        for line in score_table(rows):
            out(line)
        for name, _, result in rows:
            for flag in result["flagged"]:
                where = "; ".join(flag["items"])
                out(
                    f"  {name} · {flag['category']} · {flag['title']}"
                    + (f" ({flag['detail']})" if flag["detail"] else "")
                    + (f": {where}" if where else "")
                )
        not_run = {
            flag["title"]: flag["detail"] for _, _, result in rows for flag in result["not_run"]
        }
        if not_run:
            out("Lighthouse could not run (errors in its own gatherers, not findings):")
            for title, detail in not_run.items():
                out(f"  {title}: {detail}")
        out(f"Reports: {options['output']}/<page>.report.html and .json")
        missed = under_target(rows, options["target"])
        if missed:
            listed = ", ".join(f"{name} {label} {score}" for name, label, score in missed)
            out(self.style.ERROR(f"Under the target of {options['target']}: {listed}"))
            sys.exit(1)
