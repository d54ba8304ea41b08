"""Import and export of the directory.

Two formats carry the same data (documented in README.md):

* JSON Lines (``.jsonl``): one company a line, its channels nested.
* CSV (``.csv``): one channel a row, the company's columns repeated on each row
  (an empty company cell leaves the stored value as it is); a row with an empty
  ``kind`` carries a company without channels.

Imports are idempotent: companies are matched by slug and channels by
(company, kind, value), so importing the same file again updates rows and never
duplicates them. Each line is imported in its own savepoint: a bad line is
rejected with its number and reason and every good line still lands.
"""

import csv
import json
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from core.batching import batch

from .exports import export_extra_names, export_extras
from .models import Category, Company, ContactChannel

COMPANY_FIELDS = [
    "slug",
    "name",
    "aliases",
    "category",
    "website",
    "countries",
    "description",
    "no_phone_support",
]
CHANNEL_FIELDS = [
    "kind",
    "value",
    "social_platform",
    "label",
    "department",
    "country",
    "region",
    "hours",
    "open_24_7",
    "time_zone",
    "reaches_human",
    "ivr_steps",
    "typical_wait_minutes",
    "notes",
    "human_rank",
    "is_primary",
    "source_url",
    "source_seen_at",
    "last_verified_at",
    "status",
]
CSV_COMPANY_COLUMNS = ["company_" + f if f in ("slug", "name") else f for f in COMPANY_FIELDS]
CSV_COLUMNS = CSV_COMPANY_COLUMNS + CHANNEL_FIELDS
JSON_CHANNEL_COLUMNS = {"hours", "ivr_steps"}
LIST_COLUMNS = {"aliases", "countries"}
BOOL_COLUMNS = {"no_phone_support", "open_24_7", "reaches_human", "is_primary"}
INT_COLUMNS = {"typical_wait_minutes", "human_rank"}
DATETIME_COLUMNS = {"source_seen_at", "last_verified_at"}


class RowError(Exception):
    pass


@dataclass
class ImportReport:
    companies_created: int = 0
    companies_updated: int = 0
    channels_created: int = 0
    channels_updated: int = 0
    rejected: list = field(default_factory=list)  # [(line number, reason)]

    def add(self, company_created, channels_created, channels_updated):
        self.companies_created += company_created
        self.companies_updated += not company_created
        self.channels_created += channels_created
        self.channels_updated += channels_updated

    def reject(self, line, reason):
        self.rejected.append((line, reason))

    def summary(self):
        return (
            f"companies: {self.companies_created} created, {self.companies_updated} updated; "
            f"channels: {self.channels_created} created, {self.channels_updated} updated; "
            f"rejected: {len(self.rejected)}"
        )


# Reading --------------------------------------------------------------------

NOT_UTF8 = "not UTF-8 text: save the file as UTF-8"


class TextLines:
    """The lines of a file given as bytes, decoded as UTF-8 (a BOM is dropped; UTF-16 with a
    BOM is read too). A line that is not valid UTF-8 is kept, with replacement characters,
    and its number is remembered in `bad`, so the reader rejects that line alone."""

    def __init__(self, binary):
        self.binary, self.bad, self.count = binary, set(), 0

    def __iter__(self):
        first = self.binary.readline()
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            yield from (first + self.binary.read()).decode("utf-16").splitlines(keepends=True)
            return
        for number, line in enumerate([first.removeprefix(b"\xef\xbb\xbf")], start=1):
            yield self._decode(number, line)
        for number, line in enumerate(self.binary, start=2):
            yield self._decode(number, line)

    def _decode(self, number, line):
        self.count = number
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.bad.add(number)
            return line.decode("utf-8", errors="replace")


def read_jsonl(lines):
    """Yields (line number, company record) for each non-blank line."""
    bad = getattr(lines, "bad", set())
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if number in bad:
            yield number, RowError(NOT_UTF8)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"not valid JSON: {exc.msg}")
            continue
        except RecursionError:
            yield number, RowError("nested too deeply")
            continue
        if not isinstance(record, dict):
            yield number, RowError("a line must be a JSON object")
            continue
        yield number, record


def read_csv(lines):
    """Yields (line number, company record with at most one channel) for each row."""
    bad = getattr(lines, "bad", set())
    reader = csv.DictReader(lines)
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        yield 1, RowError(f"not a CSV header: {exc}")
        return
    missing = {"company_slug", "company_name", "category"} - set(columns)
    if missing:
        yield 1, RowError(f"missing columns: {', '.join(sorted(missing))}")
        return
    previous = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over the 128 KiB field limit: that row alone is rejected
            previous = max(reader.line_num, getattr(lines, "count", 0))
            yield previous, RowError(f"not a CSV row: {exc}")
            continue
        number, lines_of_row = reader.line_num, range(previous + 1, reader.line_num + 1)
        previous = reader.line_num
        try:
            if bad.intersection(lines_of_row):
                raise RowError(NOT_UTF8)
            yield number, csv_row_to_record(row)
        except RowError as exc:
            yield number, exc


