"""First-hit and top-3 rates of search on the evaluation set, per class of query.

Usage: python -m bench.search.bench_eval [--show-misses 0]

Imports the 3,070 real companies of ../shared/open-data/datenanfragen (CC0: name,
brands as aliases, website, countries, category, e-mail) into a throwaway SQLite
database and Whoosh index under /tmp, runs every query of bench/search/eval-set.jsonl
(see eval_set.py) and counts how often a right company comes first and in the first
three. Writes bench/results/search-eval.txt.
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .eval_set import EVAL_SET, OPEN_DATA, ROOT

TARGET_FIRST, TARGET_TOP3 = 0.97, 0.99


def directory_line(record):
    countries = [c.upper() for c in record.get("relevant-countries", []) if len(c) == 2]
    category = (record.get("categories") or ["other"])[0]
    line = {
        "slug": record["slug"],
        "name": record["name"],
        "aliases": [a[:200] for a in record.get("runs", []) if isinstance(a, str)][
            :50
        ],  # the directory's limits
        "category": {"slug": category.replace(" ", "-"), "name": category.capitalize()},
        "website": record.get("web", "") if str(record.get("web", "")).startswith("http") else "",
        "countries": countries,
    }
    if record.get("email"):
        line["channels"] = [{"kind": "email", "value": record["email"], "department": "privacy"}]
    return line


def build_directory(workdir):
    from django.core.management import call_command

    from directory.models import Company

    call_command("migrate", verbosity=0)
    if Company.objects.exists():
        call_command("clear_index", interactive=False, verbosity=0)
        started = time.perf_counter()
        call_command("update_index", verbosity=0)
        return time.perf_counter() - started
    records = [json.loads(p.read_text()) for p in sorted(OPEN_DATA.glob("*.json"))]
    source = workdir / "companies.jsonl"
    source.write_text("".join(json.dumps(directory_line(r)) + "\n" for r in records))
    rejected = io.StringIO()
    call_command("import_directory", str(source), no_progress=True, stdout=io.StringIO(), stderr=rejected)
    # A few records break a rule of the directory (an e-mail or web address another company
    # holds, say): they are imported by name alone, so that every query has its company.
    imported = set(Company.objects.values_list("slug", flat=True))
    retry = [
        {**directory_line(r), "channels": [], "website": ""} for r in records if r["slug"] not in imported
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in retry))
    call_command("import_directory", str(source), no_progress=True, stdout=io.StringIO(), stderr=rejected)
    started = time.perf_counter()
    call_command("rebuild_index", interactive=False, verbosity=0)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-misses", type=int, default=0, help="Print up to N misses per class.")
    parser.add_argument("--every", type=int, default=1, help="Run every Nth query only (a quick look).")
    parser.add_argument("--workdir", help="Reuse the database of an earlier run here; the index is rebuilt.")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gethelp-search-eval-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(DJANGO_SETTINGS_MODULE="gethelp.settings", VAR_DIR=str(workdir),
                      SEARCH_URL=f"whoosh://{workdir}/index")  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from directory.models import Company
    from search import queries

    rebuild_seconds = build_directory(workdir)
    slug_of = dict(Company.objects.values_list("pk", "slug"))
    cases = [json.loads(line) for line in EVAL_SET.read_text().splitlines()][:: args.every]
    first, top3, total, misses = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(list)
    started = time.perf_counter()
    for case in cases:
        found = [slug_of.get(pk) for pk in queries.search_companies(case["query"]).pks[:3]]
        kind = case["class"] if case["class"] != "phrasing" else f"phrasing: {case['template']}"
        total[kind] += 1
        first[kind] += bool(found) and found[0] in case["slugs"]
        top3[kind] += any(slug in case["slugs"] for slug in found)
        if not (found and found[0] in case["slugs"]):
            misses[kind].append(f"{case['query']!r} -> {found} (want {case['slugs'][0]})")
    per_query_ms = (time.perf_counter() - started) / len(cases) * 1000

    width = max(map(len, total)) + 2
    lines = [
        f"search evaluation: {len(cases)} queries for {len(slug_of)} real companies "
        f"(Datenanfragen.de, CC0); targets: first hit >= {TARGET_FIRST:.0%}, top 3 >= {TARGET_TOP3:.0%}",
        f"{'class':{width}} {'queries':>8} {'first hit':>10} {'top 3':>8}",
    ]
    groups = {"typos": ["drop", "add", "change", "swap", "double", "undouble", "two_edits", "diacritics",
                        "punctuation", "punctuation_typo", "everyday_name", "url"],
              "phrasing": sorted(k for k in total if k.startswith("phrasing"))}  # fmt: skip
    for group, kinds in groups.items():
        for kind in kinds:
            lines.append(
                f"{kind:{width}} {total[kind]:8} {first[kind] / total[kind]:10.1%} {top3[kind] / total[kind]:8.1%}"
            )
        n = sum(total[k] for k in kinds)
        lines.append(
            f"{'= ' + group:{width}} {n:8} {sum(first[k] for k in kinds) / n:10.1%} {sum(top3[k] for k in kinds) / n:8.1%}"
        )
    lines.append(f"mean time per query {per_query_ms:.1f} ms; index rebuilt in {rebuild_seconds:.1f} s")
    report = "\n".join(lines) + "\n"
    if args.every == 1:
        (ROOT / "bench" / "results" / "search-eval.txt").write_text(report)
    print(report, end="")
    for kind, missed in misses.items():
        for line in missed[: args.show_misses]:
            print(f"miss {kind}: {line}")


if __name__ == "__main__":
    main()
