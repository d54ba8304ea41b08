"""One import run: an adapter reads the dataset, the merger writes it, the run keeps the log."""

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from django.utils import timezone

from core.batching import batch

from .adapters import datenanfragen, jdm, twofactorauth
from .adapters.base import Rejection
from .merge import Merger, relaxed_durability
from .models import ImportRun

ADAPTERS = {"datenanfragen": datenanfragen, "jdm": jdm, "twofactorauth": twofactorauth}
COUNTS = ("companies created", "channels created", "guides created", "updated", "unchanged", "proposed", "flagged", "retired",
          "review", "rejected")  # fmt: skip


def retrieval_date(path):
    """When the dataset was taken: its last commit in a git checkout, else its newest file."""
    path = Path(path)
    if (path / ".git").exists():
        done = subprocess.run(
            ["git", "-C", str(path), "log", "-1", "--format=%cs"], capture_output=True, text=True
        )
        if done.returncode == 0 and done.stdout.strip():
            return date.fromisoformat(done.stdout.strip())
    newest = max((f.stat().st_mtime for f in path.rglob("*.json")), default=None)
    return datetime.fromtimestamp(newest, UTC).date() if newest else timezone.now().date()


def run_import(source, path, retrieved=None, progress=None):
    """Imports the dataset `source` from `path`; returns its ImportRun (counts, rejections, review)."""
    if source not in ADAPTERS:
        raise ValueError(f"unknown source {source!r}: one of {', '.join(ADAPTERS)}")
    if not Path(path).is_dir():
        raise FileNotFoundError(f"{path} is not a folder")
    adapter = ADAPTERS[source]
    retrieved = retrieved or retrieval_date(path)
    run = ImportRun.objects.create(source=source, path=str(path)[:1000], retrieved=retrieved)
    merger = Merger(source, retrieved)
    seen = []
    try:
        with batch(), relaxed_durability():
            for item in adapter.read(path):
                if isinstance(item, Rejection):
                    merger.reject(item)
                else:
                    merger.merge(item)
                seen.append(item.record if isinstance(item, Rejection) else item.record_id)
                if progress:
                    progress()
            for item in adapter.obsolete(path):
                if isinstance(item, Rejection):
                    merger.reject(item)
                    continue
                merger.retire_obsolete(*item)
                seen.append(item[0])
            merger.finish([record_id for record_id in seen if record_id])
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        run.counts = {name: merger.counts[name] for name in COUNTS}
        run.rejections, run.review = merger.rejections[:5000], merger.review[:5000]
        run.finished = timezone.now()
        run.save()
    return run
