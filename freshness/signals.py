"""What freshness announces to the apps above it. Imports nothing but django.dispatch.

Both announce set-wise writes, which send no post_save. Sent as soon as the rows
have changed, inside the writer's transaction when there is one; a receiver that
acts outside the database (a cache) acts again, or only, once it commits.
"""

from django.dispatch import Signal

# A sweep opened flags. Keyword arguments: count.
flags_added = Signal()

# Flags were resolved. Keyword arguments: status, count (how many flags).
flags_resolved = Signal()
