"""What consumers type, turned into ranked companies.

Ranking is done in tiers rather than by mixing scores, so that the order people
expect holds whatever the index statistics: an exact name or alias first, then
companies whose name, aliases or description contain every word, then names that
start with what was typed, then near spellings. Within a tier, the engine's score
decides (name counts more than alias, alias more than the rest).

Only the plain SearchQuerySet API is used, so another Haystack engine
(Elasticsearch, OpenSearch) works without changes here.
"""

import re
from dataclasses import dataclass, field

from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from core.caching import cached
from directory.models import Company

from .generation import cache_key
from .search_indexes import deletions, squash

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 200
TIER_LIMIT = 60

# Words that name a task, mapped to (guide kinds, channel departments) that answer it.
TASKS = {
    "cancel": (["cancel", "close_account"], ["cancellations", "accounts"]),
    "human": (["reach_human"], []),
    "complain": (["complain"], ["complaints"]),
    "refund": (["dispute_charge"], ["billing"]),
}
TASK_WORDS = {
    "cancel": "cancel", "cancellation": "cancel", "cancelling": "cancel", "canceling": "cancel",
    "unsubscribe": "cancel", "terminate": "cancel", "close": "cancel", "delete": "cancel",
    "human": "human", "agent": "human", "person": "human", "representative": "human", "operator": "human",
    "someone": "human", "talk": "human", "speak": "human",
    "complaint": "complain", "complain": "complain", "complaints": "complain",
    "refund": "refund", "dispute": "refund", "chargeback": "refund",
}  # fmt: skip
FILLER_WORDS = {
    "how", "to", "a", "an", "the", "at", "with", "my", "i", "want", "do", "can", "me", "on", "of", "in", "for",
    "account", "subscription", "membership", "real", "customer", "service", "get", "reach", "contact", "is", "from",
}  # fmt: skip


@dataclass
class Outcome:
    query: str
    terms: list = field(default_factory=list)
    pks: list = field(default_factory=list)
    exact_pks: set = field(default_factory=set)
    did_you_mean: str = ""
    task: str = ""
    message: str = ""


def clean_query(raw):
    """Letters, digits and spaces only, bounded in length: the engine never sees syntax."""
    text = re.sub(r"[^\w\s&'-]+", " ", (raw or "")[:MAX_QUERY_LENGTH])
    text = re.sub(r"[&'_-]+", " ", text)
    return " ".join(text.split()[:MAX_TERMS]).lower()


# How people wrap a company's name when they look for its contacts: "X customer service
# number", "contact X", "X support email". Dropped around the name, never from it alone.
CONTACT_WORDS = {
    "phone", "number", "numbers", "telephone", "tel", "email", "mail", "address", "support", "help", "helpline",
    "hotline", "line", "care", "services", "call", "chat", "live", "uk", "us", "usa", "official", "free", "toll",
}  # fmt: skip


def split_task(terms):
    """(task or '', the words left for the company name): task, filler and contact words removed,
    unless nothing would be left of the name."""
    task = ""
    for term in terms:
        if term in TASK_WORDS:
            task = task or TASK_WORDS[term]
    rest = [t for t in terms if t not in TASK_WORDS and t not in FILLER_WORDS and t not in CONTACT_WORDS]
    return task, rest if rest else ([] if task else terms)


def company_documents(category=""):
    """Company documents in the index. Every tier queries fields only companies have (name, aliases,
    about, keys, name_auto), so no model filter is needed: Haystack's Whoosh backend
    runs .models() as a second, unlimited search that visits every document."""
    sqs = SearchQuerySet()
    return sqs.filter(category=Exact(category)) if category else sqs


def _pks(sqs, limit=TIER_LIMIT):
    return [int(result.pk) for result in sqs[:limit]]


