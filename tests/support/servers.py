"""Real app processes for the tests: a scratch database, gunicorn, and a TCP proxy to cut."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
ENV_NAMES = ("DJANGO_DEBUG", "DATABASE_URL", "KB_SQLITE_PATH", "DATABASE_REPLICA_URL")


def base_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(
        DJANGO_SECRET_KEY="test-only-not-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="kb.settings.prod",
    )
    env.update(extra)
    return env


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database_name(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def with_port(url, port):
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"{parts.hostname}:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def free_port():
    """A port nothing listens on now, for a server this test starts (tests run in parallel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_postgres_database(url):
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = with_database_name(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url):
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database_name(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, code):
    """Run Django code in a separate process on the scratch database."""
    script = (
        f"import django; django.setup()\nfrom django.core.management import call_command\n{code}"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)


def prepare_site(env):
    manage(
        env,
        "call_command('migrate', verbosity=0)\n"
        "call_command('createcachetable', verbosity=0)\n"
        "call_command('load_content', verbosity=0)\n"
        "call_command('collectstatic', interactive=False, verbosity=0)",
    )


class App:
    """One gunicorn process (one worker) serving kb.wsgi on 127.0.0.1:port, configured as
    ``make serve`` configures it (gunicorn.conf.py)."""

    def __init__(self, port, env):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                *(
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "kb.wsgi",
                    "--config",
                    ROOT / "gunicorn.conf.py",
                ),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn on port {port} exited") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn on port {port} did not start")

    def get(self, path, headers=None):
        """(status, headers, body text) of a GET, errors included.

        Every app is asked for the same public host name, as behind a load balancer: pages
        carry absolute (canonical) URLs, which would otherwise differ by port."""
        headers = {"Host": "localhost", **(headers or {})}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def get_json(self, path):
        status, _, body = self.get(path)
        return status, json.loads(body)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def shut(sock):
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class TcpProxy:
    """Forwards 127.0.0.1:port to a target; ``cut()`` drops every connection and refuses new
    ones (the database going away), ``restore()`` listens again."""

    def __init__(self, port, target):
        self.port = port
        self.target = target
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = None

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self.listener.settimeout(0.1)
        listener = self.listener
        threading.Thread(target=self.accept, args=(listener,), daemon=True).start()

    def accept(self, listener):
        while listener is self.listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    def pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            shut(source)
            shut(sink)

    def cut(self):
        listener, self.listener = self.listener, None
        listener.close()
        with self.lock:
            for sock in self.sockets:
                shut(sock)
                sock.close()
            self.sockets.clear()


@contextmanager
def silent_server():
    """A port that takes connections and never answers (a database or cache that hangs): the
    kernel completes each connection into the listener's backlog, nothing reads or writes."""
    with socket.create_server(("127.0.0.1", 0), backlog=128) as listener:
        yield listener.getsockname()[1]


@contextmanager
def running(*apps):
    try:
        yield apps
    finally:
        for app in apps:
            app.stop()