def csv_row_to_record(row):
    record = {}
    for column in CSV_COMPANY_COLUMNS:
        key = column.removeprefix("company_")
        raw = (row.get(column) or "").strip()
        if not raw and key not in ("slug", "name", "category"):
            continue  # an empty cell leaves the stored value as it is
        if key in LIST_COLUMNS:
            record[key] = [item.strip() for item in raw.split("|") if item.strip()]
        elif key in BOOL_COLUMNS:
            record[key] = parse_bool(raw, column)
        else:
            record[key] = raw
    channel = {}
    if (row.get("kind") or "").strip():
        for column in CHANNEL_FIELDS:
            raw = (row.get(column) or "").strip()
            if raw == "":
                continue
            if column in JSON_CHANNEL_COLUMNS:
                try:
                    channel[column] = json.loads(raw)
                except json.JSONDecodeError:
                    raise RowError(f"{column}: not valid JSON") from None
            elif column in BOOL_COLUMNS:
                channel[column] = parse_bool(raw, column)
            else:
                channel[column] = raw
    record["channels"] = [channel] if channel else []
    return record


def parse_bool(raw, column):
    if raw.lower() in ("", "false", "0", "no"):
        return False
    if raw.lower() in ("true", "1", "yes"):
        return True
    raise RowError(f"{column}: '{raw}' is not true or false")


# Importing ------------------------------------------------------------------


class Importer:
    def __init__(self, one_line_per_company=False):
        self.report = ImportReport()
        self._categories = {}
        # JSON Lines carry a company per line: a second line for one slug is a mistake.
        # CSV repeats the company on each of its channel rows.
        self._first_line_of = {} if one_line_per_company else None

    def run(self, rows, progress=None):
        with batch():  # what reacts per saved row (the search index) does so once, at the end
            return self._run(rows, progress)

    def _run(self, rows, progress):
        for number, record in rows:
            if progress is not None:
                progress.update(1)
            if isinstance(record, RowError):
                self.report.reject(number, str(record))
                continue
            known_categories = dict(self._categories)
            try:
                self.check_once(number, record)
                check_text(record)
                with transaction.atomic():
                    counts = self.import_record(record)
            except (RowError, ValidationError, DatabaseError, ValueError, TypeError) as exc:
                self._categories = (
                    known_categories  # a category made by a rejected line was rolled back with it
                )
                self.report.reject(number, rejection(exc))
            else:
                self.report.add(*counts)
        return self.report

    def check_once(self, number, record):
        if self._first_line_of is None:
            return
        slug = slugify(str(record.get("slug") or record.get("name") or ""))
        first = self._first_line_of.setdefault(slug, number)
        if first != number:
            raise RowError(f"company '{slug}' was already on line {first}; each company goes on one line")

    def import_record(self, record):
        """Upserts one company and its channels; returns (created?, channels created, channels updated)."""
        category = self.category_for(record.get("category"))
        slug = slugify(record.get("slug") or record.get("name") or "")
        if not slug:
            raise RowError("a company needs a name or slug")
        company = Company.objects.filter(slug=slug).first()
        created = company is None
        company = company or Company(slug=slug)
        company.name = str(record.get("name") or company.name or "").strip()
        company.category = category
        for key in ("aliases", "countries"):
            if key in record:
                setattr(company, key, record[key] or [])
        for key in ("website", "description"):
            if key in record:
                setattr(company, key, record[key] or "")
        if "no_phone_support" in record:
            company.no_phone_support = bool(record["no_phone_support"])
        # The slug lookup above already settles uniqueness; skip the second query.
        company.full_clean(validate_unique=False)
        company.save()
        channels = record.get("channels") or []
        if not isinstance(channels, list):
            raise RowError("channels must be a list")
        existing = {} if created else {(c.kind, c.value): c for c in company.channels.all()}
        channels_created = 0
        for position, data in enumerate(channels, start=1):
            try:
                channels_created += self.import_channel(company, data, existing)
            except ValidationError as exc:
                raise RowError(f"channel {position}: {format_validation_error(exc)}") from None
        return created, channels_created, len(channels) - channels_created

    def import_channel(self, company, data, existing):
        if not isinstance(data, dict):
            raise RowError("each channel must be an object")
        # What the export adds for the apps above (provenance) is accepted and ignored.
        unknown = set(data) - set(CHANNEL_FIELDS) - set(export_extra_names())
        if unknown:
            raise RowError(f"unknown channel fields: {', '.join(sorted(unknown))}")
        probe = ContactChannel(company=company, kind=data.get("kind", ""), value=data.get("value", ""))
        probe.country = data.get("country", "")
        probe.social_platform = data.get("social_platform", "")
        try:
            value = probe.normalised_value()
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None
        channel = existing.get((probe.kind, value))
        created = channel is None
        if created:
            channel = existing[(probe.kind, value)] = ContactChannel(company=company, kind=probe.kind)
        for key in CHANNEL_FIELDS:
            if key not in data or key == "kind":
                continue
            raw = data[key]
            if key in INT_COLUMNS and raw not in (None, ""):
                try:
                    raw = int(raw)
                except (TypeError, ValueError):
                    raise RowError(f"{key}: '{raw}' is not a whole number") from None
            if key in DATETIME_COLUMNS and raw:
                try:
                    parsed = parse_datetime(str(raw))
                except ValueError:  # the right shape, an impossible date (2026-13-45)
                    parsed = None
                if parsed is None:
                    raise RowError(f"{key}: '{str(raw)[:40]}' is not an ISO date and time")
                raw = parsed
            if raw in (None, "") and key in INT_COLUMNS | DATETIME_COLUMNS:
                raw = None
            setattr(channel, key, raw)
        # Uniqueness is settled by the lookup above and, in the end, by the database.
        channel.full_clean(validate_unique=False, validate_constraints=False)
        channel.save()
        return created

    def category_for(self, value):
        if isinstance(value, dict):
            name, slug, description = value.get("name", ""), value.get("slug", ""), value.get("description")
        else:
            name, slug, description = str(value or ""), "", None
        slug = slugify(slug or name)
        if not slug:
            raise RowError("a company needs a category")
        if slug not in self._categories:
            try:
                Category(name=name or slug, slug=slug, description=description or "").full_clean(
                    validate_unique=False
                )
            except ValidationError as exc:
                raise RowError(f"category: {format_validation_error(exc)}") from None
            category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name or slug})
            if description is not None and category.description != description:
                category.description = description
                category.save(update_fields=["description", "modified"])
            self._categories[slug] = category
        return self._categories[slug]


