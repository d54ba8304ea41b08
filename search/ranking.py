"""Orders the companies the index found for a query, and says why each one matched.

The index only gathers candidates (queries.py); the order is decided here, from the
names stored with each result, so that it holds whatever the engine's scores say:

1. exact: the whole name or an alias, however spaced and punctuated ("itch io" = Itch.io),
   or without its legal form ("quora" = "Quora, Inc.");
2. domain: a pasted web address or e-mail address of the company;
3. words: every typed word is a word of the name or an alias;
4. about: ... or of what the company does (category, departments, guide titles);
5. prefix: ... the last one only begun ("northwind wire");
6. typo: every word within the typos its length allows (text.allowed_edits);
7. partial: all but one word match, and at least two do.

Within a tier: fewer words missed, fewer edits, then a typed country or department the
company serves, then the most viewed, then the name closest in length to what was typed.
"""

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from . import text

EXACT, DOMAIN, WORDS, ABOUT, PREFIX, TYPO, PARTIAL = range(7)


@dataclass(frozen=True)
class Match:
    tier: int
    missed: int = 0
    edits: int = 0
    spare_words: int = 0
    matched_name: str = ""
    via_domain: bool = False

    def key(self):
        return (self.tier, self.missed, self.edits)


@lru_cache(maxsize=50_000)
def _pieces(name):
    return frozenset(text.name_pieces([name]))


@lru_cache(maxsize=50_000)
def _keys(name):
    return frozenset(text.keys([name]))


@lru_cache(maxsize=50_000)
def _distinct_words(name):
    return frozenset(w for w in text.words(name) if w not in text.LEGAL_FORMS)


def edits_between(typed, piece):
    """Edits from a typed word to a word of a name, or None when more than the longer one allows."""
    allowed = text.allowed_edits(max(len(typed), len(piece)))
    if allowed == 0 or len(typed) < 3:
        return None
    distance = OSA.distance(typed, piece, score_cutoff=allowed)
    return distance if distance <= allowed else None


def match_name(query, name, about):
    """How `query` (a ParsedQuery) matches one name of a company, or None."""
    squeezed = query.squeezed
    if squeezed in _keys(name):
        return Match(EXACT, matched_name=name)
    pieces = _pieces(name)
    missed = edits = from_about = matched = 0
    begun = False
    used = set()
    for position, token in enumerate(query.name_tokens):
        if token in pieces:
            matched += 1
            used.add(token)
            continue
        if position == len(query.name_tokens) - 1 and len(token) >= 2:
            started = [p for p in pieces if p.startswith(token)]
            if started:
                begun, matched = True, matched + 1
                used.update(started)
                continue
        near = [(d, p) for p in pieces if (d := edits_between(token, p)) is not None]
        if near:
            distance, piece = min(near)
            edits, matched = edits + distance, matched + 1
            used.add(piece)
        elif token in about:
            from_about += 1
        elif token not in text.LEGAL_FORMS and token not in query.preference_tokens:
            missed += 1
    spare = len(_distinct_words(name) - used)
    if missed or edits:
        # The whole name squeezed against what was typed squeezed: spaces and dots typed differently.
        whole = min(
            (d for key in _keys(name) if (d := edits_between(squeezed, key)) is not None), default=None
        )
        if whole is not None and (missed or edits > whole):
            return Match(TYPO, 0, whole, spare, name)
    if missed == 0 and matched == 0 and not from_about:
        return None
    if missed:
        if missed == 1 and matched >= 2:
            return Match(PARTIAL, missed, edits, spare, name)
        return None
    if edits:
        return Match(TYPO, 0, edits, spare, name)
    if begun:
        return Match(PREFIX, 0, 0, spare, name)
    return Match(ABOUT if from_about else WORDS, 0, 0, spare, name)


def domain_match(query, result):
    """The company's own site at the typed host, its own domain, or a domain of its channels."""
    own_host, _, own_domain = (result.own_domain or "").partition(" ")
    edits = 0 if query.host and own_host == query.host else 1 if own_domain == query.domain else 2
    return Match(
        EXACT if query.pasted_link else DOMAIN, edits=edits, matched_name=result.title, via_domain=True
    )


def judge(query, result, domain_hit):
    names = [n for n in (result.all_names or result.title).split("\n") if n]
    about = frozenset((result.about_words or "").split())
    matches = [m for name in names if (m := match_name(query, name, about))] if query.name_tokens else []
    if query.pasted_link:
        # The name was only read off the link: the link's owner comes first.
        matches = [
            Match(max(m.tier, DOMAIN), m.missed, m.edits, m.spare_words, m.matched_name) for m in matches
        ]
    if query.domain and domain_hit:
        matches.append(domain_match(query, result))
    return min(matches, key=lambda m: (m.key(), m.matched_name != names[0]), default=None)


def preference(query, result):
    """1 when the company serves a country or department named in the query."""
    countries = set((result.country_codes or "").split())
    about = set((result.about_words or "").split())
    return int(bool(query.countries & countries) or bool(query.departments & about))


def rank(query, results, domain_hits):
    """(result, Match) pairs for the results that match, best first."""
    judged = [(r, m) for r in results if (m := judge(query, r, r.pk in domain_hits))]
    typed_length = len(query.squeezed)
    judged.sort(
        key=lambda pair: (
            *pair[1].key(),
            -preference(query, pair[0]),
            -int(pair[0].popularity or 0),
            pair[1].spare_words,
            abs(len(text.squash(pair[1].matched_name)) - typed_length),
            pair[0].title,
        )
    )
    return judged


def reason(match, result):
    """Why a result is there, in words, or '' when its own name says it."""
    name = result.title
    if match.via_domain:
        return "owns this web address" if match.edits < 2 else "uses this web address"
    if match.matched_name and match.matched_name != name:
        return f"matched the alias {match.matched_name}"
    if match.tier == ABOUT:
        return "matched what the company does"
    if match.tier in (TYPO, PARTIAL):
        return "near spelling"
    return ""
