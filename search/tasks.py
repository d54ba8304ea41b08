import logging

from celery import shared_task
from django.apps import apps
from django.db import transaction
from haystack import connections
from haystack.exceptions import NotHandled

from .generation import index_changed
from .whoosh_backend import LockError

log = logging.getLogger(__name__)

# Index writes are idempotent (an update re-reads the row): a worker killed mid-write runs them again.
RETRY = {
    "autoretry_for": (LockError,),
    "retry_backoff": 0.5,
    "retry_backoff_max": 10,
    "max_retries": 20,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def index_for(model):
    return connections["default"].get_unified_index().get_index(model)


@shared_task(**RETRY)
def apply_index_change(label, pk, action):
    """Brings one row's document up to date (a row gone since is removed, whatever `action` says).

    Changes now travel through the outbox (drain_index_changes); this task applies
    messages queued under its name before that, and a change asked for by hand.
    """
    sync_objects(label, [pk])
    index_changed()


@shared_task(**RETRY)
def reindex_companies(pks):
    """Brings many companies' documents up to date; like apply_index_change, for messages queued before the outbox."""
    sync_objects("directory.company", pks)
    index_changed()


@shared_task(**RETRY)
def drain_index_changes(batch_size=500):
    """Applies the outbox of index changes (search.models.IndexChange), oldest first, until it is empty.

    Queued after each commit that records changes, and scheduled every minute by
    CELERY_BEAT_SCHEDULE["every-minute-drain-index-changes"] to catch up changes
    whose message was lost (the broker was down). Rows are claimed with SKIP LOCKED
    and deleted in the transaction that applied them: a failed write (the index lock)
    leaves them for the retry. Returns how many changes it applied.
    """
    from .models import IndexChange

    applied = 0
    while True:
        with transaction.atomic():
            rows = list(IndexChange.objects.select_for_update(skip_locked=True).order_by("id")[:batch_size])
            if not rows:
                return applied
            by_label = {}
            for row in rows:
                by_label.setdefault(row.label, set()).add(row.object_id)
            for label, pks in by_label.items():
                sync_objects(label, sorted(pks))
            IndexChange.objects.filter(pk__in=[row.pk for row in rows]).delete()
        index_changed()
        applied += len(rows)


def sync_objects(label, pks):
    """Writes the current state of these rows into the index; rows that are gone are removed."""
    try:
        index = index_for(apps.get_model(label))
    except (LookupError, NotHandled):
        return
    found = list(index.index_queryset().filter(pk__in=pks))
    if found:
        index.get_backend().update(index, found)
    for pk in set(pks) - {obj.pk for obj in found}:
        index.remove_object(f"{label}.{pk}")
