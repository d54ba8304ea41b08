"""Import and export of the directory.

Two formats carry the same data (documented in README.md):

* JSON Lines (``.jsonl``): one company a line, its channels nested.
* CSV (``.csv``): one channel a row, the company's columns repeated on each row
  (an empty company cell leaves the stored value as it is); a row with an empty
  ``kind`` carries a company without channels.

Imports are idempotent: companies are matched by slug and channels by
(company, kind, normalised value); a row writes only what differs from the
database, so importing the same file again writes nothing and reports every
company and channel unchanged. Rows are imported in batches, each in one
transaction: a bad line is rejected with its number and reason and every good
line still lands (see Importer).
"""

import csv
import gc
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from core.batching import batch

from .exports import export_extra_names, export_extras
from .models import Category, Company, ContactChannel, normalise_channel_value
from .signals import channels_changed

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
TYPED_COLUMNS = INT_COLUMNS | DATETIME_COLUMNS


class RowError(Exception):
    pass


STATUS_RANK = {"unchanged": 0, "updated": 1, "created": 2}


@dataclass
class ImportReport:
    """What a run did to each company (by slug) and channel (by slug, kind, value), and what it turned away.

    A company on several rows (CSV) or batches counts once: created if any row created it,
    else updated if any row changed it, else unchanged."""

    companies: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    rejected: list = field(default_factory=list)  # [(line number, reason)]

    def record(self, companies, channels):
        for seen, statuses in ((self.companies, companies), (self.channels, channels)):
            for key, status in statuses.items():
                if STATUS_RANK[status] > STATUS_RANK.get(seen.get(key), -1):
                    seen[key] = status

    def reject(self, line, reason):
        self.rejected.append((line, reason))

    def counts(self, statuses):
        counted = Counter(statuses.values())
        return ", ".join(f"{counted[status]} {status}" for status in ("created", "updated", "unchanged"))

    def summary(self):
        return (
            f"companies: {self.counts(self.companies)}; channels: {self.counts(self.channels)}; "
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

BATCH_SIZE = 500
# A company's state as the importer compares it; "category" is the category's slug.
COMPANY_STATE = ["name", "category", "aliases", "website", "countries", "description", "no_phone_support"]
CHANNEL_STATE = [key for key in CHANNEL_FIELDS if key != "kind"]
CHANNEL_STATE_SET = frozenset(CHANNEL_STATE)
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PHONE_LAYOUT = str.maketrans("", "", " -.()")


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str | None


@dataclass
class Row:
    number: int
    record: dict
    category: CategorySpec
    slug: str


class Importer:
    """Imports rows in batches of BATCH_SIZE, each in one transaction.

    A batch reads what the database holds for its companies and their channels in two
    queries, applies each row to that in memory (validating only what differs from a
    stored or already validated state, so an unchanged row costs no validation), and
    writes only what changed: new rows with one INSERT per table, changed rows with one
    UPDATE, unchanged rows not at all. A row that fails validation is rejected alone; a
    batch the database refuses (a constraint, a concurrent import of the same companies)
    is rolled back and imported again row by row, so only the row at fault is rejected
    and no company is ever half-written.
    """

    def __init__(self, one_line_per_company=False, batch_size=BATCH_SIZE):
        self.report = ImportReport()
        self.batch_size = batch_size
        self.categories = {}  # slug -> Category, read or created once a run
        self._valid_categories, self._category_slugs = set(), {}
        # What the export adds for the apps above (provenance) is accepted and ignored.
        self.channel_fields = frozenset(CHANNEL_FIELDS) | frozenset(export_extra_names())
        # JSON Lines carry a company per line: a second line for one slug is a mistake.
        # CSV repeats the company on each of its channel rows.
        self._first_line_of = {} if one_line_per_company else None

    def run(self, rows, progress=None):
        with batch(), cycle_collection_paused():  # batch(): the search index reacts once, at the end
            rows = iter(rows)
            while chunk := list(islice(rows, self.batch_size)):
                self.import_batch(chunk, progress)
        return self.report

    def import_batch(self, rows, progress=None):
        accepted, rejected = [], []
        for number, record in rows:
            if progress is not None:
                progress.update(1)
            try:
                if isinstance(record, RowError):
                    raise record
                slug = slugify(str(record.get("slug") or record.get("name") or ""))
                self.check_once(number, slug)
                check_text(record)
                category = self.category_spec(record.get("category"))
                if not slug:
                    raise RowError("a company needs a name or slug")
            except RowError as exc:
                rejected.append((number, str(exc)))
            else:
                accepted.append(Row(number, record, category, slug))
        for number, reason in sorted(rejected + self.write(accepted)):
            self.report.reject(number, reason)

    def write(self, rows):
        """Imports the rows in one transaction; returns the rejected ones as [(line, reason)]."""
        if not rows:
            return []
        known_categories = dict(self.categories)
        try:
            with transaction.atomic():
                work = Batch(self, rows)
                work.apply()
                work.save()
        except (DatabaseError, ValueError, TypeError) as exc:
            self.categories = known_categories  # a category made in the batch was rolled back with it
            if len(rows) == 1:
                return [(rows[0].number, rejection(exc))]
            return [rejected for row in rows for rejected in self.write([row])]
        self.report.record(work.company_status, work.channel_status)
        return work.rejected

    def check_once(self, number, slug):
        if self._first_line_of is None:
            return
        first = self._first_line_of.setdefault(slug, number)
        if first != number:
            raise RowError(f"company '{slug}' was already on line {first}; each company goes on one line")

    def category_spec(self, value):
        """The category a row names, validated (no query)."""
        if isinstance(value, dict):
            name, slug, description = value.get("name", ""), value.get("slug", ""), value.get("description")
        else:
            name, slug, description = str(value or ""), "", None
        slug = str(slug or name)
        if slug not in self._category_slugs:  # thousands of rows name a few categories
            self._category_slugs[slug] = slugify(slug)
        slug = self._category_slugs[slug]
        if not slug:
            raise RowError("a company needs a category")
        spec = CategorySpec(slug, str(name or slug), description)
        if spec not in self._valid_categories:
            try:
                Category(name=spec.name, slug=slug, description=description or "").full_clean(
                    validate_unique=False
                )
            except ValidationError as exc:
                raise RowError(f"category: {format_validation_error(exc)}") from None
            self._valid_categories.add(spec)
        return spec

    def category(self, spec):
        """The category of `spec`, read or created the first time a run names it; its description
        follows the first row of the run that gives one."""
        if spec.slug not in self.categories:
            category, created = Category.objects.get_or_create(
                slug=spec.slug, defaults={"name": spec.name, "description": spec.description or ""}
            )
            if not created and spec.description is not None and category.description != spec.description:
                category.description = spec.description
                category.save(update_fields=["description", "modified"])
            self.categories[spec.slug] = category
        return self.categories[spec.slug]


@contextmanager
def cycle_collection_paused():
    """CPython's cycle collector runs again and again over every live object while a batch makes
    and drops tens of thousands of dicts, none of them in a cycle: it took a third of a re-import.
    It is paused for the run and resumes after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Batch:
    """One batch of rows: what the database holds for them, and what the rows make of it."""

    def __init__(self, importer, rows):
        self.importer, self.rows = importer, rows
        self.rejected = []
        self.stored = {}  # slug -> company state with its "id"
        self.stored_channels = {}  # slug -> {(kind, value): channel state with its "id"}
        self.companies = {}  # slug -> company state after the batch's rows
        self.channels = {}  # slug -> {(kind, value): channel state after the batch's rows}
        self.categories = {}  # slug -> the first CategorySpec the batch's rows give
        self.validated = {}  # (slug, kind, value) -> the instance a channel's last validation made
        self.company_status, self.channel_status = {}, {}
        slugs = {row.slug for row in rows}
        fields = [key for key in COMPANY_STATE if key != "category"]
        for state in (
            Company.objects.filter(slug__in=slugs).order_by().values("id", "slug", "category__slug", *fields)
        ):
            state["category"] = state.pop("category__slug")
            self.stored[state.pop("slug")] = state
        owner = {state["id"]: slug for slug, state in self.stored.items()}
        plain = [name for name in CHANNEL_STATE if name not in JSON_CHANNEL_COLUMNS]
        as_text = {f"{name}_text": Cast(name, TextField()) for name in JSON_CHANNEL_COLUMNS}
        for state in (
            ContactChannel.objects.filter(company__in=list(owner))
            .order_by()
            .values("id", "company_id", "kind", *plain, **as_text)
        ):
            for name in JSON_CHANNEL_COLUMNS:
                state[name] = StoredJSON(state.pop(f"{name}_text"))
            slug = owner[state.pop("company_id")]
            self.stored_channels.setdefault(slug, {})[(state["kind"], state["value"])] = state

    # Applying rows, in memory ------------------------------------------------

    def apply(self):
        for row in self.rows:
            try:
                company, channels = self.apply_row(row)
            except (RowError, ValidationError, ValueError, TypeError) as exc:
                self.rejected.append((row.number, rejection(exc)))
                continue
            self.companies[row.slug] = company
            for key, (state, instance) in channels.items():
                self.channels.setdefault(row.slug, {})[key] = state
                if instance is not None:
                    self.validated[(row.slug, *key)] = instance
            self.categories.setdefault(row.category.slug, row.category)

    def apply_row(self, row):
        """The company's state and its channels' states after this row, validated; raises if invalid."""
        record, slug = row.record, row.slug
        base = self.companies.get(slug) or self.stored.get(slug)
        company = dict(base or NEW_COMPANY)
        company["name"] = str(record.get("name") or company["name"] or "").strip()
        company["category"] = row.category.slug
        for key in ("aliases", "countries"):
            if key in record:
                company[key] = record[key] or []
        for key in ("website", "description"):
            if key in record:
                company[key] = record[key] or ""
        if "no_phone_support" in record:
            company["no_phone_support"] = bool(record["no_phone_support"])
        if company != base:
            company = clean_company(slug, company)
        channels = record.get("channels") or []
        if not isinstance(channels, list):
            raise RowError("channels must be a list")
        applied = {}
        for position, data in enumerate(channels, start=1):
            try:
                key, state, instance = self.apply_channel(slug, data, applied)
            except ValidationError as exc:
                raise RowError(f"channel {position}: {format_validation_error(exc)}") from None
            applied[key] = (state, applied.get(key, (None, None))[1] if instance is None else instance)
        return company, applied

    def apply_channel(self, slug, data, applied):
        """(kind, value), the channel's state after `data`, and the instance its validation made (None
        when the state is one already validated)."""
        if not isinstance(data, dict):
            raise RowError("each channel must be an object")
        if not data.keys() <= self.importer.channel_fields:
            unknown = set(data) - self.importer.channel_fields
            raise RowError(f"unknown channel fields: {', '.join(sorted(unknown))}")
        kind, value = data.get("kind", ""), data.get("value", "")
        if not isinstance(value, str):
            raise ValidationError({"value": ["Enter the value as text."]})

        def known(key):
            return (
                applied.get(key, (None,))[0]
                or self.channels.get(slug, {}).get(key)
                or self.stored_channels.get(slug, {}).get(key)
            )

        if self.channels.get(slug) or self.stored_channels.get(slug):
            # A value typed as it is stored finds its channel without being parsed again.
            key = (kind, stored_form(kind, value))
            if key[1] is None or known(key) is None:
                try:
                    key = (kind, normalise_channel_value(kind, value, data.get("country", "")))
                except ValidationError as exc:
                    raise ValidationError({"value": exc.messages}) from None
            base = known(key)
        else:
            # A company without channels yet: the value is parsed once, by the model's validation.
            fresh = new_channel(kind)
            state, instance = clean_channel(with_channel_data(dict(fresh), data), fresh)
            key = (kind, state["value"])
            base = known(key)  # the same channel twice in one row: the later fields win
            if base is None:
                return key, state, instance
        base_or_fresh = base or new_channel(kind)
        state = with_channel_data(dict(base_or_fresh), data)
        state["value"] = key[1]
        if state == base:
            return key, base, None  # the very state compared again when the batch is saved: at once
        return (key, *clean_channel(state, base_or_fresh))

    # Writing what changed ----------------------------------------------------

    def save(self):
        now = timezone.now()
        for spec in self.categories.values():
            self.importer.category(spec)
        ids = {slug: state["id"] for slug, state in self.stored.items()}
        new, changed = [], []
        for slug, state in self.companies.items():
            before = self.stored.get(slug)
            fields = COMPANY_STATE if before is None else [k for k in COMPANY_STATE if state[k] != before[k]]
            self.company_status[slug] = CREATED if before is None else UPDATED if fields else UNCHANGED
            if not fields:
                continue
            category = self.importer.categories[state["category"]]
            company = build(Company, {**state, "slug": slug, "category_id": category.pk})
            if before is None:
                new.append(company)
            else:
                company.pk, company.modified = before["id"], now
                changed.append((company, fields))
        Company.objects.bulk_create(new)
        ids.update((company.slug, company.pk) for company in new)
        update_in_bulk(Company, changed)
        touched = {ids[slug] for slug, status in self.company_status.items() if status != UNCHANGED}

        new, changed, releasing = [], [], []
        for slug, channels in self.channels.items():
            stored = self.stored_channels.get(slug, {})
            for key, state in channels.items():
                before = stored.get(key)
                if state == before:
                    self.channel_status[(slug, *key)] = UNCHANGED
                    continue
                fields = (
                    CHANNEL_STATE if before is None else [k for k in CHANNEL_STATE if state[k] != before[k]]
                )
                self.channel_status[(slug, *key)] = (
                    CREATED if before is None else UPDATED if fields else UNCHANGED
                )
                if not fields:
                    continue
                touched.add(ids[slug])
                if before is None:
                    channel = self.validated.get((slug, *key)) or build(ContactChannel, {**state, "id": None})
                    channel.company_id = ids[slug]
                    new.append(channel)
                    continue
                channel = build(ContactChannel, {**state, "company_id": ids[slug]})
                channel.modified = now
                # A channel giving up being primary goes first, so the one taking over never
                # meets it in the one-primary-per-department index.
                holds_primary = channel.is_primary and channel.status == ContactChannel.Status.ACTIVE
                (changed if holds_primary else releasing).append((channel, fields))
        update_in_bulk(ContactChannel, releasing)
        update_in_bulk(ContactChannel, changed)
        ContactChannel.objects.bulk_create(new)
        if touched:
            # Bulk writes send no post_save: the search index and cached pages hear it here.
            channels_changed.send(sender=ContactChannel, company_ids=touched)


NEW_COMPANY = {
    "name": "",
    "aliases": [],
    "website": "",
    "countries": [],
    "description": "",
    "no_phone_support": False,
}


def new_channel(kind):
    state = {name: ContactChannel._meta.get_field(name).get_default() for name in CHANNEL_STATE}
    state.update(id=None, kind=kind)
    return state


def with_channel_data(state, data):
    for name, raw in data.items():
        if name in CHANNEL_STATE_SET:
            state[name] = channel_value(name, raw)
    return state


def build(model, values):
    """An instance from {attname: value}, made positionally: the quick way Django makes the rows it reads."""
    if model not in _ATTNAMES:
        _ATTNAMES[model] = [(f.attname, f.get_default) for f in model._meta.concrete_fields]
    return model(
        *[decoded(values[name]) if name in values else default() for name, default in _ATTNAMES[model]]
    )


class StoredJSON:
    """A JSON column as the database printed it, decoded only when compared with another value or
    written: most channels of a re-import never need theirs, and decoding them all cost more
    than the rest of reading the rows."""

    __slots__ = ("text", "_value")
    __hash__ = None

    def __init__(self, text):
        self.text, self._value = text, self

    @property
    def value(self):
        if self._value is self:
            self._value = json.loads(self.text)
        return self._value

    def __eq__(self, other):
        return self.value == decoded(other)


def decoded(value):
    return value.value if isinstance(value, StoredJSON) else value


_ATTNAMES = {}


def clean_company(slug, state):
    """The state validated and normalised by the model's own rules; raises ValidationError."""
    company = build(Company, {"slug": slug, **state})
    # The category is settled by the importer and the slug's uniqueness by the batch's lookup.
    company.full_clean(exclude=["category"], validate_unique=False)
    return {**state, **{key: getattr(company, key) for key in COMPANY_STATE if key != "category"}}