def check_text(value, depth=0):
    """Refuses NUL bytes anywhere in a record (the database cannot store them) and deep nesting."""
    if depth > 20:
        raise RowError("nested too deeply")
    if isinstance(value, str) and "\x00" in value:
        raise RowError("contains a NUL byte")
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(key, depth + 1)
            check_text(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_text(item, depth + 1)


def rejection(exc):
    """The reason a line was rejected, in one line."""
    if isinstance(exc, ValidationError):
        return format_validation_error(exc)
    if isinstance(exc, IntegrityError):
        return f"conflicts with existing data: {exc}".splitlines()[0]
    if isinstance(exc, DatabaseError):
        return f"the database refused it: {exc}".splitlines()[0][:200]
    if isinstance(exc, ValueError | TypeError):
        return f"a value of the wrong kind: {exc}".splitlines()[0][:200]
    return str(exc)


def format_validation_error(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in exc.message_dict.items())
    return " ".join(exc.messages)


# Exporting ------------------------------------------------------------------

EXPORT_BATCH = 500


def export_records():
    """Each company's record with its channels and the extras of the apps above (directory.exports),
    streamed in batches of EXPORT_BATCH with a fixed number of queries each."""
    companies = (
        Company.objects.select_related("category")
        .prefetch_related("channels")
        .order_by("slug")
        .iterator(chunk_size=EXPORT_BATCH)
    )
    while chunk := list(islice(companies, EXPORT_BATCH)):
        extras = export_extras(chunk)
        for company in chunk:
            yield company_record(company, extras)


def company_record(company, extras=None):
    record = {
        "slug": company.slug,
        "name": company.name,
        "aliases": company.aliases,
        "category": {
            "slug": company.category.slug,
            "name": company.category.name,
            "description": company.category.description,
        },
        "website": company.website,
        "countries": company.countries,
        "description": company.description,
        "no_phone_support": company.no_phone_support,
    }
    for name, (by_company, _) in (extras or {}).items():
        if company.pk in by_company:
            record[name] = by_company[company.pk]
    record["channels"] = [channel_record(c, extras) for c in company.channels.all()]
    return record


def channel_record(channel, extras=None):
    record = {key: getattr(channel, key) for key in CHANNEL_FIELDS}
    for key in DATETIME_COLUMNS:
        record[key] = record[key].isoformat() if record[key] else None
    for name, (_, by_channel) in (extras or {}).items():
        if channel.pk in by_channel:
            record[name] = by_channel[channel.pk]
    return record


def write_jsonl(out, records):
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_csv(out, records):
    """One channel a row; an extra goes, JSON-encoded, in `company_<name>` for the company and
    `<name>` for the channel."""
    names = export_extra_names()
    columns = CSV_COLUMNS + [column for name in names for column in ("company_" + name, name)]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for record in records:
        base = {
            "company_slug": record["slug"],
            "company_name": record["name"],
            "aliases": "|".join(record["aliases"]),
            "category": record["category"]["name"],
            "website": record["website"],
            "countries": "|".join(record["countries"]),
            "description": record["description"],
            "no_phone_support": str(record["no_phone_support"]).lower(),
        }
        for name in names:
            if name in record:
                base["company_" + name] = json.dumps(record[name], ensure_ascii=False)
        if not record["channels"]:
            writer.writerow(base)
        for channel in record["channels"]:
            row = dict(base)
            for key, value in channel.items():
                if key in JSON_CHANNEL_COLUMNS or key in names:
                    value = json.dumps(value, ensure_ascii=False) if value else ""
                elif isinstance(value, bool):
                    value = str(value).lower()
                row[key] = "" if value is None else value
            writer.writerow(row)
