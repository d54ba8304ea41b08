"""Load test: gunicorn on loopback driven by wrk, each endpoint and the realistic mix.

Usage: DATABASE_URL=postgres://... SEARCH_URL=whoosh:///path python -m bench.load [--seconds 15]

Needs the populated database (bench.populate), its search index (rebuild_index) and
Debian's wrk. Starts gunicorn with --workers sync workers (default 2 x cores + 1, gunicorn's
documented starting point) and the
Redis page cache, warms each URL once, then runs at a fixed concurrency for a fixed
time: the trivial baseline view, each endpoint alone, and the mix (company pages
60%, search 25%, suggest 10%, home 5%). Reports req/s, p50/p95/p99 and errors, and
each endpoint's throughput as a ratio of the baseline, to
bench/results/load-workers-N.txt.
All traffic goes to 127.0.0.1 only and every run stops after --seconds.
"""

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2 * os.cpu_count() + 1
CONNECTIONS = 16
THREADS = 2

LUA = """
local paths = %(paths)s
local weights = %(weights)s
local counter = 0
request = function()
  counter = counter + 1
  local r = math.random()
  local acc = 0
  for i, w in ipairs(weights) do
    acc = acc + w
    if r <= acc then
      local list = paths[i]
      return wrk.format("GET", list[math.random(#list)])
    end
  end
  local list = paths[#paths]
  return wrk.format("GET", list[math.random(#list)])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%f %%f %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def lua_table(items):
    return "{" + ", ".join(json.dumps(i) if isinstance(i, str) else lua_table(i) for i in items) + "}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, paths, weights, seconds, workdir, name):
    script = workdir / f"{name}.lua"
    script.write_text(LUA % {"paths": lua_table(paths), "weights": "{" + ", ".join(map(str, weights)) + "}"})
    out = subprocess.run(
        ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    requests, duration, p50, p95, p99, errors = re.search(
        r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)", out
    ).groups()
    return {
        "rps": int(requests) / float(duration), "p50": float(p50), "p95": float(p95), "p99": float(p99),
        "errors": int(errors),
    }  # fmt: skip


@contextmanager
def gunicorn(env, workdir, access_log=None, workers=WORKERS):
    """The site under gunicorn on a free loopback port; yields its base URL and the server process."""
    port = free_port()
    logging = ["--access-logfile", str(access_log), "--access-logformat", "%(U)s %(D)s"] if access_log else []
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "gethelp.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *logging],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(workdir / "gunicorn.log").open("a"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/bench/trivial", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # waiting for the server to start
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def warm(base, paths):
    """Each URL once, so every run starts with warm caches and searchers (pages expire after a minute)."""
    for path in dict.fromkeys(paths):
        urllib.request.urlopen(base + path, timeout=30).read()


def split_by_endpoint(access_log):
    """{endpoint: (requests, p50, p95, p99 in ms)} from an access log of "path microseconds" lines."""
    times = {}
    for line in access_log.read_text().splitlines():
        path, micros = line.rsplit(" ", 1)
        if path.startswith("/companies/"):
            name = "company page"
        elif path.startswith("/search/suggest/"):
            name = "suggest"
        elif path.startswith("/search/"):
            name = "search"
        else:
            name = "home"
        times.setdefault(name, []).append(int(micros) / 1000)
    return {
        name: (len(ms), *(sorted(ms)[min(len(ms) - 1, int(q * len(ms)))] for q in (0.50, 0.95, 0.99)))
        for name, ms in times.items()
    }


def sample_paths(rng):
    import django

    django.setup()
    from directory.models import Company

    slugs = list(Company.objects.order_by("?").values_list("slug", "name")[:1000])
    # Real names carry accents, other scripts and URL syntax ("&", "?", "#"): everything is quoted.
    companies = [f"/companies/{quote(slug)}/" for slug, _ in slugs]
    words = [name.split()[0] if name.split() else name for _, name in slugs]
    searches = [f"/search/?{urlencode({'q': w})}" for w in words[:300]] + [
        f"/search/?{urlencode({'q': 'cancel ' + w})}" for w in words[300:400]
    ]
    suggests = [f"/search/suggest/?{urlencode({'q': w[: rng.randint(2, 5)]})}" for w in words[:300]]
    return companies, searches, suggests, ["/"]


def prepare_server():
    """(scratch directory, environment): production settings with the Redis cache and the
    trivial baseline view, and the static files collected for them."""
    workdir = Path(tempfile.mkdtemp(prefix="gethelp-load-"))
    env = {
        **os.environ,
        "BENCH_VIEWS": "True", "DEBUG": "False", "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False", "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
        "STATIC_ROOT": str(workdir / "static"), "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return workdir, env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument(
        "--name", default="", help="Results go to load-workers-N-NAME.txt (another database)."
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    rng = random.Random(3)
    companies, searches, suggests, home = sample_paths(rng)

    workdir, env = prepare_server()
    runs = {
        "trivial view (baseline)": ([["/bench/trivial"]], [1]),
        "company page": ([companies], [1]),
        "search": ([searches], [1]),
        "suggest": ([suggests], [1]),
        "home": ([home], [1]),
        "mix 60/25/10/5": ([companies, searches, suggests, home], [0.60, 0.25, 0.10, 0.05]),
    }
    results = {}
    with gunicorn(env, workdir, workers=args.workers) as (base, _):
        for name, (paths, weights) in runs.items():
            warm(base, [path for group in paths for path in group])
            results[name] = wrk(base, paths, weights, args.seconds, workdir, re.sub(r"\W+", "-", name))
            print(name, results[name], flush=True)
    # The mix again with gunicorn's access log on, for each endpoint's own percentiles
    # within it (server time; logging costs some throughput, so this run is reported apart).
    access_log = workdir / "access.log"
    with gunicorn(env, workdir, access_log, workers=args.workers) as (base, _):
        warm(base, companies + searches + suggests + home)
        access_log.write_text("")
        mix = runs["mix 60/25/10/5"]
        logged_mix = wrk(base, *mix, args.seconds, workdir, "mix-logged")
    split = split_by_endpoint(access_log)

    baseline = results["trivial view (baseline)"]["rps"]
    lines = [
        f"load: gunicorn {args.workers} sync workers on 127.0.0.1, wrk {THREADS} threads x {CONNECTIONS} connections, "
        f"{args.seconds} s per run, warm caches (Redis), {len(companies)} company pages sampled",
        f"{'run':26} {'req/s':>8} {'x baseline':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}",
    ]
    for name, r in results.items():
        lines.append(
            f"{name:26} {r['rps']:8.0f} {r['rps'] / baseline:10.2f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['errors']:7d}"
        )
    lines += [
        "",
        f"mix again with the access log on: {logged_mix['rps']:.0f} req/s, {logged_mix['errors']} errors; "
        "time in the server per endpoint:",
        f"{'endpoint':26} {'requests':>8} {'share':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}",
    ]
    total = sum(row[0] for row in split.values())
    for name in ("company page", "search", "suggest", "home"):
        count, p50, p95, p99 = split.get(name, (0, 0, 0, 0))
        lines.append(f"{name:26} {count:8d} {count / max(total, 1):6.0%} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    suffix = f"-{re.sub(r'[^a-z0-9]+', '-', args.name.lower())}" if args.name else ""
    (ROOT / "bench" / "results" / f"load-workers-{args.workers}{suffix}.txt").write_text(report)
    print(report, end="")
    errors = sum(result["errors"] for result in results.values()) + logged_mix["errors"]
    if errors:
        raise SystemExit(f"{errors} requests failed; the load test needs 0 errors")


if __name__ == "__main__":
    main()
