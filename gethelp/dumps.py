"""The nightly open-data dump: every company with its channels, published guides and provenance
as gzipped JSON Lines, and every channel as gzipped CSV.

Files are written under a temporary name in the dump folder and renamed into place only when
complete and synced, then listed in `dumps.json` (itself replaced by a rename), so a reader
never sees half a file: a name is either absent or whole, and the manifest lists only whole
files, with their size, record counts and SHA-256. The newest KEEP sets are kept.
"""

import csv
import gzip
import hashlib
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from directory.exports import export_extra_names
from directory.importer import csv_columns, csv_rows, export_records

MANIFEST = "dumps.json"
KEEP = 7
LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


def dump_dir():
    return Path(settings.DUMP_DIR)


def read_manifest(folder=None):
    """The dumps on offer, newest first: [{date, files: [{name, kind, bytes, sha256, records}]}]."""
    try:
        return json.loads((Path(folder or dump_dir()) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def _hashing_writer(path):
    """A text stream that gzips into `path` and a function returning (bytes, sha256) when closed."""
    raw = path.open("wb")
    digest = hashlib.sha256()

    class Tee(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            digest.update(data)
            return raw.write(data)

    tee = io.BufferedWriter(Tee(), buffer_size=1 << 20)
    zipped = gzip.GzipFile(filename="", mode="wb", fileobj=tee, mtime=0)
    text = io.TextIOWrapper(zipped, encoding="utf-8", newline="")

    def finish():
        text.close()  # closes the gzip stream, which writes its trailer into the tee
        tee.flush()
        raw.flush()
        os.fsync(raw.fileno())
        raw.close()
        return path.stat().st_size, digest.hexdigest()

    return text, finish


def write_dump(folder=None, now=None, records=None):
    """Writes tonight's dump into `folder` and returns its manifest entry. The caller keeps two
    runs from overlapping (gethelp.tasks.write_dump holds a lock)."""
    folder = Path(folder or dump_dir())
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".gethelp-*.partial"):  # from a run whose worker died (runs never overlap)
        leftover.unlink(missing_ok=True)
    now = now or timezone.now()
    stamp = now.strftime("%Y-%m-%d")
    names = {
        "companies": f"gethelp-companies-{stamp}.jsonl.gz",
        "channels": f"gethelp-channels-{stamp}.csv.gz",
    }
    temporary = {kind: folder / f".{name}.{os.getpid()}.partial" for kind, name in names.items()}
    counts = {"companies": 0, "channels": 0}
    try:
        jsonl, finish_jsonl = _hashing_writer(temporary["companies"])
        table, finish_csv = _hashing_writer(temporary["channels"])
        csv_names = export_extra_names(csv=True)
        writer = csv.DictWriter(table, fieldnames=csv_columns(csv_names))
        writer.writeheader()
        for record in records if records is not None else export_records():
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            writer.writerows(csv_rows(record, csv_names))
            counts["companies"] += 1
            counts["channels"] += len(record["channels"])
        finished = {"companies": finish_jsonl(), "channels": finish_csv()}
    except BaseException:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        raise
    files = []
    for kind, name in names.items():
        os.replace(temporary[kind], folder / name)
        size, sha256 = finished[kind]
        (folder / f"{name}.sha256").write_text(f"{sha256}  {name}\n", encoding="utf-8")
        files.append({"name": name, "kind": kind, "bytes": size, "sha256": sha256, "records": counts[kind]})
    entry = {"date": stamp, "written_at": now.isoformat(), "files": files}
    _publish(folder, entry)
    return entry


def _publish(folder, entry):
    """Lists `entry` first in the manifest (replacing one of the same date) and removes old sets."""
    dumps = [d for d in read_manifest(folder) if d["date"] != entry["date"]]
    dumps = [entry, *sorted(dumps, key=lambda d: d["date"], reverse=True)]
    keep, drop = dumps[:KEEP], dumps[KEEP:]
    partial = folder / f".{MANIFEST}.{os.getpid()}.partial"
    partial.write_text(json.dumps(keep, indent=1), encoding="utf-8")
    os.replace(partial, folder / MANIFEST)
    for old in drop:
        for file in old["files"]:
            (folder / file["name"]).unlink(missing_ok=True)
            (folder / f"{file['name']}.sha256").unlink(missing_ok=True)


def dump_file(name):
    """The path of a listed dump file (or its checksum), or None: only listed names are served."""
    listed = {f["name"] for dump in read_manifest() for f in dump["files"]}
    if name in listed or (name.endswith(".sha256") and name[: -len(".sha256")] in listed):
        return dump_dir() / name
    return None
