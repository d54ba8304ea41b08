"""What freshness announces to the apps above it. Imports nothing but django.dispatch.

Each announces set-wise writes, which send no post_save. Sent as soon as the rows
have changed, inside the writer's transaction when there is one; a receiver that
acts outside the database (a cache) acts again, or only, once it commits.
"""

from django.dispatch import Signal

# A sweep opened flags. Keyword arguments: count.
flags_added = Signal()

# Flags were resolved. Keyword arguments: status, count (how many flags).
flags_resolved = Signal()

# Companies' grades changed (freshness.grading, set-wise: no post_save). Keyword arguments:
# company_ids, the companies whose grade or its inputs changed.
grades_changed = Signal()
