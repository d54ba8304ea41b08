"""What consumers type, turned into ranked companies.

A query is read first (read_query): the words people wrap around a company's name
("X customer service number", "how do I cancel my X subscription", "speak to someone
at X") are set aside and kept as intent (a task, a channel kind), a typed country or
department is kept as a preference, and a pasted web or e-mail address gives a domain.
What is left is the name.

The index then gathers candidates with a few exact-term lookups (whole-name keys, the
domain, every word, the start of the last word, and the known near spellings of each
word from the typo dictionary beside the index, search/typo_dictionary.py), and search/ranking.py orders them in tiers from the names stored with
each result, so the order people expect holds whatever the engine's scores say.

Only the plain SearchQuerySet API is used, so another Haystack engine
(Elasticsearch, OpenSearch) works without changes here; without the typo dictionary
(it belongs to the Whoosh backend) near spellings are found only by the words typed right.
"""

import operator
import re
from dataclasses import dataclass, field
from functools import cache, reduce

import pycountry
from haystack import connections
from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from core.caching import cached
from core.domains import registrable_domain, web_host
from directory.models import Company

from . import ranking, text
from .generation import cache_key

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_RESULTS = 200
TIER_LIMIT = 60
EXACT_LIMIT = 20
# Words the engine's query syntax reserves (Haystack's Whoosh backend): never looked up as prefixes.
RESERVED_WORDS = {"AND", "OR", "NOT", "TO"}
# Below this many results from exact words and prefixes, near spellings are looked up too.
ENOUGH_WITHOUT_TYPOS = 10
# The nearest known spellings looked up for each typed word.
NEAR_PIECES_PER_WORD = 40
# ... and for a suggestion, which shows a few names only.
NEAR_PIECES_SUGGESTED = 12
# The shortest known pieces looked up for a last word begun past the index's n-grams (a
# suggestion shows 8 names; each piece more costs the engine a branch in every match).
PIECES_BEGUN = 10

# Words that name a task, mapped to (guide kinds, channel departments) that answer it.
TASKS = {
    "cancel": (["cancel", "close_account"], ["cancellations", "accounts"]),
    "human": (["reach_human"], []),
    "complain": (["complain"], ["complaints"]),
    "refund": (["dispute_charge"], ["billing"]),
}
TASK_WORDS = {
    "cancel": "cancel", "cancellation": "cancel", "cancelling": "cancel", "canceling": "cancel",
    "unsubscribe": "cancel", "terminate": "cancel", "close": "cancel", "delete": "cancel", "deletion": "cancel",
    "human": "human", "agent": "human", "person": "human", "representative": "human", "operator": "human",
    "someone": "human", "somebody": "human", "talk": "human", "speak": "human", "live": "human",
    "complaint": "complain", "complain": "complain", "complaints": "complain",
    "refund": "refund", "dispute": "refund", "chargeback": "refund",
}  # fmt: skip
# Words that ask for one kind of channel: its channels come first.
CHANNEL_WORDS = {
    "phone": "phone", "number": "phone", "numbers": "phone", "telephone": "phone", "tel": "phone",
    "call": "phone", "hotline": "phone", "helpline": "phone", "tollfree": "phone", "toll": "phone",
    "email": "email", "mail": "email", "emails": "email", "e": "email",
    "chat": "chat", "livechat": "chat",
}  # fmt: skip
FILLER_WORDS = {
    "how", "to", "a", "an", "the", "at", "with", "my", "i", "want", "do", "can", "me", "on", "of", "in", "for",
    "account", "subscription", "membership", "real", "customer", "customers", "service", "get", "reach", "contact",
    "is", "from", "support", "help", "care", "services", "address", "line", "official", "free", "uk", "us", "usa",
    "desk", "helpdesk", "center", "centre", "team", "department", "please", "where", "what", "who", "find",
    "number", "write", "send", "speak", "someone", "need", "there",
}  # fmt: skip
PHRASING_WORDS = set(TASK_WORDS) | set(CHANNEL_WORDS) | FILLER_WORDS
DEPARTMENT_WORDS = {
    "billing": "billing", "bills": "billing", "payments": "billing", "sales": "sales", "complaints": "complaints",
    "cancellations": "cancellations", "privacy": "privacy", "fraud": "fraud", "accounts": "accounts",
    "technical": "tech_support", "tech": "tech_support",
}  # fmt: skip
COUNTRY_WORDS = {"uk": "GB", "britain": "GB", "england": "GB", "usa": "US", "us": "US", "america": "US",
                 "deutschland": "DE", "osterreich": "AT", "schweiz": "CH", "espana": "ES", "italia": "IT"}  # fmt: skip
