"""The Datenanfragen.de company database (datenanfragen/data, CC0): one JSON file per company.

Every contact reaches the privacy (data protection) department: address (postal, with
the fax number in its notes), phone, email and webform. `runs` are brands (aliases),
`web` the website and domain, `relevant-countries` the countries, the first of
`categories` the category, `sources` where each fact was read, `quality` whether a
person checked it ("verified", "tested") or not ("scraped"). `obsolete-records/` name
records that no longer apply.
"""

from pathlib import Path

from core.domains import registrable_domain

from .base import Fact, Record, Rejection, read_json, strings_or_reason, text_or_reason, unknown_fields

SOURCE = "datenanfragen"
VERIFIED = {"verified", "tested"}
QUALITIES = VERIFIED | {"scraped", "imported"}
# Fields of schema.json the directory does not use; any other field is unknown.
KNOWN = {
    "slug", "relevant-countries", "categories", "name", "runs", "address", "phone", "fax", "email", "webform",
    "pgp-fingerprint", "pgp-url", "web", "sources", "required-elements", "request-language",
    "custom-access-template", "custom-erasure-template", "custom-rectification-template",
    "custom-objection-template", "needs-id-document", "suggested-transport-medium", "comments", "quality",
    "facet-group", "nsfw",
}  # fmt: skip


def companies_folder(path):
    path = Path(path)
    return path / "companies" if (path / "companies").is_dir() else path


def read(path):
    """Records and Rejections of every company file under PATH (a checkout or the snapshot folder)."""
    folder, root = companies_folder(path), Path(path)
    seen = set()
    for file in sorted(folder.glob("*.json")):
        data, rejection = read_json(file, root)
        if rejection:
            rejection.record = file.stem  # the file is named after the record
            yield rejection
            continue
        yield to_record(data, str(file.relative_to(root)), seen)


def to_record(data, file, seen):
    """A Record from one company object, or a Rejection saying why the whole record was turned away."""
    named = Path(file).stem  # files are named after their record
    if not isinstance(data, dict):
        return Rejection(file, named, "", f"a record must be an object, not {type(data).__name__}")
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip() or len(slug) > 200:
        return Rejection(file, named, "slug", "the record has no slug")
    if slug in seen:
        return Rejection(file, slug, "slug", "a second record with this slug")
    seen.add(slug)
    if rejection := unknown_fields(file, slug, set(data) - KNOWN):
        return rejection
    name, reason = text_or_reason(data.get("name", ""), "name", 200)
    if reason or not name:
        return Rejection(file, slug, "name", reason or "the record has no name")
    record = Record(source=SOURCE, record_id=slug, file=file, name=name)
    for field_name, attribute, limit in (("runs", "aliases", 200), ("sources", "source_urls", 500),
                                         ("relevant-countries", "countries", 3), ("categories", "category", 60)):  # fmt: skip
        if field_name not in data:
            continue
        values, reason = strings_or_reason(data[field_name], field_name, limit, most=1000)
        if reason:
            record.rejections.append(Rejection(file, slug, field_name, reason))
            continue
        if len(values) > 50:
            left_out = f"{len(values) - 50} of {len(values)} entries left out (at most 50 are kept)"
            record.rejections.append(Rejection(file, slug, field_name, left_out))
        setattr(record, attribute, values[:50])
    record.aliases = [alias.removesuffix(" (formerly)").strip() for alias in record.aliases]
    record.countries = [c.upper() for c in record.countries if len(c) == 2 and c.isalpha()]
    record.category = record.category[0] if record.category else ""
    record.source_urls = [url for url in record.source_urls if url.startswith(("https://", "http://"))]
    quality = data.get("quality")
    if quality not in QUALITIES:
        return Rejection(file, slug, "quality", f"quality must be one of {', '.join(sorted(QUALITIES))}")
    record.verified = quality in VERIFIED
    if "web" in data:
        web, reason = text_or_reason(data["web"], "web", 500)
        if reason or not registrable_domain(web) or not web.startswith(("https://", "http://")):
            record.rejections.append(Rejection(file, slug, "web", reason or f"not a web address: {web[:80]}"))
        else:
            record.website, record.domains = web, [registrable_domain(web)]
    facts = (("address", "postal"), ("phone", "phone"), ("email", "email"), ("webform", "web_form"))
    for field_name, kind in facts:
        if field_name not in data:
            continue
        value, reason = text_or_reason(data[field_name], field_name)
        if reason:
            record.rejections.append(Rejection(file, slug, field_name, reason))
        elif value:
            record.facts.append(Fact(key=field_name, kind=kind, value=value))
    notes = []
    if "fax" in data:
        fax, reason = text_or_reason(data["fax"], "fax", 40)
        if reason:
            record.rejections.append(Rejection(file, slug, "fax", reason))
        elif fax:
            notes.append(f"Fax: {fax}")
    if "comments" in data:
        comments, reason = strings_or_reason(data["comments"], "comments", 2000, 10)
        if reason:
            record.rejections.append(Rejection(file, slug, "comments", reason))
        else:
            notes += comments
    postal = next((fact for fact in record.facts if fact.kind == "postal"), None)
    if postal and len("\n".join(notes)) > 2000:
        record.rejections.append(
            Rejection(file, slug, "comments", "fax and comments come to over 2,000 characters")
        )
        notes = notes[:1]
    if postal and notes:
        postal.notes = "\n".join(notes)
    return record


def obsolete(path):
    """(record id, reason) of every record the dataset retired, and Rejections of unreadable files."""
    folder, root = Path(path) / "obsolete-records", Path(path)
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data, rejection = read_json(file, root)
        if rejection:
            yield rejection
        elif isinstance(data, dict) and isinstance(data.get("slug"), str):
            yield data["slug"], str(data.get("reason", ""))[:100]
        else:
            yield Rejection(str(file.relative_to(root)), "", "slug", "an obsolete record needs a slug")
