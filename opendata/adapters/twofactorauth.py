"""The 2factorauth directory (2factorauth/twofactorauth, MIT): entries/<letter>/<domain>.json.

Each file holds one object keyed by the site's name: `domain` (and `additional-domains`,
`url`), `categories`, `regions` ("us", or "-de" for "not Germany") and, for sites that
publish how to reach their support, `contact`: `email`, `form` (a web form), `twitter`
and `facebook` (account names) and `language`. Those become support channels; an entry
without `contact` has nothing for the directory and is skipped.
"""

from pathlib import Path

from core.domains import registrable_domain

from .base import Fact, Record, Rejection, read_json, strings_or_reason, text_or_reason, unknown_fields

SOURCE = "twofactorauth"
ENTRY_URL = "https://github.com/2factorauth/twofactorauth/blob/master/{path}"
KNOWN = {"domain", "url", "img", "tfa", "documentation", "recovery", "notes", "regions", "additional-domains",
         "categories", "contact"}  # fmt: skip
CONTACT = {"email", "facebook", "twitter", "form", "language"}


def read(path):
    root = Path(path)
    for file in sorted((root / "entries").glob("*/*.json")):
        data, rejection = read_json(file, root)
        if rejection:
            rejection.record = file.stem
            yield rejection
            continue
        record = to_record(data, str(file.relative_to(root)))
        if record is not None:
            yield record


def to_record(data, file):
    """A Record, a Rejection, or None for an entry that lists no way to contact the site."""
    named = Path(file).stem
    if not isinstance(data, dict) or len(data) != 1:
        return Rejection(file, named, "", "an entry must be an object with exactly one site")
    name, entry = next(iter(data.items()))
    name, reason = text_or_reason(name, "name", 200)
    if reason or not name:
        return Rejection(file, named, "name", reason or "the entry has no name")
    if not isinstance(entry, dict):
        return Rejection(file, named, "", f"the site must be an object, not {type(entry).__name__}")
    if rejection := unknown_fields(
        file, named, {key for key in set(entry) - KNOWN if not key.startswith("custom-")}
    ):
        return rejection
    contact = entry.get("contact")
    if contact is None:
        return None
    if not isinstance(contact, dict):
        return Rejection(file, named, "contact", f"contact must be an object, not {type(contact).__name__}")
    domain, reason = text_or_reason(entry.get("domain", ""), "domain", 253)
    if reason or not registrable_domain(domain or ""):
        return Rejection(file, named, "domain", reason or "the entry has no domain")
    record = Record(source=SOURCE, record_id=domain, file=file, name=name,
                    source_urls=[ENTRY_URL.format(path=file)])  # fmt: skip
    url = entry.get("url") if isinstance(entry.get("url"), str) else f"https://{domain}/"
    record.website = url if url.startswith(("https://", "http://")) else f"https://{domain}/"
    record.domains = [registrable_domain(domain)]
    for field_name in ("additional-domains", "regions", "categories"):
        if field_name not in entry:
            continue
        values, reason = strings_or_reason(entry[field_name], field_name, 253)
        if reason:
            record.rejections.append(Rejection(file, domain, field_name, reason))
        elif field_name == "additional-domains":
            record.domains += [d for d in map(registrable_domain, values) if d and d not in record.domains]
        elif field_name == "regions":
            record.countries = [r.upper() for r in values if len(r) == 2 and r.isalpha()]
        else:
            record.category = values[0] if values else ""
    unknown = sorted(set(contact) - CONTACT)
    if unknown:
        record.rejections.append(
            Rejection(file, domain, f"contact.{unknown[0]}", f"unknown contact field: {', '.join(unknown)}")
        )
    language = contact.get("language") if isinstance(contact.get("language"), str) else ""
    notes = f"Answers in {language.upper()}." if len(language) == 2 and language.isalpha() else ""
    shapes = (("email", "email", "", "{}"), ("form", "web_form", "", "{}"),
              ("twitter", "social", "x", "@{}"), ("facebook", "social", "facebook", "https://www.facebook.com/{}"))  # fmt: skip
    for key, kind, platform, shape in shapes:
        if key not in contact:
            continue
        value, reason = text_or_reason(contact[key], f"contact.{key}", 500)
        if reason:
            record.rejections.append(Rejection(file, domain, f"contact.{key}", reason))
        elif value:
            record.facts.append(Fact(key=key, kind=kind, value=shape.format(value.lstrip("@")), notes=notes,
                                     social_platform=platform))  # fmt: skip
    return record


def obsolete(path):
    return iter(())  # the directory deletes entries; what vanishes is flagged by the merger