URL_LIKE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s/@]+@)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.I
)


@cache
def country_words():
    """Single-word country names and codes, folded: 'peru' -> 'PE', 'germany' -> 'DE'."""
    found = dict(COUNTRY_WORDS)
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", "")):
            folded = text.tokens(name)
            if len(folded) == 1:
                found.setdefault(folded[0], country.alpha_2)
    return found


@dataclass
class ParsedQuery:
    """A query read the way a person meant it (see the module docstring)."""

    shown: str = ""
    tokens: list = field(default_factory=list)
    name_tokens: list = field(default_factory=list)
    token_words: dict = field(default_factory=dict)
    domain: str = ""
    host: str = ""
    pasted_link: bool = False
    task: str = ""
    channel_kind: str = ""
    countries: frozenset = frozenset()
    departments: frozenset = frozenset()
    preference_tokens: frozenset = frozenset()

    @property
    def squeezed(self):
        return "".join(self.name_tokens)

    @property
    def domains(self):
        """The typed host and its registrable domain, as the index holds them."""
        return sorted({self.host, self.domain} - {""})

    @property
    def prefix_words(self):
        """The name's words the engine can look up as prefixes (not its query syntax words)."""
        return [word for word in self.name.split() if word.upper() not in RESERVED_WORDS]

    @property
    def name(self):
        """The name's words, for the engine: "Rühen-Brechtorf" is looked up as "ruhen brechtorf"."""
        return " ".join(word for token in self.name_tokens for word in self.token_words.get(token, [token]))


def read_query(raw):
    raw = (raw or "")[:MAX_QUERY_LENGTH].replace("\x00", " ")
    query = ParsedQuery(shown=" ".join(raw.split()))
    candidate = raw.strip()
    typed = text.tokens(raw)
    if URL_LIKE.match(candidate) and not candidate.replace(".", "").isdigit():
        query.domain = registrable_domain(candidate)
        query.host = web_host(candidate) if query.domain else ""
        if query.domain and re.search(r"://|^www\.|[/@]", candidate):
            # A pasted link or address: its domain is the name ("https://www.example.com/help").
            query.pasted_link = True
            typed = [text.squash(query.domain.split(".", 1)[0])]
    query.tokens = typed[: MAX_TERMS * 2]
    query.token_words = {text.squash(piece): text.words(piece) for piece in text.fold(raw).split()}
    for token in query.tokens:
        query.task = query.task or TASK_WORDS.get(token, "")
        query.channel_kind = query.channel_kind or CHANNEL_WORDS.get(token, "")
    rest = [t for t in query.tokens if t not in PHRASING_WORDS]
    if not rest and not (query.task or query.channel_kind):
        rest = query.tokens
    query.name_tokens = rest[:MAX_TERMS]
    countries = {t: country_words()[t] for t in query.tokens if t in country_words()}
    departments = {t: DEPARTMENT_WORDS[t] for t in query.tokens if t in DEPARTMENT_WORDS}
    query.countries = frozenset(countries.values())
    query.departments = frozenset(departments)
    query.preference_tokens = frozenset(countries) | frozenset(departments)
    return query


def whole_name_typed(query, base):
    """The words of the query that name a company although they read as phrasing: all of them
    ("Help Line", "Phone Co"), or those left without the task and channel words ("contact Free")."""
    for kept in (query.tokens, [t for t in query.tokens if t not in TASK_WORDS and t not in CHANNEL_WORDS]):
        if kept and kept != query.name_tokens and _results(base.filter(keys=Exact("".join(kept))), 1):
            return kept
    return None


