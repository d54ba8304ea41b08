"""justdelete.me (jdm-contrib/jdm, MIT): `_data/sites.json`, an array of sites and how to delete an account.

Each site with a `url` (the account-deletion page) or an `email` becomes a company
(`domains` and the page's domain are its domains) with a "close your account" guide:
`difficulty` easy/medium/hard/impossible as ours ("limited": hard), `notes` as its
text, the page and the e-mail (with `email_subject` and `email_body` to send) in its
steps, and both as channels of the accounts department. Translated notes (`notes_de`,
...) are not used.
"""

import re
from pathlib import Path

from django.utils.text import slugify

from core.domains import registrable_domain

from .base import (
    Fact,
    GuideFact,
    Record,
    Rejection,
    read_json,
    strings_or_reason,
    text_or_reason,
    unknown_fields,
)

SOURCE = "jdm"
SITES_URL = "https://github.com/jdm-contrib/jdm/blob/master/_data/sites.json"
DIFFICULTY = {
    "easy": "easy",
    "medium": "medium",
    "hard": "hard",
    "limited": "hard",
    "impossible": "impossible",
}
KNOWN = {"name", "url", "difficulty", "notes", "email", "email_subject", "email_body", "domains", "meta"}
TRANSLATED = re.compile(r"^notes_[a-z]{2}(_[a-z]{2})?$")


def read(path):
    root = Path(path)
    file = root / "_data" / "sites.json"
    if not file.is_file():
        yield Rejection("_data/sites.json", "", "", "the dataset has no _data/sites.json")
        return
    data, rejection = read_json(file, root)
    if rejection:
        yield rejection
        return
    if not isinstance(data, list):
        yield Rejection("_data/sites.json", "", "", f"sites.json must be a list, not {type(data).__name__}")
        return
    seen = set()
    for position, site in enumerate(data, 1):
        yield to_record(site, position, seen)


def to_record(site, position, seen):
    file = f"_data/sites.json #{position}"
    if not isinstance(site, dict):
        return Rejection(file, "", "", f"a site must be an object, not {type(site).__name__}")
    name, reason = text_or_reason(site.get("name", ""), "name", 200)
    if reason or not name:
        return Rejection(file, "", "name", reason or "the site has no name")
    if rejection := unknown_fields(
        file, name, {key for key in set(site) - KNOWN if not TRANSLATED.match(key)}
    ):
        return rejection
    url, reason = text_or_reason(site.get("url", ""), "url", 500)
    if reason:
        return Rejection(file, name, "url", reason)
    domains, reason = strings_or_reason(site.get("domains", []), "domains", 253, most=200)
    if reason:
        return Rejection(file, name, "domains", reason)
    registrable = [d for d in map(registrable_domain, [url, *domains]) if d]
    record_id = registrable[0] if registrable else slugify(name)
    if not record_id or record_id in seen:
        return Rejection(file, name, "name", "a second site with this domain or name")
    seen.add(record_id)
    record = Record(source=SOURCE, record_id=record_id, file=file, name=name, source_urls=[SITES_URL],
                    domains=list(dict.fromkeys(registrable)))  # fmt: skip
    if record.domains:
        record.website = f"https://{record.domains[0]}/"
    difficulty = site.get("difficulty", "")
    if difficulty not in DIFFICULTY:
        record.rejections.append(
            Rejection(file, record_id, "difficulty", f"difficulty must be one of {', '.join(DIFFICULTY)}")
        )
        difficulty = "medium"
    texts = {}
    for key in ("notes", "email", "email_subject", "email_body"):
        value, reason = text_or_reason(site.get(key, ""), key)
        if reason:
            record.rejections.append(Rejection(file, record_id, key, reason))
        texts[key] = value or ""
    if url.startswith(("https://", "http://")):
        record.facts.append(Fact(key="url", kind="web_form", value=url, label="Delete your account"))
    elif url:
        record.rejections.append(Rejection(file, record_id, "url", f"not a web address: {url[:80]}"))
    if texts["email"]:
        record.facts.append(
            Fact(key="email", kind="email", value=texts["email"], label="Delete your account")
        )
    if not record.facts:
        return Rejection(file, record_id, "url", "the site gives no deletion page or e-mail address")
    record.guides.append(GuideFact(key="close_account", kind="close_account", title=f"How to delete your {name} account",
                                   body=guide_body(name, url, texts), difficulty=DIFFICULTY[difficulty]))  # fmt: skip
    return record


def guide_body(name, url, texts):
    """The guide's Markdown: the page or the e-mail to send, then the dataset's notes."""
    steps = []
    if url.startswith(("https://", "http://")):
        steps.append(f"1. Sign in to {name} and open the account deletion page: <{url}>")
    if texts["email"]:
        subject = f" with the subject “{texts['email_subject']}”" if texts["email_subject"] else ""
        steps.append(
            f"{len(steps) + 1}. E-mail {texts['email']}{subject} and ask them to delete your account."
        )
        if texts["email_body"]:
            steps.append("\n   > " + texts["email_body"].replace("\n", "\n   > "))
    notes = f"\n\n{texts['notes']}" if texts["notes"] else ""
    return "\n".join(steps) + notes


def obsolete(path):
    return iter(())  # sites removed from the list are flagged by the merger as vanished
