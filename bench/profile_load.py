"""Where a loaded endpoint spends its time: py-spy on every gunicorn worker while wrk runs.

Usage: DATABASE_URL=postgres://... SEARCH_URL=whoosh:///path python -m bench.profile_load ENDPOINT
    [--seconds 15] [--workers N]
ENDPOINT is one of: company, search, suggest, home.

Same server, settings and sampled URLs as bench.load. Writes the functions holding
the most samples (own time, and with what they call) to bench/results/profile-ENDPOINT.txt.
"""

import argparse
import collections
import os
import random
import subprocess
import sys
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
TOP = 30


def summarise(collapsed, endpoint, seconds, workers):
    """Own and inclusive sample counts per function from py-spy's collapsed stacks."""
    own, inclusive, total = collections.Counter(), collections.Counter(), 0
    for line in collapsed.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames = [frame.split(" (")[0] + " (" + frame.split(" (")[-1] for frame in stack.split(";")]
        count, total = int(count), total + int(count)
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [
        f"py-spy, {endpoint} under wrk for {seconds} s, all {workers} gunicorn workers: {total} samples",
        "",
    ]
    for title, counter in (("own time", own), ("with callees", inclusive)):
        lines.append(f"top {TOP} by {title}:")
        lines += [f"{n / total:6.1%}  {frame}" for frame, n in counter.most_common(TOP)]
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint", choices=["company", "search", "suggest", "home"])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=load.WORKERS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    companies, searches, suggests, home = load.sample_paths(random.Random(3))
    paths = {"company": companies, "search": searches, "suggest": suggests, "home": home}[args.endpoint]
    workdir, env = load.prepare_server()
    collapsed = workdir / "profile.txt"
    with load.gunicorn(env, workdir, workers=args.workers) as (base, server):
        load.warm(base, paths)
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
             "--duration", str(args.seconds), "--format", "raw", "--output", str(collapsed), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        load.wrk(base, [paths], [1], args.seconds, workdir, f"profile-{args.endpoint}")
        spy.wait(timeout=args.seconds + 60)
    report = summarise(collapsed, args.endpoint, args.seconds, args.workers)
    (ROOT / "bench" / "results" / f"profile-{args.endpoint}.txt").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
