"""``manage.py audit``: reading Lighthouse results and the score table (Lighthouse itself runs
only in ``make audit``)."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kb.tools.management.commands.audit import (
    Command,
    median_run,
    parse_result,
    score_table,
    under_target,
)

# A Lighthouse 12.2.3 result of /models/, trimmed to a few audits of each kind, with a contrast
# failure and the layout shift the directory once had.
FIXTURE = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "lighthouse_models.json"


@pytest.fixture
def lhr():
    return json.loads(FIXTURE.read_text())


def result_with(performance, accessibility=100, best_practices=100, seo=100):
    return {
        "scores": {
            "performance": performance,
            "accessibility": accessibility,
            "best-practices": best_practices,
            "seo": seo,
        }
    }


def test_scores_are_read_as_lighthouse_shows_them(lhr):
    result = parse_result(lhr)
    assert result["scores"] == {
        "performance": 80,
        "accessibility": 93,
        "best-practices": 100,
        "seo": 100,
    }
    assert result["url"] == "http://127.0.0.1:8471/models/"
    assert result["lighthouse"] == "12.2.3"
    assert result["form_factor"] == "mobile"
    assert result["throttling"] == "simulate"
    assert "HeadlessChrome/156" in result["user_agent"]
    assert result["error"] is None


def test_failed_audits_are_flagged_with_where_to_look(lhr):
    flagged = {flag["id"]: flag for flag in parse_result(lhr)["flagged"]}
    assert sorted(flagged) == ["color-contrast", "cumulative-layout-shift", "uses-text-compression"]
    assert flagged["color-contrast"]["category"] == "accessibility"
    assert flagged["color-contrast"]["items"] == ["div.results-bar > h2 > span.muted"]
    assert flagged["cumulative-layout-shift"]["detail"] == "0.384"
    assert flagged["uses-text-compression"]["items"] == ["http://127.0.0.1:8471/models/"]


def test_audits_lighthouse_could_not_run_are_listed_apart_not_as_findings(lhr):
    result = parse_result(lhr)
    assert [flag["title"] for flag in result["not_run"]] == [
        "Eliminate render-blocking resources",
        "Avoid large layout shifts",
    ]
    assert "frame_sequence" in result["not_run"][0]["detail"]
    flagged = {flag["id"] for flag in result["flagged"]}
    assert not flagged & {"render-blocking-resources", "layout-shifts", "image-alt", "diagnostics"}


def test_a_page_lighthouse_could_not_load_reports_its_error(lhr):
    lhr = copy.deepcopy(lhr)
    lhr["runtimeError"] = {"code": "ERRORED_DOCUMENT_REQUEST", "message": "Status code: 500."}
    lhr["categories"]["performance"]["score"] = None
    result = parse_result(lhr)
    assert result["error"] == "Status code: 500."
    assert result["scores"]["performance"] is None


def test_the_score_table_is_markdown_with_one_row_per_page(lhr):
    models = parse_result(lhr)
    unscored = copy.deepcopy(models)
    unscored["scores"]["seo"] = None
    lines = score_table([("models", "/models/", models), ("search", "/search/?q=x", unscored)])
    assert lines == [
        "| page | path | performance | accessibility | best practices | SEO |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        "| models | `/models/` | 80 | 93 | 100 | 100 |",
        "| search | `/search/?q=x` | 80 | 93 | 100 | n/a |",
    ]


def test_scores_under_the_target_are_named_and_a_missing_score_misses_it():
    rows = [
        ("home", "/", result_with(95)),
        ("models", "/models/", result_with(94, seo=None)),
    ]
    assert under_target(rows, 95) == [
        ("models", "performance", 94),
        ("models", "SEO", None),
    ]
    assert under_target(rows[:1], 95) == []


@pytest.mark.parametrize(
    ("performances", "counted"),
    [([90], 90), ([99, 80, 95], 95), ([100, 70, 96, 98], 96), ([None, 97, 99], 97)],
)
def test_the_run_with_the_median_performance_counts(performances, counted):
    runs = [result_with(score) for score in performances]
    assert median_run(runs)["scores"]["performance"] == counted


def test_the_command_refuses_to_run_without_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROME_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(CommandError, match="No Chromium at"):
        call_command("audit", output=str(tmp_path))


def test_the_command_refuses_to_run_without_lighthouse(monkeypatch, tmp_path):
    chromium = tmp_path / "chromium"
    chromium.touch()
    monkeypatch.setenv("CHROME_PATH", str(chromium))
    with pytest.raises(CommandError, match="No Lighthouse at"):
        call_command("audit", lighthouse=str(tmp_path / "lighthouse"), output=str(tmp_path))


def fake_lighthouse(tmp_path, failures, message):
    """A stand-in for Lighthouse that fails ``failures`` times with ``message``, then writes
    the fixture's result where the real one would."""
    script = tmp_path / "lighthouse"
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import pathlib, shutil, sys\n"
        f"count = pathlib.Path({str(tmp_path / 'count')!r})\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        f"if n < {failures}:\n"
        f"    sys.stderr.write({message!r})\n"
        "    sys.exit(1)\n"
        "stem = next(a for a in sys.argv if a.startswith('--output-path=')).split('=', 1)[1]\n"
        f"shutil.copyfile({str(FIXTURE)!r}, stem + '.report.json')\n"
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("failures", [1, 2])
def test_a_run_lighthouse_asks_to_repeat_is_run_again(tmp_path, failures):
    message = "Runtime error encountered: ... Please run Lighthouse again. (NO_NAVSTART)"
    script = fake_lighthouse(tmp_path, failures, message)
    (tmp_path / "runs").mkdir()
    result = Command().lighthouse(script, None, "http://x/", tmp_path, "home", 1)
    assert result["scores"] and (tmp_path / "count").read_text() == str(failures + 1)


@pytest.mark.parametrize(
    ("failures", "message"),
    [(3, "Please run Lighthouse again. (NO_NAVSTART)"), (1, "Chrome could not start")],
)
def test_other_failures_and_a_third_repeat_stop_the_audit(tmp_path, failures, message):
    script = fake_lighthouse(tmp_path, failures, message)
    (tmp_path / "runs").mkdir()
    with pytest.raises(CommandError, match="Lighthouse failed"):
        Command().lighthouse(script, None, "http://x/", tmp_path, "home", 1)
    assert int((tmp_path / "count").read_text()) == min(failures, 3)
