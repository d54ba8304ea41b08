"""Everyday phrasing around real company names: top-1 accuracy of search, per phrasing.

Usage: python -m bench.search.bench_phrasing [--names 300]

Imports the names of the real companies in ../shared/open-data/datenanfragen (CC0) into a
throwaway SQLite database and Whoosh index under /tmp, then searches for a random sample
of them wrapped in the ways people ask ("X phone number", "contact X", ...) and counts how
often the company comes first. Writes bench/results/search-phrasing.txt.
"""

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPEN_DATA = ROOT.parent / "shared" / "open-data" / "datenanfragen" / "companies"
PHRASINGS = ["{} phone number", "contact {}", "{} customer service number", "{} support email",
             "speak to someone at {}"]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=300)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="gethelp-phrasing-"))
    os.environ.update(DJANGO_SETTINGS_MODULE="gethelp.settings", VAR_DIR=str(workdir),
                      SEARCH_URL=f"whoosh://{workdir}/index")  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from directory.models import Company
    from search import queries

    call_command("migrate", verbosity=0)
    records = [json.loads(p.read_text()) for p in sorted(OPEN_DATA.glob("*.json"))]
    source = workdir / "companies.jsonl"
    source.write_text("".join(json.dumps({"slug": r["slug"], "name": r["name"], "category": "Other"}) + "\n"
                              for r in records))  # fmt: skip
    call_command("import_directory", str(source), no_progress=True, stdout=open(os.devnull, "w"))
    call_command("rebuild_index", interactive=False, verbosity=0)
    sample = random.Random(7).sample(list(Company.objects.values_list("pk", "name")), args.names)
    lines = [f"search phrasing: {args.names} real company names (Datenanfragen, CC0), top-1 accuracy"]
    total = 0
    for phrasing in PHRASINGS:
        hits = sum(queries.search_companies(phrasing.format(name)).pks[:1] == [pk] for pk, name in sample)
        total += hits
        lines.append(f"{phrasing.format('X'):32} {hits / len(sample):6.1%}")
    lines.append(f"{'all phrasings':32} {total / (len(sample) * len(PHRASINGS)):6.1%}")
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results" / "search-phrasing.txt").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