def clean_query(raw):
    """The query as the cache and the highlighter see it: folded words, bounded in length."""
    return " ".join(text.tokens((raw or "")[:MAX_QUERY_LENGTH])[:MAX_TERMS])


@dataclass
class Outcome:
    query: str
    terms: list = field(default_factory=list)
    pks: list = field(default_factory=list)
    exact_pks: set = field(default_factory=set)
    reasons: dict = field(default_factory=dict)
    did_you_mean: str = ""
    task: str = ""
    channel_kind: str = ""
    asks_which_company: bool = False
    message: str = ""


def company_documents(category=""):
    """Company documents in the index. Every lookup uses fields only companies have (name, aliases,
    about, keys, pieces, domains, name_auto), so no model filter is needed: Haystack's Whoosh
    backend runs .models() as a second, unlimited search that visits every document."""
    sqs = SearchQuerySet()
    return sqs.filter(category=Exact(category)) if category else sqs


def _results(sqs, limit=TIER_LIMIT):
    return list(sqs[:limit])


def near_lookups(query, per_word=NEAR_PIECES_PER_WORD):
    """Lookups for companies whose names hold each typed word or a known near spelling of it
    (the typo dictionary, search/typo_dictionary.py): first every word, then, only when that
    finds nothing, any word. Legal forms ("llc", "gmbh") and words under 3 characters are
    shared by thousands of companies and left to the ranking."""
    dictionary = typo_dictionary()
    words = [
        w for w in dict.fromkeys(query.name_tokens) if len(w) >= 3 and w not in text.LEGAL_FORMS | {"and"}
    ]
    clauses = [
        SQ(pieces__in=sorted({word, *(dictionary.near(word)[:per_word] if dictionary else [])}))
        for word in words
    ]
    if not clauses:
        return []
    every = reduce(operator.and_, clauses)
    return [every, reduce(operator.or_, clauses)] if len(clauses) > 1 else [every]


def typo_dictionary():
    return getattr(connections["default"].get_backend(), "typo_dictionary", None)


def begun(words):
    """Names with the words typed, the last one perhaps only begun.

    The index keeps the starts of words as edge n-grams only up to text.PREFIX_GRAM letters
    (longer ones were most of its terms). A longer last word is looked up as the known
    pieces that begin with it, shortest first, from the typo dictionary, which holds every
    piece: an engine's own prefix query on a common start ("global") visits thousands of
    terms. The words before it were finished (a space followed them), so a long one is
    looked up whole; the ranking accepts only whole words or near spellings there anyway.
    """
    *finished, last = words
    clauses = [SQ(name_auto=w) if len(w) <= text.PREFIX_GRAM else SQ(pieces=w) for w in finished]
    dictionary = typo_dictionary()
    if len(last) <= text.PREFIX_GRAM:
        clauses.append(SQ(name_auto=last))
    elif dictionary is None:
        clauses.append(SQ(pieces__startswith=last))
    else:
        # A name with the word whole also matches it in `name`, so the engine's top hits start
        # with those (the ranking puts them first), not with the shortest names that begin with it.
        clauses.append(SQ(name=last) | SQ(pieces__in=dictionary.starting_with(last, PIECES_BEGUN) or [last]))
    return reduce(operator.and_, clauses)


def words_or_begun(query):
    """Every word in the name, an alias or what the company does, or the last one begun: one
    lookup, as the ranking orders the candidates itself."""
    name = query.name
    every_word = SQ(name=name) | SQ(aliases=name) | SQ(about=name)
    started = query.prefix_words
    return every_word | begun(started) if started else every_word


def gather(query, base):
    """Candidate results from the index, and the pks found by the domain."""
    found, domain_hits = {}, set()
    lookups = []
    if query.domain:
        domain_results = _results(base.filter(domains__in=query.domains))
        domain_hits = {r.pk for r in domain_results}
        lookups.append(domain_results)
    if query.name_tokens:
        squeezed = {query.squeezed, "".join(text.everyday_words(query.name))}
        lookups.append(_results(base.filter(keys__in=sorted(k for k in squeezed if k)), EXACT_LIMIT))
        lookups.append(_results(base.filter(words_or_begun(query))))
    for results in lookups:
        for result in results:
            found.setdefault(result.pk, result)
    return found, domain_hits


