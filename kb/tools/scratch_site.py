"""The site served the production way on a scratch database, for ``bench`` and ``audit``.

Both commands run on a throwaway database (the Makefile points ``KB_SQLITE_PATH`` at a file in
``.bench/`` or ``.audit/``), fill it with the bundled content and start ``make serve`` (gunicorn,
debug off, whitenoise with hashed static files) on 127.0.0.1.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

SEED_ARTICLE = "open-source-vs-closed-models"


def load_bundled_content(epoch=False):
    """Migrate the scratch database and load the bundled content (the seed article, its models;
    with ``epoch``, the Epoch AI catalogue too, as ``make run`` serves it)."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("load_content", verbosity=0, epoch=epoch)


def seed_article():
    from kb.catalogue.models import Article

    article = Article.objects.published().filter(slug=SEED_ARTICLE).first()
    if article is None:
        raise CommandError("The seed article is missing: load the bundled content first.")
    return article


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def refuse_busy_port(port):
    """Another server on the port would answer /healthz and be measured in our place."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise CommandError(f"Something already listens on 127.0.0.1:{port}: choose --port.")


@contextmanager
def production_server(port, stdout, workers=2, log_name="kb-server"):
    """``make serve`` on 127.0.0.1:port until the block ends; yields the ``make`` process."""
    refuse_busy_port(port)
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    log = Path(tempfile.gettempdir()) / f"{log_name}-{port}.log"
    stdout.write(f"Starting make serve on 127.0.0.1:{port} (its log: {log})")
    with open(log, "w") as log_file:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(server, port, log)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_healthy(server, port, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            if server.poll() is not None:
                raise CommandError(f"make serve exited; see {log}.") from None
            time.sleep(0.5)
    raise CommandError("The server did not answer /healthz within two minutes.")
