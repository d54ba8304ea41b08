"""The search evaluation set: queries people type for real companies, with the company they want.

Usage: python -m bench.search.eval_set [--per-class 250]

Built from the 3,070 real company names of the Datenanfragen.de database (CC0) in
../shared/open-data/datenanfragen, and written to bench/search/eval-set.jsonl, which is
committed so that every run measures the same queries. Each line is one query:

    {"class": "swap", "query": "Nrothwind", "slugs": ["northwind"]}

"slugs" lists every company the query may fairly find first (two records with the same
name are both right). Classes:

* typos in one word of the name, sized to the word: a letter dropped, added, changed,
  two neighbours swapped (words of 4 letters and more), a letter doubled or a double
  letter typed once, two edits in one word (8 letters and more);
* diacritics left out ("Mercado Libre Peru"), punctuation left out or typed as a space
  ("itchio", "itch io"), punctuation left out with a typo ("ichio");
* the everyday name without its legal form ("Quora" for "Quora, Inc.");
* the company's web address pasted as a URL;
* phrasing: the name wrapped in the ways people ask ("X customer service number").

A query that spells another company's name exactly is left out: it cannot be answered.
"""

import argparse
import json
import random
import re
import string
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPEN_DATA = ROOT.parent / "shared" / "open-data" / "datenanfragen" / "companies"
EVAL_SET = Path(__file__).with_name("eval-set.jsonl")

LEGAL_FORMS = re.compile(
    r"[\s,]+(inc|ltd|llc|gmbh|ag|plc|s\.?a\.?|s\.?l\.?|b\.?v\.?|n\.?v\.?|limited|corp|corporation|co"
    r"|s\.?r\.?l\.?|s\.?p\.?a\.?|se|kg|ug|ab|as|oy|sas|e\.?\s?v|gmbh\s*&\s*co\.?\s*kg|pty)\.?\s*$",
    re.IGNORECASE,
)
PHRASINGS = [
    "{} phone number",
    "contact {}",
    "{} customer service number",
    "{} support email",
    "speak to someone at {}",
    "{} customer service",
    "{} customer care number",
    "how do i cancel my {} subscription",
    "cancel {} account",
    "{} toll free number",
    "talk to a human at {}",
    "{} e-mail address",
    "{} live chat",
    "how to contact {}",
    "delete my {} account",
    "{} complaint",
]


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def squash(text):
    return re.sub(r"[\W_]+", "", fold(text).lower())


def everyday_name(name):
    """'Quora' for 'Quora, Inc.': the name without a trailing legal form."""
    shorter = LEGAL_FORMS.sub("", name).strip(" ,")
    return shorter if shorter and shorter != name else ""


def word_spans(name, min_length):
    return [m.span() for m in re.finditer(r"[^\W\d_]+", name) if m.end() - m.start() >= min_length]


def edit(word, kind, rng):
    i = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "add":
        return word[:i] + letter + word[i:]
    if kind == "change":
        others = [c for c in string.ascii_lowercase if c != word[i].lower()]
        return word[:i] + rng.choice(others) + word[i + 1 :]
    if kind == "swap":
        i = rng.randrange(len(word) - 1)
        if word[i].lower() == word[i + 1].lower():
            return word
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    raise ValueError(kind)


def typo(name, kind, rng):
    """The name with one typo of `kind` in one of its words long enough for it, or None."""
    if kind == "undouble":
        pairs = [m.start() for m in re.finditer(r"([^\W\d_])\1", name)]
        if not pairs:
            return None
        i = rng.choice(pairs)
        return name[:i] + name[i + 1 :]
    spans = word_spans(name, 8 if kind == "two_edits" else 4)
    if not spans:
        return None
    start, end = rng.choice(spans)
    word = name[start:end]
    if kind == "two_edits":
        changed = edit(edit(word, rng.choice(["drop", "add", "change", "swap"]), rng), "change", rng)
    else:
        changed = edit(word, kind, rng)
    return name[:start] + changed + name[end:] if changed != word else None


def web_host(record):
    web = str(record.get("web") or "")
    return re.sub(r"^https?://(www\.)?", "", web).split("/")[0].lower() if web.startswith("http") else ""


def queries_for(kind, record, rng):
    name = record["name"]
    if kind in ("drop", "add", "change", "swap", "double", "undouble", "two_edits"):
        return typo(name, kind, rng)
    if kind == "diacritics":
        return fold(name) if fold(name) != name else None
    if kind == "punctuation":
        if not re.search(r"[^\w\s]", name):
            return None
        return re.sub(r"[^\w\s]+", rng.choice(["", " "]), name)
    if kind == "punctuation_typo":
        if not re.search(r"\w[^\w\s]+\w", name):
            return None
        return typo(re.sub(r"[^\w\s]+", "", name), rng.choice(["drop", "change", "swap"]), rng)
    if kind == "everyday_name":
        return everyday_name(name) or None
    if kind == "url":
        web = record.get("web") or ""
        if not web.startswith("http"):
            return None
        host = re.sub(r"^https?://", "", web).split("/")[0]
        return f"https://{host}/{rng.choice(['help', 'contact', 'en/support', 'privacy'])}"
    if kind.startswith("phrasing"):
        template = PHRASINGS[int(kind.split(":")[1])]
        return template.format(rng.choice([name, everyday_name(name) or name]))
    raise ValueError(kind)


CLASSES = ["drop", "add", "change", "swap", "double", "undouble", "two_edits", "diacritics", "punctuation",
           "punctuation_typo", "everyday_name", "url"] + [f"phrasing:{i}" for i in range(len(PHRASINGS))]  # fmt: skip


def build(per_class, seed=20261126):
    records = [json.loads(p.read_text()) for p in sorted(OPEN_DATA.glob("*.json"))]
    by_key, by_everyday, by_host = {}, {}, {}
    for record in records:
        by_key.setdefault(squash(record["name"]), []).append(record["slug"])
        by_everyday.setdefault(squash(everyday_name(record["name"]) or record["name"]), []).append(
            record["slug"]
        )
        by_host.setdefault(web_host(record), []).append(record["slug"])
    rng = random.Random(seed)
    lines = []
    for kind in CLASSES:
        candidates = records[:]
        rng.shuffle(candidates)
        # Phrasing samples fewer names per template: there are many templates.
        wanted = per_class // 4 if kind.startswith("phrasing") else per_class
        taken = 0
        for record in candidates:
            query = queries_for(kind, record, rng)
            if not query or squash(query) != squash(record["name"]) and squash(query) in by_key:
                continue
            # Several companies answer a name typed without its legal form or a link to a shared site.
            slugs = {
                "everyday_name": by_everyday.get(squash(query)),
                "url": by_host.get(web_host(record)),
            }.get(kind)
            line = {
                "class": kind.split(":")[0],
                "query": query,
                "slugs": slugs or by_key[squash(record["name"])],
            }
            if kind.startswith("phrasing"):
                line["template"] = PHRASINGS[int(kind.split(":")[1])].format("X")
            lines.append(line)
            taken += 1
            if taken == wanted:
                break
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-class", type=int, default=250)
    args = parser.parse_args()
    lines = build(args.per_class)
    EVAL_SET.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    print(f"wrote {len(lines)} queries to {EVAL_SET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