def ranked_results(query, base):
    """(result, Match) pairs, best first; near spellings are looked up when exact words,
    prefixes and the domain leave too few matches."""
    found, domain_hits = gather(query, base)
    ranked = ranking.rank(query, list(found.values()), domain_hits)
    exact = bool(ranked) and ranked[0][1].tier == ranking.EXACT
    if exact or len(ranked) >= ENOUGH_WITHOUT_TYPOS:
        return ranked
    for near in near_lookups(query):
        before = len(ranked)
        for result in _results(base.filter(near)):
            found.setdefault(result.pk, result)
        ranked = ranking.rank(query, list(found.values()), domain_hits)
        if len(ranked) > before:
            break
    return ranked


def search_companies(raw_query, category=""):
    query = read_query(raw_query)
    outcome = Outcome(query=clean_query(raw_query), task=query.task, channel_kind=query.channel_kind)
    if not query.tokens and not query.domain:
        if (raw_query or "").strip():
            outcome.message = "Type a company name using letters or numbers."
        return outcome
    base = company_documents(category)
    whole = whole_name_typed(query, base)
    if whole:
        query.name_tokens = whole
        if whole == query.tokens:
            query.task = query.channel_kind = outcome.task = outcome.channel_kind = ""
    outcome.terms = query.name_tokens or query.tokens
    if not query.name_tokens and not query.domain:
        outcome.asks_which_company = True
        return outcome
    ranked = ranked_results(query, base)[:MAX_RESULTS]
    outcome.pks = [int(result.pk) for result, _ in ranked]
    outcome.exact_pks = {int(r.pk) for r, m in ranked if m.tier == ranking.EXACT}
    outcome.reasons = {int(r.pk): why for r, m in ranked if (why := ranking.reason(m, r))}
    if ranked and ranked[0][1].tier >= ranking.TYPO:
        outcome.did_you_mean = ranked[0][0].title
    return outcome


# What a query with an intent and no company asks back ("cancel", "customer service").
WHICH_COMPANY = {
    "cancel": "Which company do you want to cancel or close an account with?",
    "human": "Which company do you want to reach a person at?",
    "complain": "Which company do you want to complain to?",
    "refund": "Which company do you want a refund from?",
    "phone": "Whose phone number are you looking for?",
    "email": "Whose e-mail address are you looking for?",
    "chat": "Which company do you want to chat with?",
}


def which_company_question(outcome):
    """(the question, the most viewed companies that could answer it) for a query that is
    only intent, or ("", [])."""
    if not outcome.asks_which_company:
        return "", []
    question = WHICH_COMPANY.get(outcome.task or outcome.channel_kind, "Which company do you mean?")
    return question, companies_for_task(outcome.task, outcome.channel_kind)


def companies_for_task(task, channel_kind, limit=8):
    """The most viewed companies with a published guide or a channel for a bare intent
    ("cancel", "customer service"), for the page that asks which company was meant."""
    companies = Company.objects.all()
    if task:
        kinds, departments = TASKS[task]
        companies = companies.filter(guides__kind__in=kinds, guides__is_published=True) | (
            companies.filter(channels__department__in=departments, channels__status="active")
            if departments
            else Company.objects.none()
        )
    elif channel_kind:
        companies = companies.filter(channels__kind=channel_kind, channels__status="active")
    return list(
        Company.objects.filter(pk__in=companies.values("pk"))
        .select_related("category")
        .order_by("-view_count", "name")[:limit]
    )


def search_companies_cached(raw_query, category=""):
    """search_companies() through the cache, until the index changes."""
    key = cache_key("results", category, clean_query(raw_query), bool((raw_query or "").strip()))
    return cached(key, 300, lambda: search_companies(raw_query, category))


def suggest_cached(raw_query):
    """suggest() through the cache, until the index changes (suggestions come from the index alone)."""
    return cached(cache_key("suggest", clean_query(raw_query)), 300, lambda: suggest(raw_query))


