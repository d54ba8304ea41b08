"""Times the nightly dump against the directory in DATABASE_URL and records its peak memory.

Usage: DATABASE_URL=postgres://... python -m bench.bench_dump [--folder DIR]
(after `python -m bench.populate --companies 100000`). Writes bench/results/dump.txt.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

RESULTS = Path(__file__).resolve().parent / "results" / "dump.txt"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    django.setup()
    from directory.models import Company
    from gethelp import dumps

    companies = Company.objects.count()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    folder = args.folder or tempfile.mkdtemp(prefix="gethelp-dump-")
    started = time.perf_counter()
    entry = dumps.write_dump(folder)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Dump of {companies:,} companies ({sys.argv[0]}, DATABASE_URL={os.environ.get('DATABASE_URL', 'sqlite')})",
        f"  written in {seconds:.1f} s (target 120 s); peak memory of the process {peak_mb:.0f} MB "
        f"(target 300 MB; {before / 1024:.0f} MB before the dump started)",
        *(f"  {f['name']}: {f['records']:,} records, {f['bytes'] / 1e6:.1f} MB" for f in entry["files"]),
    ]
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