def clean_channel(state, base):
    """The state validated and normalised by the model's own rules, and the instance that did it.

    `base` is the state it was made from: a stored or validated channel, or a new channel's
    defaults, which are all valid but the value's (and the value is checked by clean() too). A
    field the same as in `base` is not checked again: a file names a few fields of each channel."""
    channel = build(ContactChannel, state)
    same = [name for name in CHANNEL_STATE if state[name] == base[name]]
    # The company is the batch's own; uniqueness is settled by the lookup and, in the end, by the database.
    channel.full_clean(exclude=["company", *same], validate_unique=False, validate_constraints=False)
    return {**state, **{name: getattr(channel, name) for name in CHANNEL_STATE}}, channel


def channel_value(name, raw):
    """A channel field's value from a file, in the type the model holds."""
    if name not in TYPED_COLUMNS:
        return raw
    if raw in (None, ""):
        return None
    if name in INT_COLUMNS:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise RowError(f"{name}: '{raw}' is not a whole number") from None
    if name in DATETIME_COLUMNS and raw:
        try:
            parsed = parse_datetime(str(raw))
        except ValueError:  # the right shape, an impossible date (2026-13-45)
            parsed = None
        if parsed is None:
            raise RowError(f"{name}: '{str(raw)[:40]}' is not an ISO date and time")
        # A time without an offset is read in the site's time zone, as the database would store it.
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return raw


