"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Without a Chromium they skip with the reason printed; with ``KB_REQUIRE_BROWSER=1`` (CI) a
missing browser is a failure instead. Screenshots of every step go to ``test-artifacts/``.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are
# still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
REQUIRE_BROWSER = os.environ.get("KB_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    if not browser_items:
        return
    reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if REQUIRE_BROWSER:
        raise pytest.UsageError(f"KB_REQUIRE_BROWSER=1 but {reason}")
    print(f"\nSkipping {len(browser_items)} browser tests: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, seed):
    """The live server's base URL, with the bundled content loaded."""
    return live_server.url


@pytest.fixture(autouse=True)
def short_timeouts(request):
    # A missing element fails in seconds, not after Playwright's default half minute.
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self, page):
        self.messages = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def _console(self, message):
        if not message.location.get("url") and "Content Security Policy" in message.text:
            # Raised by code the test evaluated, not by the site: axe-core injects the text of
            # @imported stylesheets (the admin's forms.css imports widgets.css) as <style>,
            # which the CSP refuses. The site's own violations name its page or script.
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.messages.append(f"console {message.type}: {message.text}")


@pytest.fixture
def problems(page):
    watcher = PageProblems(page)
    yield watcher
    assert watcher.messages == [], "\n".join(watcher.messages)


@pytest.fixture
def another_page(browser):
    """``another_page(**context_options)``: a page in a browser context of its own (its own
    cookies: a second person), watched for problems as ``problems`` watches ``page``."""
    contexts, watchers = [], []

    def open_page(**options):
        context = browser.new_context(**{"viewport": DESKTOP, **options})
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(10_000)
        watchers.append(PageProblems(opened))
        return opened

    yield open_page
    for context in contexts:
        context.close()
    messages = [message for watcher in watchers for message in watcher.messages]
    assert messages == [], "\n".join(messages)


@pytest.fixture
def shot(page, request):
    """``shot("step")`` saves a full-page screenshot of the current step; ``shot("step", x)``
    one of the element or page ``x``."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.png"):  # from an earlier run, whose steps may have differed
        stale.unlink()
    counter = iter(range(1, 1000))

    def take(step, target=None):
        """The whole of ``page`` (or of another page), or just the element ``target``."""
        path = folder / f"{next(counter):02d}-{step}.png"
        target = page if target is None else target
        options = {"full_page": True} if isinstance(target, Page) else {}
        target.screenshot(path=str(path), **options)
        return path

    return take


def assert_no_page_scroll(page):
    """Nothing wider than the viewport: no horizontal scroll of the whole page."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
