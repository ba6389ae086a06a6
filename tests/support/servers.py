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
    """One gunicorn process (one worker) serving kb.wsgi on 127.0.0.1, configured as
    ``make serve`` configures it (gunicorn.conf.py).

    Its port cannot be taken by anyone else (tests run in parallel): this process binds a
    socket to port 0, so the kernel picks a port that is free and keeps it taken from then on,
    and hands the bound socket to gunicorn (``--bind fd://N``), which listens on it. A port
    found free, released, then given to gunicorn could be bound by another worker in between.
    """

    def __init__(self, env):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
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
                    *("--bind", f"fd://{sock.fileno()}", "--workers", "1"),
                ],
                cwd=ROOT,
                env=env,
                pass_fds=[sock.fileno()],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        # gunicorn's copy of the socket is the only one left: connections are refused until
        # it listens.
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_until_answering()

    def wait_until_answering(self, seconds=60):
        """Until the worker answers, however long it takes to start on a busy machine: a test's
        own first request could time out otherwise. The probe touches nothing a test looks at: an
        OPTIONS request (never cached, so the content version is not read) for a host the site
        does not serve, which Django refuses (400) before any view, database or cache."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe = urllib.request.Request(
                self.base + "/", method="OPTIONS", headers={"Host": "starting.invalid"}
            )
            try:
                with urllib.request.urlopen(probe, timeout=max(deadline - time.monotonic(), 1)):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:  # refused until gunicorn listens
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn on port {self.port} exited") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn on port {self.port} did not answer in {seconds} s")

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
    """Forwards a port of 127.0.0.1 to a target; ``cut()`` drops every connection and refuses new
    ones (the database going away), ``restore()`` listens again.

    The port stays this proxy's while it is cut: a second socket holds it, bound (port 0, so
    the kernel picks a free one) and never listening, and the listener shares the port with it
    (``SO_REUSEPORT``). Connections are refused while nothing listens, and no other test running
    in parallel can bind the port in between.
    """

    def __init__(self, target):
        self.target = target
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = None
        self.holder = socket.socket()
        self.holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        self.holder.bind(("127.0.0.1", 0))
        self.port = self.holder.getsockname()[1]

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

    def close(self):
        if self.listener is not None:
            self.cut()
        self.holder.close()


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
