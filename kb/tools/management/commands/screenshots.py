"""``manage.py screenshots`` (run by ``make screenshots``): every kind of page, as a reader sees it.

Fills the configured (scratch) database with the bundled content and the Epoch AI catalogue,
starts ``make serve`` (the production way) on 127.0.0.1, and saves each page in ``PAGES`` with
headless Chromium at a phone's and a wide screen's width, in the light colour scheme and the
dark, into ``--output`` (``docs/screenshots/`` by default), named ``NAME-WIDTH-SCHEME.png``.
Pages taller than ``MAX_HEIGHT`` are cut there: the top of a long page is what is looked at.

``make screenshots`` points this command at a scratch SQLite file in ``.screenshots/``; never run
it against a database you keep.
"""

import io
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from PIL import Image

from ...scratch_site import load_bundled_content, production_server, seed_article, status_of

# (name, path); {article}, {family} and {variant} are filled from the data. Admin pages are
# seen logged in.
PAGES = [
    ("home", "/"),
    ("articles", "/articles/"),
    ("article", "{article}"),
    ("article-charts", "/articles/the-two-worlds-in-numbers/"),
    ("category", "/categories/open-source/"),
    ("organization", "/organizations/meta/"),
    ("directory", "/models/"),
    ("directory-filtered", "/models/?category=open-source&sort=largest"),
    ("model", "/models/llama-2/"),
    ("model-family", "{family}"),
    ("model-variant", "{variant}"),
    ("category-comparison", "/compare/"),
    ("model-comparison", "/compare/models/?m=llama-2&m=gpt-4&m=mistral"),
    ("timeline", "/timeline/"),
    ("search", "/search/?q=llama"),
    ("search-nothing-found", "/search/?q=zzqxv"),
    ("open-data", "/data/"),
    ("not-found", "/no-such-page/"),
    ("admin-entry", "/admin/kb/modelentry/{entry_pk}/change/"),
    ("admin-article", "/admin/kb/article/{article_pk}/change/"),
]
WIDTHS = {"phone": 390, "wide": 1280}
SCHEMES = ["light", "dark"]
MAX_HEIGHT = 4000
COLOURS = 128
USERNAME = "screenshots"


def page_paths():
    """``PAGES`` with their placeholders filled from the scratch database."""
    from kb.catalogue.models import ModelEntry

    article = seed_article()
    variants = ModelEntry.objects.published().filter(family__isnull=False)
    variant = variants.select_related("family").order_by("-release_date", "name").first()
    if variant is None:
        raise CommandError("No published variant of a family: load the Epoch AI catalogue.")
    values = {
        "article": article.get_absolute_url(),
        "article_pk": article.pk,
        "family": variant.family.get_absolute_url(),
        "variant": variant.get_absolute_url(),
        "entry_pk": ModelEntry.objects.get(slug="llama-2").pk,
    }
    return [(name, path.format(**values)) for name, path in PAGES]


def save_small(png, target):
    """Save ``png`` with a palette of ``COLOURS`` colours: a third of the size, for the repository,
    with text as sharp (pages are flat colours)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


class Command(BaseCommand):
    help = "Screenshots of every kind of page at a phone's and a wide screen's width."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots")
        )
        parser.add_argument("--skip-fill", action="store_true", help="use the data as it is")
        parser.add_argument(
            "--page",
            action="append",
            choices=[name for name, _ in PAGES],
            help="only this page (repeatable; default: all)",
        )

    def handle(self, *args, **options):
        from playwright.sync_api import sync_playwright

        chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
        if not Path(chrome).exists():
            raise CommandError(f"No Chromium at {chrome}: apt-get install -y chromium")
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        if not options["skip_fill"]:
            self.stdout.write("Loading the bundled content and the Epoch AI catalogue ...")
            load_bundled_content(epoch=True)
        password = secrets.token_urlsafe(24)
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        pages = [
            (name, path)
            for name, path in page_paths()
            if not options["page"] or name in options["page"]
        ]
        base = f"http://127.0.0.1:{options['port']}"
        with production_server(options["port"], self.stdout, log_name="kb-screenshots"):
            for _, path in pages:
                status_of(base + path)  # fills the page cache, as visitors find it
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chrome, args=["--no-sandbox"])
                try:
                    self.shoot(browser, base, pages, output, password)
                finally:
                    browser.close()

    def shoot(self, browser, base, pages, output, password):
        for scheme in SCHEMES:
            reader = browser.new_context(color_scheme=scheme).new_page()
            editor = browser.new_context(color_scheme=scheme).new_page()
            editor.goto(base + "/admin/login/")
            editor.get_by_label("Username").fill(USERNAME)
            editor.get_by_label("Password").fill(password)
            editor.get_by_role("button", name="Log in").click()
            for label, width in WIDTHS.items():
                for name, path in pages:
                    page = editor if path.startswith("/admin/") else reader
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(base + path)
                    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                    target = output / f"{name}-{label}-{scheme}.png"
                    png = page.screenshot(
                        full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
                    )
                    save_small(png, target)
                    self.stdout.write(f"{target.name}  {path}")
            reader.context.close()
            editor.context.close()
