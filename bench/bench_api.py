"""The read API under load: company detail warm p95 and throughput against the trivial view.

Usage: DATABASE_URL=postgres://... python -m bench.bench_api [--seconds 15] [--workers 5]

Needs the populated database (bench.populate) and Debian's wrk; the same server as
bench/load.py (gunicorn, production settings, the Redis cache, the trivial baseline view)
with the API's rate limit raised, since every request comes from 127.0.0.1. Each URL is
requested once before its run (a warm cache), then wrk runs at a fixed concurrency for a
fixed time: the trivial view, 1,000 sampled company documents, company list pages (one
query a page, uncached) and the changes feed. Then the company documents again with
gunicorn's access log on, for the time spent in the server. Targets: company detail p95
<= 10 ms and at least 0.5x the trivial view's req/s. Results in bench/results/api.txt.
All traffic goes to 127.0.0.1 only and every run stops after --seconds.
"""

import argparse
import os
import re
from pathlib import Path

from bench.load import CONNECTIONS, THREADS, WORKERS, gunicorn, prepare_server, warm, wrk

ROOT = Path(__file__).resolve().parent.parent


def sample_paths():
    import django

    django.setup()
    from directory.models import Company

    slugs = list(Company.objects.order_by("?").values_list("slug", flat=True)[:1000])
    ids = list(Company.objects.order_by("?").values_list("pk", flat=True)[:200])
    from api import cursors

    details = [f"/api/v1/companies/{slug}" for slug in slugs]
    # List pages from anywhere in the directory: a cursor is the id a page starts after.
    lists = [f"/api/v1/companies?page_size=50&cursor={cursors.encode('companies', [pk])}" for pk in ids]
    return details, lists, ["/api/v1/changes?page_size=50"]


def server_times(access_log):
    """(requests, p50, p95, p99) in ms of the server time of each request in an access log."""
    ms = sorted(int(line.rsplit(" ", 1)[1]) / 1000 for line in access_log.read_text().splitlines())
    return len(ms), *(ms[min(len(ms) - 1, int(q * len(ms)))] for q in (0.50, 0.95, 0.99))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    details, lists, feed = sample_paths()
    load_before = os.getloadavg()[0]
    workdir, env = prepare_server()
    env["API_REQUESTS_PER_IP_PER_MINUTE"] = str(10**9)  # still counted in Redis, never refused
    runs = {
        "trivial view (baseline)": ["/bench/trivial"],
        "API company detail": details,
        "API company list page": lists,
        "API changes feed": feed,
    }
    results = {}
    with gunicorn(env, workdir, workers=args.workers) as (base, _):
        for name, paths in runs.items():
            warm(base, paths)
            results[name] = wrk(base, [paths], [1], args.seconds, workdir, re.sub(r"\W+", "-", name))
            print(name, results[name], flush=True)
    access_log = workdir / "access.log"
    with gunicorn(env, workdir, access_log, workers=args.workers) as (base, _):
        warm(base, details)
        access_log.write_text("")
        logged = wrk(base, [details], [1], args.seconds, workdir, "detail-logged")
    count, p50, p95, p99 = server_times(access_log)

    load_after = os.getloadavg()[0]
    baseline = results["trivial view (baseline)"]["rps"]
    detail = results["API company detail"]
    lines = [
        f"API load: gunicorn {args.workers} sync workers on 127.0.0.1, wrk {THREADS} threads x {CONNECTIONS} "
        f"connections, {args.seconds} s per run, warm caches (Redis), {len(details)} company documents sampled",
        f"{'run':26} {'req/s':>8} {'x baseline':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}",
    ]
    for name, r in results.items():
        lines.append(
            f"{name:26} {r['rps']:8.0f} {r['rps'] / baseline:10.2f} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{r['p99']:8.1f} {r['errors']:7d}"
        )
    lines += [
        "",
        f"company detail again with the access log on: {logged['rps']:.0f} req/s; time in the server "
        f"over {count} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms",
        f"targets: detail p95 <= 10 ms: {'met' if detail['p95'] <= 10 else 'MISSED'} ({detail['p95']:.1f} ms); "
        f">= 0.5x the trivial view: {'met' if detail['rps'] >= 0.5 * baseline else 'MISSED'} "
        f"({detail['rps'] / baseline:.2f}x)",
        f"machine load average (1 min) before and after: {load_before:.1f}, {load_after:.1f} on "
        f"{os.cpu_count()} cores; above the core count other work shares the CPU and every p95 grows",
    ]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "api.txt").write_text(report)
    print(report, end="")
    errors = sum(r["errors"] for r in results.values()) + logged["errors"]
    if errors:
        raise SystemExit(f"{errors} requests failed; the load test needs 0 errors")


if __name__ == "__main__":
    main()
