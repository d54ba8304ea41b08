"""Queues index changes instead of writing the index from web processes.

Whoosh allows one writer at a time; a web request that writes would wait on the
lock or, on a delete, lose the change. So saves and deletes enqueue
(model, pk, action) once the transaction commits, and the `search` queue applies
them (search/tasks.py). Without a broker the same task runs in-process.
Inside a bulk write (core.batching) the changes are collected and queued once at
its end: one reindex per company instead of one per saved row.
"""

from django.db import models, transaction
from haystack.signals import BaseSignalProcessor

from core import batching
from directory.models import Category, Company, ContactChannel
from directory.signals import channels_changed
from guides.models import Guide
from guides.signals import guides_changed

from .tasks import apply_index_change, reindex_companies

COMPANY = "directory.company"


def _enqueue_batch(changes):
    enqueue_companies([pk for label, pk, action in changes if label == COMPANY and action == "update"])
    for label, pk, action in changes:
        if not (label == COMPANY and action == "update"):
            enqueue(label, pk, action)


def enqueue(label, pk, action):
    changes = batching.collector("search-index", _enqueue_batch)
    if changes is not None:
        changes.add((label, pk, action))
        return
    transaction.on_commit(lambda: apply_index_change.delay(label, pk, action))


def enqueue_companies(pks):
    changes = batching.collector("search-index", _enqueue_batch)
    if changes is not None:
        changes.update((COMPANY, pk, "update") for pk in pks)
        return
    pks = sorted(set(pks))
    if pks:
        transaction.on_commit(lambda: reindex_companies.delay(pks))


def reindex_companies_changed(sender, company_ids, **kwargs):
    """Channels or guides changed set-wise: their companies' documents show them (best channel, guides)."""
    enqueue_companies(company_ids)


class QueuedSignalProcessor(BaseSignalProcessor):
    senders = (Company, ContactChannel, Guide, Category)

    def setup(self):
        for sender in self.senders:
            models.signals.post_save.connect(self.handle_save, sender=sender)
            models.signals.post_delete.connect(self.handle_delete, sender=sender)
        channels_changed.connect(reindex_companies_changed)
        guides_changed.connect(reindex_companies_changed)

    def teardown(self):
        for sender in self.senders:
            models.signals.post_save.disconnect(self.handle_save, sender=sender)
            models.signals.post_delete.disconnect(self.handle_delete, sender=sender)
        channels_changed.disconnect(reindex_companies_changed)
        guides_changed.disconnect(reindex_companies_changed)

    def handle_save(self, sender, instance, **kwargs):
        self.enqueue_changes(sender, instance, deleted=False)

    def handle_delete(self, sender, instance, **kwargs):
        self.enqueue_changes(sender, instance, deleted=True)

    def enqueue_changes(self, sender, instance, deleted):
        """A company or guide is updated or removed; a channel or guide also refreshes its company."""
        action = "delete" if deleted else "update"
        if sender is Company:
            enqueue(COMPANY, instance.pk, action)
        elif sender is ContactChannel:
            enqueue(COMPANY, instance.company_id, "update")
        elif sender is Guide:
            enqueue("guides.guide", instance.pk, action)
            enqueue(COMPANY, instance.company_id, "update")
        elif sender is Category and not deleted:
            enqueue_companies(instance.companies.values_list("pk", flat=True))
