"""Haystack's update_index, writing each model's documents as one segment of the index.

`rebuild_index` runs this after clearing the index, so a rebuild leaves one segment
per model instead of one per batch (see ReusingWhooshSearchBackend.one_segment).
"""

from haystack import connections
from haystack.management.commands.update_index import Command as HaystackUpdateIndex


class Command(HaystackUpdateIndex):
    def update_backend(self, label, using):
        backend = connections[using].get_backend()
        # Removing stale documents writes through its own writer, and worker processes
        # each write their own batches: both keep Haystack's commit per batch.
        if self.remove or self.workers or not hasattr(backend, "one_segment"):
            return super().update_backend(label, using)
        with backend.one_segment():
            return super().update_backend(label, using)