def task_answer(outcome, company):
    """The guides and channels of `company` that answer what the query asked for, best first:
    a task's guides and departments, a channel word's kind of channel ("X support email")."""
    if not (outcome.task or outcome.channel_kind) or company is None:
        return [], []
    guides, channels = [], []
    if outcome.task:
        kinds, departments = TASKS[outcome.task]
        guides = sorted(
            (g for g in company.guides.all() if g.is_published and g.kind in kinds),
            key=lambda g: kinds.index(g.kind),
        )
        if departments:
            channels = [c for c in company.active_channels if c.department in departments]
        elif not outcome.channel_kind:
            channels = [company.best_channel] if company.best_channel else []
    if outcome.channel_kind:
        of_kind = [c for c in (channels or company.human_channels) if c.kind == outcome.channel_kind]
        channels = of_kind or channels
    return guides, channels


def suggest(raw_query, limit=8):
    """Suggestions for the search box from the index alone (no database query): companies,
    and first the guide that answers a task typed with a name ("cancel stream")."""
    query = read_query(raw_query)
    if len(query.squeezed) < 2 and not query.domain:
        return []
    base = company_documents()
    whole = whole_name_typed(query, base)
    if whole:
        query.name_tokens = whole
        query.task = "" if whole == query.tokens else query.task
    found, domain_hits = {}, set()
    started = query.prefix_words
    lookups = [
        base.filter(keys=Exact(query.squeezed)),
        *([base.filter(begun(started))] if started else []),
    ]
    lookups = lookups if query.name else []
    if query.domain:
        lookups.insert(0, base.filter(domains__in=query.domains))
    for number, lookup in enumerate(lookups):
        for result in _results(lookup, limit + 2):
            found.setdefault(result.pk, result)
            domain_hits |= {result.pk} if query.domain and number == 0 else set()
    near = near_lookups(query, NEAR_PIECES_SUGGESTED)[:1] if not found else []
    if near:
        # Nothing starts with what was typed: offer near spellings instead.
        found = {r.pk: r for r in _results(base.filter(near[0]), limit * 2)}
    ranked = [result for result, _ in ranking.rank(query, list(found.values()), domain_hits)][:limit]
    suggestions = [
        {
            "name": r.title,
            "url": r.url,
            "category": r.category_name,
            "best": {"kind": r.best_kind, "value": r.best_value, "href": r.best_href}
            if r.best_value
            else None,
        }
        for r in ranked
    ]
    guide = task_guide(ranked[0], TASKS[query.task][0]) if query.task and ranked else None
    if guide:
        suggestions.insert(0, {**guide, "category": "Guide", "best": None})
    return suggestions[:limit]


def task_guide(result, kinds):
    """The company's published guide of the first of `kinds` it has, from its document, or None."""
    guides = {}
    for line in (result.guides or "").splitlines():
        kind, _, rest = line.partition("\t")
        title, _, url = rest.partition("\t")
        guides.setdefault(kind, {"name": title, "url": url})
    return next((guides[kind] for kind in kinds if kind in guides), None)


def load_companies(pks, reasons=None):
    """Companies for a page of results, in result order, in a fixed number of queries, each
    with the reason it matched (`match_reason`, see ranking.reason)."""
    found = Company.objects.with_best_channel().prefetch_related("guides").in_bulk(pks)
    companies = [found[pk] for pk in pks if pk in found]
    for company in companies:
        company.match_reason = (reasons or {}).get(company.pk, "")
    return companies


def domain_owners(host, domain, limit=MAX_RESULTS):
    """[(company pk, owns it)] for the companies known by a domain: the website's, an alias
    written as a domain, or the domain of an e-mail address, form or chat of theirs. Those
    whose own website is on it come first (`owns it` True): a help desk's domain
    (northwind.helpdesk.example) is in many companies' channels but owned by one.

    An exact-term lookup in the index's `domains` field, which the index keeps for every
    company (search/search_indexes.py); the database holds websites as typed URLs and has no
    domain column to look them up by."""
    typed = sorted({host, domain} - {""})
    results = company_documents().filter(domains__in=typed)[:limit]
    owners = [(int(r.pk), bool(set(typed) & set((r.own_domain or "").split()))) for r in results]
    return sorted(owners, key=lambda owner: not owner[1])
