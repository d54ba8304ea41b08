"""Times `import_directory` on a generated file: first import, then the same file again (unchanged).

Usage: python -m bench.bench_import [COUNT]   (default 10,000 companies)
Runs against DATABASE_URL (default: a throwaway SQLite file); results go to
bench/results/import.txt.

The search index is brought up to date by the search worker from the outbox the import
fills (search/receivers.py); the embedded default, without a broker, would run that drain
inside the command. Here it runs as it does in production, after the import, and is
timed on a line of its own.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    workdir = Path(tempfile.mkdtemp(prefix="gethelp-bench-import-"))
    os.environ.setdefault("VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import write_jsonl
    from search.tasks import drain_index_changes

    call_command("migrate", verbosity=0)
    empty_directory()
    source = workdir / "companies.jsonl"
    write_jsonl(source, count)

    lines = [f"import_directory: {count:,} companies, 5 channels each, on {connection.vendor}"]
    for label in ("first import", "re-import (unchanged)"):
        out = io.StringIO()
        with mock.patch("search.receivers.schedule_drain"):  # the search worker's job, timed below
            started = time.perf_counter()
            call_command("import_directory", str(source), stdout=out, no_progress=True)
            elapsed = time.perf_counter() - started
        lines.append(
            f"{label}: {elapsed:.1f} s ({count / elapsed:,.0f} companies/s) -> {out.getvalue().strip()}"
        )
        started = time.perf_counter()
        applied = drain_index_changes()
        lines.append(
            f"  search index drain after it: {applied:,} changes in {time.perf_counter() - started:.1f} s"
        )
        print(lines[-2], lines[-1], sep="\n", flush=True)
    empty_directory()
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "import.txt").write_text(report)
    print(report, end="")


def empty_directory():
    """Leaves no company behind; their removal from the throwaway index is not waited for."""
    from directory.models import Category, Company
    from search.models import IndexChange

    with mock.patch("search.receivers.schedule_drain"):
        Company.objects.all().delete()
        Category.objects.all().delete()
    IndexChange.objects.all().delete()


if __name__ == "__main__":
    main()
