"""What guides announce to the apps above them. Imports nothing but django.dispatch.

Sent as soon as the rows have changed, inside the writer's transaction when there
is one; a receiver that acts outside the database acts again, or only, once the
transaction commits.
"""

from django.dispatch import Signal

# A channel correction was applied. Keyword arguments: correction, reviewer.
correction_applied = Signal()

# Guides were changed set-wise (QuerySet.update(), no post_save): re-verified or unpublished.
# Keyword arguments: company_ids, the companies of those guides.
guides_changed = Signal()
