"""Times `import_open_data datenanfragen` on the real snapshot: first import, then the re-import.

Usage: DATABASE_URL=postgres://.../gethelp_bench_opendata python -m bench.bench_open_data [PATH]
(PATH defaults to ../shared/open-data/datenanfragen). The database is emptied first.
Search index changes wait in the outbox (REDIS_URL set: a worker would index them), as
in production. Results go to bench/results/open-data-import.txt.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "open-data" / "datenanfragen")
    if not (path / "companies").is_dir():
        sys.exit(f"bench_open_data: no snapshot at {path}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production-0123456789")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from bench.populate import ensure_database

        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Category, Company
    from opendata.imports import COUNTS, run_import

    call_command("migrate", verbosity=0)
    Company.objects.all().delete()
    Category.objects.all().delete()
    lines = [
        f"import_open_data datenanfragen: {len(list((path / 'companies').glob('*.json'))):,} records, on {connection.vendor}"
    ]
    for label in ("first import", "re-import, nothing changed"):
        started = time.perf_counter()
        run = run_import("datenanfragen", path, retrieved=date(2026, 7, 21))
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{run.counts[name]:,} {name}" for name in COUNTS if run.counts[name])
        lines.append(f"{label:28} {seconds:7.1f} s   {counts}")
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "open-data-import.txt").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
