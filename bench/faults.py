"""Faults: Redis killed and frozen, the worker killed mid-index, PostgreSQL refused; nothing may be lost.

Usage: python -m bench.faults      (make faults)

Runs the site as in production on a private Redis (its own redis-server on a free port,
so stopping it touches nothing else) and a fresh PostgreSQL database (FAULTS_DATABASE_URL)
reached through a small TCP proxy the harness can cut: gunicorn with DEBUG=False, one
Celery worker on the default and search queues, and beat draining the index outbox every
few seconds. In each scenario a trusted editor changes channels (each change shows in the
search suggestions), while pages are fetched. Counted: pages that took over 2 s or
answered anything but 200 or 503; writes that failed without a message; and, after
recovery plus one beat interval, committed changes missing from the index (lost).
Writes the table to bench/results/faults.txt and exits 1 on any failure or loss.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from bench.fuzz import PASSWORD, Browser, encode, fresh_sample_site
from bench.load import free_port, gunicorn, prepare_server

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gethelp_faults")
DRAIN_SECONDS = 3
SLOW_SECONDS = 2.0


class Proxy:
    """A TCP proxy to PostgreSQL that can refuse and drop connections, like a database going away."""

    def __init__(self, target_port):
        self.target_port, self.port, self.open = target_port, free_port(), True
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.open = False
        for s in self.connections:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections = []

    def restore(self):
        self.open = True


class Site:
    def __init__(self, workdir, env):
        self.workdir, self.env, self.processes = workdir, env, {}

    def start(self, name, args):
        log = (self.workdir / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def celery(self, name, *args):
        self.start(
            name,
            [str(Path(sys.executable).parent / "celery"), "-A", "gethelp", *args, "--loglevel", "WARNING"],
        )

    def stop(self, name, sig=signal.SIGTERM):
        process = self.processes.pop(name)
        process.send_signal(sig)
        process.wait(timeout=60)


def redis_server(port, workdir):
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)  # waiting for a server to listen
    raise RuntimeError(f"nothing listens on {port}")


def prepare_database(env):
    fresh_sample_site(DATABASE_URL, env)
    script = (
        "import json; from django.contrib.auth.models import User; from accounts.models import Profile; "
        f"u = User.objects.create_user('faults-trusted', 't@example.org', '{PASSWORD}'); "
        "Profile.objects.filter(user=u).update(role='trusted'); "
        "from directory.models import ContactChannel; "
        "print(json.dumps([[c.pk, c.company.slug, c.company.name] for c in "
        "ContactChannel.objects.filter(kind='phone', status='active', reaches_human=True, human_rank=1)"
        ".select_related('company').order_by('pk')[:40]]))"
    )
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


class Probe:
    """Fetches pages and makes changes, counting what went wrong."""

    def __init__(self, base, channels):
        self.base, self.channels = base, list(channels)
        self.editor = Browser(base)
        self.editor.sign_in("faults-trusted")
        self.reader = Browser(base)
        self.committed = {}  # company slug -> the last value its change committed
        self.tried = self.failed = self.counter = 0

    def pages(self):
        for path in [
            "/",
            f"/companies/{self.channels[0][1]}/",
            "/search/?q=cancel",
            "/search/suggest/?q=con",
        ]:
            started = time.monotonic()
            try:
                status = self.reader.request("GET", path)
            except OSError:
                status = "no answer"
            self.tried += 1
            if status not in (200, 503) or time.monotonic() - started > SLOW_SECONDS:
                self.failed += 1

    def change(self, number):
        """A trusted editor's correction: a new number for one company's best channel."""
        channel_id, slug, _ = self.channels[number % len(self.channels)]
        # 718 is an area code the sample data never uses; each change a number not used before.
        self.counter += 1
        value = f"+1718555{100 + self.counter % 100:04d}"
        started = time.monotonic()
        try:
            status = self.editor.request(
                "POST", f"/companies/{slug}/suggest/",
                encode([("action", "fix"), ("channel", str(channel_id)), ("value", value), ("reason", "faults")]),
            )  # fmt: skip
        except OSError:
            status = "no answer"
        self.tried += 1
        if status == 302:
            self.committed[slug] = value
        elif status != 503 or time.monotonic() - started > SLOW_SECONDS:
            self.failed += 1  # neither done nor refused with a message, or too slow

    def lost(self):
        """Committed changes that the search suggestions or the (cached) company page do not show."""
        missing = 0
        for slug, value in self.committed.items():
            name = next(n for _, s, n in self.channels if s == slug)
            query = urllib.parse.quote(name)
            with self.reader.opener.open(f"{self.base}/search/suggest/?q={query}", timeout=30) as response:
                suggestions = json.loads(response.read())["suggestions"]
            shown = next(
                (s["best"]["value"] for s in suggestions if s["url"] == f"/companies/{slug}/" and s["best"]),
                "",
            )
            national = f"({value[2:5]}) {value[5:8]}-{value[8:12]}"
            with self.reader.opener.open(f"{self.base}/companies/{slug}/", timeout=30) as response:
                page = response.read().decode()  # the company page, perhaps from the page cache
            missing += shown != national or national not in page
        return missing


@contextmanager
def running_site():
    workdir, env = prepare_server()
    redis_port = free_port()
    redis = redis_server(redis_port, workdir)
    wait_for_port(redis_port)
    env.update(REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", DRAIN_INDEX_EVERY_SECONDS=str(DRAIN_SECONDS),
               SEARCH_URL=f"whoosh://{workdir}/index", DATABASE_URL=DATABASE_URL, PAGE_CACHE_SECONDS="5",
               CORRECTIONS_PER_IP_PER_HOUR="1000000", EDITS_PER_USER_PER_HOUR="1000000",
               EDITS_PER_IP_PER_HOUR="1000000")  # fmt: skip
    channels = prepare_database(env)
    proxy = Proxy(5432)
    env["DATABASE_URL"] = DATABASE_URL.replace(":5432/", f":{proxy.port}/")
    env["DB_CONN_MAX_AGE"] = "0"
    site = Site(workdir, env)
    site.celery("worker", "worker", "-Q", "default,search", "-c", "1", "--without-gossip", "--without-mingle")
    site.celery("beat", "beat", "--schedule", str(workdir / "beat-schedule"))
    try:
        with gunicorn(env, workdir, workers=3) as (base, _):
            yield {"site": site, "redis": redis, "redis_port": redis_port, "proxy": proxy, "workdir": workdir,
                   "probe": Probe(base, channels)}  # fmt: skip
    finally:
        for name in list(site.processes):
            site.stop(name)
        redis.terminate()


def scenario(ctx, name, fault, recover, changes=10):
    probe = ctx["probe"]
    probe.tried = probe.failed = 0
    probe.committed = {}
    fault(ctx)
    for number in range(changes):
        probe.change(number + hash(name) % 50)
        probe.pages()
    recover(ctx)
    time.sleep(DRAIN_SECONDS * 3 + 5)  # one beat interval and the worker's drain: what the goal allows
    return name, probe.tried, len(probe.committed), probe.failed, probe.lost()


def kill_redis(ctx):
    ctx["redis"].kill()
    ctx["redis"].wait()


def start_redis(ctx):
    ctx["redis"] = redis_server(ctx["redis_port"], ctx["workdir"])
    wait_for_port(ctx["redis_port"])


def freeze_redis(ctx):
    ctx["redis"].send_signal(signal.SIGSTOP)


def thaw_redis(ctx):
    ctx["redis"].send_signal(signal.SIGCONT)


def kill_worker(ctx):
    ctx["site"].stop("worker", signal.SIGKILL)


def start_worker(ctx):
    ctx["site"].celery(
        "worker", "worker", "-Q", "default,search", "-c", "1", "--without-gossip", "--without-mingle"
    )


def main():
    nothing = lambda ctx: None  # noqa: E731
    with running_site() as ctx:
        rows = [
            scenario(ctx, "no fault", nothing, nothing),
            scenario(ctx, "Redis killed, then back", kill_redis, start_redis),
            scenario(ctx, "Redis frozen (SIGSTOP), then thawed", freeze_redis, thaw_redis, changes=4),
            scenario(ctx, "worker killed, then restarted", kill_worker, start_worker),
            scenario(
                ctx,
                "PostgreSQL refused, then back",
                lambda c: c["proxy"].cut(),
                lambda c: c["proxy"].restore(),
            ),
        ]
    lines = [f"faults: gunicorn (DEBUG=False), a Celery worker and beat (drain every {DRAIN_SECONDS} s), private Redis, "
             "PostgreSQL behind a proxy that can cut it",
             f"{'scenario':40} {'tried':>6} {'changes saved':>14} {'failures':>9} {'lost':>5}"]  # fmt: skip
    lines += [
        f"{name:40} {tried:>6} {saved:>14} {failed:>9} {lost:>5}" for name, tried, saved, failed, lost in rows
    ]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "faults.txt").write_text(report)
    print(report, end="")
    sys.exit(1 if any(failed or lost for *_, failed, lost in rows) else 0)


if __name__ == "__main__":
    tempfile.tempdir = None
    main()
