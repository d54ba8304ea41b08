import logging

from celery import shared_task
from django.apps import apps
from haystack import connections
from haystack.exceptions import NotHandled

from directory.models import Company

from .generation import index_changed
from .whoosh_backend import LockError

log = logging.getLogger(__name__)

RETRY = {"autoretry_for": (LockError,), "retry_backoff": 0.5, "retry_backoff_max": 10, "max_retries": 20}


def index_for(model):
    return connections["default"].get_unified_index().get_index(model)


@shared_task(**RETRY)
def apply_index_change(label, pk, action):
    """Applies one queued index change on the `search` queue.

    Enqueued by search.receivers.QueuedSignalProcessor after each commit. An update
    re-reads the row, so a change that arrives late still writes the current state,
    and an update for a row deleted since becomes a delete.
    """
    model = apps.get_model(label)
    try:
        index = index_for(model)
    except NotHandled:
        return
    obj = index.index_queryset().filter(pk=pk).first() if action == "update" else None
    if obj is None:
        index.remove_object(f"{label}.{pk}")
        log.debug("search: removed %s.%s", label, pk)
    else:
        index.update_object(obj)
        log.debug("search: updated %s.%s", label, pk)
    index_changed()


@shared_task(**RETRY)
def reindex_companies(pks):
    """Reindexes many companies at once on the `search` queue.

    Enqueued when a category changes, when channels or guides change set-wise
    (channels_changed, guides_changed) and at the end of a bulk write.
    """
    index = index_for(Company)
    found = list(index.index_queryset().filter(pk__in=pks))
    if found:
        index.get_backend().update(index, found)
    for pk in set(pks) - {c.pk for c in found}:
        index.remove_object(f"directory.company.{pk}")
    index_changed()
