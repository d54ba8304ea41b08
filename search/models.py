from django.db import models


class IndexChange(models.Model):
    """A row the search index has yet to catch up with.

    Written in the same transaction as the change itself, so a change that commits
    is never lost between the database and the index: if the broker is down when
    the transaction commits, the next drain (queued again later, and run every
    minute by beat) applies it.
    """

    label = models.CharField(max_length=100, help_text='The indexed model, e.g. "directory.company".')
    object_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.label}.{self.object_id}"
