"""How names and queries are cut into comparable pieces, the same way on both sides.

Everything is folded first: lower case, diacritics and other scripts' letters turned
into plain Latin letters (anyascii: "Österreich" -> "osterreich", "Straße" -> "strasse"),
"&" and "+" read as "and". Then a name gives

* words: its runs of letters and digits ("itch.io" -> "itch", "io");
* tokens: its whitespace-separated pieces with the punctuation squeezed out
  ("itch.io" -> "itchio", "Georg-Eckert-Straße" -> "georgeckertstrasse"), so that a
  name typed without its dots or hyphens is still one known piece;
* keys: the whole name squeezed ("mail.com", "Mail Com" and "MailCom" -> "mailcom"),
  also without its legal form ("Quora, Inc." -> "quora") and, for German names, with
  ä/ö/ü written ae/oe/ue as Germans type them without umlauts.

Typos are sized to the word: none below 4 letters, one edit (a letter dropped, added,
changed, or two neighbours swapped) from 4 letters, two from 8. Near spellings are found
with deletion forms (see typo_forms and search/typo_dictionary.py), so a lookup is a set
of exact terms, whatever the size of the index.
"""

import re
from functools import lru_cache
from itertools import combinations

from anyascii import anyascii

# Legal forms people leave out when they type a company's name.
LEGAL_FORMS = frozenset(
    "inc ltd llc llp lp gmbh mbh ag plc sa sl bv nv limited corp corporation srl spa se kg kgaa ug ab as oy "
    "sas sarl ev pty pte bhd kft zrt sro spzoo oü ou aps asa gbr ohg eg co".split()
)
MAX_WORD = 30
# The index keeps the starts of a name's words up to this many letters (search_indexes.py,
# name_auto); a longer start is looked up among the name's pieces (queries.begun).
PREFIX_GRAM = 5
GERMAN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


AMPERSAND = re.compile(r"\s*[&+]\s*")
WORD = re.compile(r"[a-z0-9]+")
NOT_WORD = re.compile(r"[^a-z0-9]+")


# An index document folds the same names a few dozen times (its fields are cut from them).
@lru_cache(maxsize=65_536)
def fold(text):
    return anyascii(AMPERSAND.sub(" and ", text or "")).lower()


def words(text):
    return WORD.findall(fold(text))


def tokens(text):
    return [t for t in (NOT_WORD.sub("", piece) for piece in fold(text).split()) if t]


def squash(text):
    return "".join(words(text))


def everyday_words(text):
    """The name's words without trailing legal forms: 'Quora, Inc.' -> ['quora']."""
    found = words(text)
    while len(found) > 1 and found[-1] in LEGAL_FORMS:
        found.pop()
    # "GmbH & Co. KG": the "and" that joined two legal forms goes too.
    while len(found) > 1 and found[-1] == "and":
        found.pop()
        while len(found) > 1 and found[-1] in LEGAL_FORMS:
            found.pop()
    return found


def spellings(name):
    """The name as typed with and without umlauts written out."""
    variants = [name]
    if name.translate(GERMAN_UMLAUTS) != name:
        variants.append(name.translate(GERMAN_UMLAUTS))
    return variants


def keys(names):
    """Every squeezed whole-name form of `names` that a query matching exactly should find."""
    found = set()
    for name in names:
        for spelling in spellings(name):
            found.add(squash(spelling))
            found.add("".join(everyday_words(spelling)))
            found.add(squash(spelling.replace("&", " ").replace("+", " ")))
    return sorted(k for k in found if k)


def allowed_edits(length):
    return 0 if length < 4 else 1 if length < 8 else 2


def deletions(word, times):
    forms = {word}
    for n in range(1, times + 1):
        forms |= {"".join(kept) for kept in combinations(word, len(word) - n)}
    return forms


# Forms are made from a word's first letters only (SymSpell's prefix): two spellings within
# the allowed edits still share a form of their beginnings, and a long word has fewer than
# half as many forms. The candidates are then checked against the whole words.
FORM_PREFIX = 8


def typo_forms(word):
    """The word's beginning and what is left of it with as many letters left out as the
    word's length allows typos.

    Two spellings within the allowed edits share one of these forms, both for the word in
    a name and for the word typed, so an exact lookup finds near spellings.
    """
    if len(word) > MAX_WORD:
        return set()
    return deletions(word[:FORM_PREFIX], allowed_edits(len(word)))


def typed_forms(typed):
    """The forms to look a typed word up by: one more letter than typed is allowed for, so a
    dropped letter does not cost the word its second typo."""
    return deletions(typed[:FORM_PREFIX], allowed_edits(len(typed) + 1))


def name_pieces(names):
    """The words and tokens of `names`, in every spelling: what a typed word is compared with."""
    pieces = set()
    for name in names:
        for spelling in spellings(name):
            pieces.update(words(spelling))
            pieces.update(tokens(spelling))
            squeezed = squash(spelling)
            if len(squeezed) <= MAX_WORD:
                pieces.add(squeezed)
    return pieces
