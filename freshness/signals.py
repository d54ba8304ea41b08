"""What freshness announces to the apps above it. Imports nothing but django.dispatch.

Both are sent for set-wise writes, which send no post_save: inside the writer's
transaction, once the rows have changed; a receiver that acts outside the
database (a cache, the search index) defers to the commit.
"""

from django.dispatch import Signal

# A sweep opened flags. Keyword arguments: count.
flags_added = Signal()

# Flags were resolved. Keyword arguments: status, count (how many flags).
flags_resolved = Signal()
