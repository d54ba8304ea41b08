"""What guides announce to the apps above them. Imports nothing but django.dispatch.

Sent inside the writer's transaction, once the rows have changed; a receiver that
acts outside the database defers to the commit.
"""

from django.dispatch import Signal

# A channel correction was applied. Keyword arguments: correction, reviewer.
correction_applied = Signal()

# Guides were changed set-wise (QuerySet.update(), no post_save): re-verified or unpublished.
# Keyword arguments: company_ids, the companies of those guides.
guides_changed = Signal()