def search_companies(raw_query, category=""):
    query = clean_query(raw_query)
    outcome = Outcome(query=query)
    if not query:
        if (raw_query or "").strip():
            outcome.message = "Type a company name using letters or numbers."
        return outcome
    terms = query.split()
    outcome.task, name_terms = split_task(terms)
    base = company_documents(category)
    # A company whose whole name is what was typed ("Phone Co", "Help Line") keeps every word.
    if name_terms != terms and _pks(base.filter(keys=Exact(squash(query))), 1):
        outcome.task, name_terms = "", terms
    outcome.terms = name_terms or terms
    name = " ".join(outcome.terms)

    exact = _pks(base.filter(keys=Exact(squash(name))))
    words = _pks(base.filter(SQ(name=name) | SQ(aliases=name) | SQ(about=name)))
    ranked = _merge(exact, words)
    if len(ranked) < TIER_LIMIT:
        ranked = _merge(ranked, _pks(base.autocomplete(name_auto=name)))
    fuzzy = []
    near = fuzzy_filter(outcome.terms)
    if not exact and len(ranked) < 10 and near is not None:
        fuzzy = _pks(base.filter(near))
        ranked = _merge(ranked, fuzzy)
    outcome.pks = ranked[:MAX_RESULTS]
    outcome.exact_pks = set(exact)
    if not exact and not words and fuzzy:
        outcome.did_you_mean = (
            Company.objects.filter(pk=fuzzy[0]).values_list("name", flat=True).first() or ""
        )
    return outcome


def fuzzy_filter(terms):
    """Names within one typo of every long word; None when no word is long enough.

    Matches the one-letter-deletion forms indexed in CompanyIndex.typos, so it is a
    handful of exact term lookups whatever the size of the index.
    """
    query = None
    for term in terms:
        # Short words match too much with a typo allowed; long ones are not names.
        if 5 <= len(term) <= 30:
            clause = SQ(typos__in=sorted(deletions(term)))
            query = clause if query is None else query & clause
    return query


def search_companies_cached(raw_query, category=""):
    """search_companies() through the cache, until the index changes."""
    key = cache_key("results", category, clean_query(raw_query), bool((raw_query or "").strip()))
    return cached(key, 300, lambda: search_companies(raw_query, category))


def suggest_cached(raw_query):
    """suggest() through the cache, until the index changes (suggestions come from the index alone)."""
    return cached(cache_key("suggest", clean_query(raw_query)), 300, lambda: suggest(raw_query))


def _merge(first, second):
    seen = set(first)
    return first + [pk for pk in second if not (pk in seen or seen.add(pk))]


def task_answer(outcome, company):
    """The guides and channels of `company` that answer the task named in the query, best first."""
    if not outcome.task or company is None:
        return [], []
    kinds, departments = TASKS[outcome.task]
    guides = sorted(
        (g for g in company.guides.all() if g.is_published and g.kind in kinds),
        key=lambda g: kinds.index(g.kind),
    )
    if departments:
        channels = [c for c in company.active_channels if c.department in departments]
    else:
        channels = [company.best_channel] if company.best_channel else []
    return guides, channels


def suggest(raw_query, limit=8):
    """Suggestions for the search box from the index alone (no database query)."""
    query = clean_query(raw_query)
    if len(query.replace(" ", "")) < 2:
        return []
    base = company_documents()
    name_terms = split_task(query.split())[1]
    if name_terms and not _pks(base.filter(keys=Exact(squash(query))), 1):
        query = " ".join(name_terms)  # "cancel stream" suggests Streamly
    results = _first_results(
        [base.filter(keys=Exact(squash(query))), base.autocomplete(name_auto=query)], limit
    )
    near = fuzzy_filter(query.split())
    if not results and near is not None:
        # Nothing starts with what was typed: offer near spellings instead.
        results = _first_results([base.filter(near)], limit)
    return [
        {
            "name": r.title,
            "url": r.url,
            "category": r.category_name,
            "best": {"kind": r.best_kind, "value": r.best_value, "href": r.best_href}
            if r.best_value
            else None,
        }
        for r in results
    ]


def _first_results(querysets, limit):
    results, seen = [], set()
    for sqs in querysets:
        for result in sqs[:limit]:
            if result.pk not in seen and len(results) < limit:
                seen.add(result.pk)
                results.append(result)
    return results


def load_companies(pks):
    """Companies for a page of results, in result order, in a fixed number of queries."""
    found = Company.objects.with_best_channel().prefetch_related("guides").in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]
