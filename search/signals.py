"""Queues index changes instead of writing the index from web processes.

Whoosh allows one writer at a time; a web request that writes would wait on the
lock or, on a delete, lose the change. So saves and deletes enqueue
(model, pk, action) once the transaction commits, and the `search` queue applies
them (search/tasks.py). Without a broker the same task runs in-process.
"""

import threading
from contextlib import contextmanager

from django.db import models, transaction
from haystack.signals import BaseSignalProcessor

from directory.models import Category, Company, ContactChannel
from guides.models import Guide

_batch = threading.local()


@contextmanager
def batched():
    """Collects index changes made inside the block and queues them once at the end.

    Bulk writers (the importer, the sample data) save each company many times; one
    reindex per company at the end replaces hundreds of single updates.
    """
    outer = getattr(_batch, "changes", None)
    _batch.changes = outer if outer is not None else set()
    try:
        yield
    finally:
        if outer is None:
            changes, _batch.changes = _batch.changes, None
            companies = [
                pk for label, pk, action in changes if label == "directory.company" and action == "update"
            ]
            enqueue_companies(companies)
            for label, pk, action in changes:
                if not (label == "directory.company" and action == "update"):
                    enqueue(label, pk, action)


def enqueue(label, pk, action):
    from .tasks import apply_index_change

    changes = getattr(_batch, "changes", None)
    if changes is not None:
        changes.add((label, pk, action))
        return
    transaction.on_commit(lambda: apply_index_change.delay(label, pk, action))


def enqueue_companies(pks):
    from .tasks import reindex_companies

    pks = sorted(set(pks))
    if pks:
        transaction.on_commit(lambda: reindex_companies.delay(pks))


class QueuedSignalProcessor(BaseSignalProcessor):
    senders = (Company, ContactChannel, Guide, Category)

    def setup(self):
        for sender in self.senders:
            models.signals.post_save.connect(self.handle_save, sender=sender)
            models.signals.post_delete.connect(self.handle_delete, sender=sender)

    def teardown(self):
        for sender in self.senders:
            models.signals.post_save.disconnect(self.handle_save, sender=sender)
            models.signals.post_delete.disconnect(self.handle_delete, sender=sender)

    def handle_save(self, sender, instance, **kwargs):
        self.enqueue_changes(sender, instance, deleted=False)

    def handle_delete(self, sender, instance, **kwargs):
        self.enqueue_changes(sender, instance, deleted=True)

    def enqueue_changes(self, sender, instance, deleted):
        """A company or guide is updated or removed; a channel or guide also refreshes its company."""
        action = "delete" if deleted else "update"
        if sender is Company:
            enqueue("directory.company", instance.pk, action)
        elif sender is ContactChannel:
            enqueue("directory.company", instance.company_id, "update")
        elif sender is Guide:
            enqueue("guides.guide", instance.pk, action)
            enqueue("directory.company", instance.company_id, "update")
        elif sender is Category and not deleted:
            enqueue_companies(instance.companies.values_list("pk", flat=True))
