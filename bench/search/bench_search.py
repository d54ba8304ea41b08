"""Search benchmark: a Whoosh index of generated companies, queried with a fixed mix.

Usage: python -m bench.search.bench_search [COMPANIES]   (default 100,000)

Builds the index through the Haystack index classes (documents are prepared from
unsaved model instances, so no database rows are needed), then times, in one run:
- search_companies() and suggest() as the site calls them, per query type;
- the same single queries through SearchQuerySet and on the raw Whoosh searcher,
  giving the Haystack layer's overhead as a ratio.
Results go to bench/results/search.txt.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES_PER_TYPE = 200
BATCH = 10_000


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(function, arguments):
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        function(argument)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def build_companies(count):
    from bench.generate import company_records
    from directory.models import Category, Company, ContactChannel

    categories = {}
    for pk, record in enumerate(company_records(count, seed=42), start=1):
        name = record["category"]
        category = categories.setdefault(name, Category(pk=len(categories) + 1, name=name, slug=name.lower()))
        company = Company(
            pk=pk, name=record["name"], slug=record["slug"], aliases=record["aliases"], category=category
        )
        channels = []
        for n, data in enumerate(record["channels"]):
            channel = ContactChannel(pk=pk * 10 + n, company=company, **data)
            channel.value = channel.normalised_value()
            channels.append(channel)
        company._prefetched_objects_cache = {"channels": channels, "guides": []}
        yield company


def query_mix(companies, rng):
    sample = rng.sample(companies, QUERIES_PER_TYPE)

    def typo(name):
        word = name.split()[0]
        cut = rng.randrange(1, len(word) - 1)
        return word[:cut] + word[cut + 1 :] + " " + " ".join(name.split()[1:])

    def two_edits(name):
        # Two letters of the longest word changed: the costliest near-spelling lookup.
        word = max(name.split(), key=len)
        for _ in range(2):
            i = rng.randrange(len(word))
            word = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1 :]
        return word

    phrasings = ["{} customer service number", "contact {}", "how do i cancel my {} subscription",
                 "speak to someone at {}", "{} support email"]  # fmt: skip
    return {
        "exact": [c.name for c in sample],
        "alias": [c.aliases[0] for c in sample],
        "typo": [typo(c.name) for c in sample],
        "two edits": [two_edits(c.name) for c in sample],
        "task": [f"cancel {c.name}" for c in sample],
        "phrasing": [rng.choice(phrasings).format(c.name) for c in sample],
        "autocomplete": [c.name[: rng.randint(3, 6)] for c in sample],
        "autocomplete, typo": [typo(c.name)[: rng.randint(4, 8)] for c in sample],
    }


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workdir = Path(tempfile.mkdtemp(prefix="gethelp-bench-search-"))
    os.environ["VAR_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["SEARCH_URL"] = f"whoosh://{workdir / 'index'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from haystack import connections
    from haystack.query import SearchQuerySet
    from whoosh.qparser import QueryParser

    from directory.models import Company
    from search import queries

    call_command("migrate", verbosity=0)
    index = connections["default"].get_unified_index().get_index(Company)
    backend = connections["default"].get_backend()

    started = time.perf_counter()
    companies = list(build_companies(count))
    # As rebuild_index does (search/management/commands/update_index.py): batches through one
    # writer, committed once, so the index is one segment.
    with backend.one_segment():
        for first in range(0, count, BATCH):
            backend.update(index, companies[first : first + BATCH])
            print(f"indexed {min(first + BATCH, count):,} of {count:,}", file=sys.stderr, flush=True)
    build_seconds = time.perf_counter() - started
    # The index directory and the typo dictionary beside it (search/typo_dictionary.py).
    size_mb = (
        sum(f.stat().st_size for f in workdir.rglob("*") if f.is_file() and "index" in f.name + str(f.parent))
        / 1e6
    )

    rng = random.Random(7)
    mix = query_mix(companies, rng)
    for query in mix["exact"][:20]:  # warm the searcher and caches
        queries.search_companies(query)

    lines = [
        f"bench-search: {count:,} companies, index {size_mb:.0f} MB, built in {build_seconds:.1f} s "
        f"({count / build_seconds:,.0f} docs/s)",
        f"{QUERIES_PER_TYPE} queries per type; times in ms",
        "",
        f"{'what':34} {'p50':>7} {'p95':>7} {'mean':>7}",
    ]

    def report(label, samples):
        lines.append(
            f"{label:34} {percentile(samples, 0.5):7.1f} {percentile(samples, 0.95):7.1f} {statistics.mean(samples):7.1f}"
        )
        return samples

    all_search, all_suggest = [], []
    for kind, terms in mix.items():
        if kind.startswith("autocomplete"):
            all_suggest += report(f"suggest ({kind})", timed(queries.suggest, terms))
        else:
            all_search += report(f"search ({kind})", timed(queries.search_companies, terms))
    all_suggest += report("suggest (exact names typed)", timed(queries.suggest, mix["exact"]))
    report("search, all types", all_search)
    report("suggest, all types", all_suggest)

    # The Haystack layer against raw Whoosh: the same name query both ways, 20 results.
    raw_index = backend.index._index
    parser = QueryParser("name", schema=raw_index.schema)
    words = [queries.clean_query(q) for q in mix["exact"]]
    searcher = raw_index.searcher()

    def raw(query):
        # Stored fields of the top hits, as Haystack reads them. Not list(results):
        # list() asks len() first, and Whoosh's len() counts every matching document.
        [hit.fields() for hit in searcher.search(parser.parse(query), limit=20)]

    def through_haystack(query):
        list(SearchQuerySet().filter(name=query)[:20])

    haystack_ms = timed(through_haystack, words)
    raw_ms = timed(raw, words)
    lines += [
        "",
        f"{'name query via SearchQuerySet':34} {percentile(haystack_ms, 0.5):7.1f} "
        f"{percentile(haystack_ms, 0.95):7.1f} {statistics.mean(haystack_ms):7.1f}",
        f"{'same query on the raw Whoosh index':34} {percentile(raw_ms, 0.5):7.1f} "
        f"{percentile(raw_ms, 0.95):7.1f} {statistics.mean(raw_ms):7.1f}",
        f"Haystack overhead: {statistics.mean(haystack_ms) / statistics.mean(raw_ms):.2f}x raw Whoosh (mean)",
        "",
        f"targets: search p95 <= 25 ms -> {percentile(all_search, 0.95):.1f} ms; "
        f"suggest p95 <= 5 ms -> {percentile(all_suggest, 0.95):.1f} ms; "
        f"index <= 300 MB -> {size_mb:.0f} MB; built in <= 150 s -> {build_seconds:.0f} s",
    ]
    searcher.close()
    report_text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "search.txt").write_text(report_text)
    print(report_text, end="")


if __name__ == "__main__":
    main()
