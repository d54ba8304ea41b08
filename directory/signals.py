"""What the directory announces to the apps above it. Imports nothing but django.dispatch.

Sent as soon as the rows have changed, inside the writer's transaction when there
is one; a receiver that acts outside the database (a cache, the search index)
acts again, or only, once the transaction commits.
"""

from django.dispatch import Signal

# Channels were changed set-wise (QuerySet.update(), no post_save): re-verified or retired;
# or an import wrote companies and channels in bulk (bulk_create / bulk_update, no post_save).
# Keyword arguments: company_ids, the companies of those channels (or the companies written).
channels_changed = Signal()

# Page views were added to Company.view_count set-wise (no post_save is sent).
# Keyword arguments: companies, the number of companies that got views.
page_views_added = Signal()
