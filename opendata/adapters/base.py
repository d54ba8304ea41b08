"""What every adapter gives the merger: records of facts, and the reasons for what it turned away."""

import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 20_000_000  # a record file; a 10 MB field inside one is turned away by field
MAX_TEXT = 2000  # no single imported text is longer: a 10 MB field is turned away


@dataclass
class Fact:
    """One contact channel a record gives."""

    key: str  # stable within the record: "phone", "email", ...
    kind: str
    value: str
    notes: str = ""
    label: str = ""
    social_platform: str = ""


@dataclass
class GuideFact:
    """A guide a record gives (justdelete.me: how to close an account)."""

    key: str
    kind: str
    title: str
    body: str
    difficulty: str


@dataclass
class Record:
    source: str
    record_id: str
    file: str
    name: str
    website: str = ""
    domains: list = field(default_factory=list)  # registrable domains the company owns
    countries: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    category: str = ""
    facts: list = field(default_factory=list)
    guides: list = field(default_factory=list)
    verified: bool = False
    source_urls: list = field(default_factory=list)
    rejections: list = field(default_factory=list)  # facts of this record turned away


@dataclass
class Rejection:
    file: str
    record: str
    field: str
    reason: str

    def as_dict(self):
        return {"file": self.file, "record": self.record, "field": self.field, "reason": self.reason}


def unknown_fields(file, record, unknown):
    """A Rejection naming the fields a format does not have, or None when there are none."""
    if not unknown:
        return None
    unknown = sorted(unknown)
    return Rejection(
        file, record, unknown[0], f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
    )


def read_json(path: Path, root: Path):
    """(data, None) or (None, Rejection) for a JSON file: too big, not UTF-8 or not JSON are reasons."""
    name = str(path.relative_to(root))
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, Rejection(name, "", "", f"file larger than {MAX_FILE_BYTES // 1_000_000} MB")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Rejection(name, "", "", f"not UTF-8 (byte {exc.start})")
    except OSError as exc:
        return None, Rejection(name, "", "", f"cannot be read ({exc.strerror})")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, Rejection(name, "", "", f"not JSON: {exc.msg} at line {exc.lineno}")
    except RecursionError:
        return None, Rejection(name, "", "", "not JSON: nested too deeply")


def text_or_reason(value, field_name, limit=MAX_TEXT):
    """(clean text, None) or (None, reason) for a field that must be a short string."""
    if not isinstance(value, str):
        return None, f"{field_name} must be text, not {type(value).__name__}"
    if "\x00" in value:
        return None, f"{field_name} contains a NUL byte"
    value = value.strip()
    if len(value) > limit:
        return None, f"{field_name} is {len(value):,} characters long (at most {limit:,})"
    return value, None


def strings_or_reason(value, field_name, limit=200, most=50):
    """(list of clean strings, None) or (None, reason) for a field that must be a list of short strings."""
    if not isinstance(value, list):
        return None, f"{field_name} must be a list, not {type(value).__name__}"
    if len(value) > most:
        return None, f"{field_name} has {len(value)} entries (at most {most})"
    clean = []
    for item in value:
        text, reason = text_or_reason(item, field_name, limit)
        if reason:
            return None, reason
        if text:
            clean.append(text)
    return clean, None