def stored_form(kind, value):
    """`value` as it would be stored when typed the stored way give or take spaces, case or a phone
    number's punctuation; None when only parsing can tell. It only finds stored channels: a value
    found nowhere is parsed and validated."""
    value = value.strip()
    if kind == ContactChannel.Kind.PHONE:
        return value.translate(PHONE_LAYOUT) if value.startswith("+") else None
    if kind == ContactChannel.Kind.EMAIL:
        return value.lower()
    if kind == ContactChannel.Kind.SOCIAL and not value.startswith(("http://", "https://")):
        return "@" + value.lstrip("@")
    return value


def update_in_bulk(model, changed):
    """One UPDATE for the changed rows, setting the fields any of them changed."""
    if changed:
        fields = sorted({name for _, names in changed for name in names})
        model.objects.bulk_update([row for row, _ in changed], [*fields, "modified"])


def check_text(value, depth=0):
    """Refuses NUL bytes anywhere in a record (the database cannot store them) and deep nesting."""
    if depth > 20:
        raise RowError("nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise RowError("contains a NUL byte")
        return
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    if not isinstance(items, list):
        return
    for item in items:
        # Strings are checked here rather than in a call of their own: records hold thousands.
        if isinstance(item, str):
            if "\x00" in item:
                raise RowError("contains a NUL byte")
        elif isinstance(item, dict | list):
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
    names = export_extra_names(csv=True)
    writer = csv.DictWriter(out, fieldnames=csv_columns(names))
    writer.writeheader()
    for record in records:
        writer.writerows(csv_rows(record, names))


def csv_columns(names):
    return CSV_COLUMNS + [column for name in names for column in ("company_" + name, name)]


def csv_rows(record, names):
    """A company's record as CSV rows, one a channel (one row when it has none)."""
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
        yield base
    for channel in record["channels"]:
        row = dict(base)
        for key, value in channel.items():
            if key in JSON_CHANNEL_COLUMNS or key in names:
                value = json.dumps(value, ensure_ascii=False) if value else ""
            elif isinstance(value, bool):
                value = str(value).lower()
            row[key] = "" if value is None else value
        yield row
