"""Times `import_directory` on a generated file: first import, then the idempotent re-import.

Usage: python -m bench.bench_import [COUNT]   (default 10,000 companies)
Runs against DATABASE_URL (default: a throwaway SQLite file); results go to
bench/results/import.txt.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

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
    from directory.models import Company

    call_command("migrate", verbosity=0)
    Company.objects.all().delete()
    source = workdir / "companies.jsonl"
    write_jsonl(source, count)

    lines = [f"import_directory: {count:,} companies, 5 channels each, on {connection.vendor}"]
    for label in ("first import", "re-import (updates)"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_directory", str(source), stdout=out)
        elapsed = time.perf_counter() - started
        lines.append(
            f"{label}: {elapsed:.1f} s ({count / elapsed:,.0f} companies/s) -> {out.getvalue().strip()}"
        )
    Company.objects.all().delete()
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "import.txt").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
