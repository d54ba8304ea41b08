"""Records index changes instead of writing the index from web processes.

Whoosh allows one writer at a time; a web request that writes would wait on the
lock or, on a delete, lose the change. So a save or delete writes (model, pk) into
the outbox (search.models.IndexChange) in its own transaction, and once that
commits a drain is queued on the `search` queue, which applies the outbox
(search/tasks.py). A drain that never arrives (broker down) is made up by the next
one: beat runs one every minute. Without a broker the drain runs in-process.
Inside a bulk write (core.batching) the changes are collected and written once at
its end: one reindex per company instead of one per saved row.
"""

import logging

from django.db import models, transaction
from haystack.signals import BaseSignalProcessor

from core import batching
from directory.models import Category, Company, ContactChannel
from directory.signals import channels_changed
from guides.models import Guide
from guides.signals import guides_changed

from .models import IndexChange
from .tasks import drain_index_changes

COMPANY = "directory.company"
log = logging.getLogger(__name__)


def _record(changes):
    """Writes the (label, pk) changes into the outbox, then asks for a drain once the transaction commits."""
    IndexChange.objects.bulk_create([IndexChange(label=label, object_id=pk) for label, pk in sorted(changes)])
    transaction.on_commit(schedule_drain)


def schedule_drain():
    """Queues a drain of the outbox. If the broker is down the change still waits in the
    outbox, and beat's next drain applies it: the request that made it does not fail."""
    try:
        drain_index_changes.delay()
    except Exception as exc:  # kombu raises its own errors when Redis is unreachable
        log.warning("search: index changes wait for the next drain (%s)", exc.__class__.__name__)


def enqueue(label, pk):
    """Records that the index must catch up with this row (it is re-read then; a row gone is removed)."""
    changes = batching.collector("search-index", _record)
    if changes is not None:
        changes.add((label, pk))
        return
    _record({(label, pk)})


def enqueue_companies(pks):
    changes = batching.collector("search-index", _record)
    if changes is not None:
        changes.update((COMPANY, pk) for pk in pks)
        return
    if pks:
        _record({(COMPANY, pk) for pk in pks})


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
        """A company is updated or removed; a channel or guide refreshes its company's document."""
        if sender is Company:
            enqueue(COMPANY, instance.pk)
        elif sender is ContactChannel:
            enqueue(COMPANY, instance.company_id)
        elif sender is Guide:
            enqueue(COMPANY, instance.company_id)
        elif sender is Category and not deleted:
            enqueue_companies(instance.companies.values_list("pk", flat=True))
