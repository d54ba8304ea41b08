"""The changes feed: what was published, in the order it was, one page after another.

Three kinds of event, each a row that is never edited once written:
  - channel_changed: a ChannelChange, one applied change to a channel (a reviewed
    correction, an open dataset's update, a retirement), at its `created`;
  - guide_published: a GuideRevision that readers were shown (`was_published`), of a guide
    still on the site, at its `reviewed_at`, when it went live; pending, rejected and
    replaced revisions never appear;
  - company_added: a Company, at its `created`.

Events are ordered by (time, type, id), a total order, and a cursor is the key of the last
event a page gave: the next page is every event after it, so writes between two pages
never make a page skip or repeat an event. A row carries the time it was written, not the
time its transaction committed, so an event is listed only once it is
API_CHANGES_SETTLE_SECONDS old: a transaction still committing cannot put an event behind a
cursor already handed out (as long as it takes less than that).

Each page costs three queries (one per kind, each reading at most a page past the cursor),
whatever the depth.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from guides import published


def sources():
    """{type: (rows, time field)}: the published changes of guides.published."""
    return {kind: (rows, field) for kind, (rows, field, _) in published.sources().items()}


def _after(kind, field, position):
    """Rows of `kind` whose (time, type, id) comes after `position`."""
    at, after_kind, after_id = position
    if kind > after_kind:
        return Q(**{f"{field}__gte": at})
    if kind < after_kind:
        return Q(**{f"{field}__gt": at})
    return Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": after_id})


def events_after(position, size, now=None):
    """(events, position of the last one or None) for up to `size` events after `position`
    (time, type, id); `position` None is the beginning. An event is (time, type, row)."""
    until = (now or timezone.now()) - timedelta(seconds=settings.API_CHANGES_SETTLE_SECONDS)
    found = []
    for kind, (rows, field) in sources().items():
        rows = rows.filter(**{f"{field}__lte": until}, **{f"{field}__isnull": False})
        if position is not None:
            rows = rows.filter(_after(kind, field, position))
        found += [(getattr(row, field), kind, row) for row in rows.order_by(field, "pk")[:size]]
    found.sort(key=lambda event: (event[0], event[1], event[2].pk))
    page = found[:size]
    return page, (key(page[-1]) if page else None)


def key(event):
    at, kind, row = event
    return at, kind, row.pk


def cursor_keys(position):
    """A position (time, type, id) or an event, as a cursor's JSON keys."""
    at, kind, last = position
    return [at.isoformat(), kind, getattr(last, "pk", last)]


def since(moment):
    """The position just before everything at or after `moment`."""
    return moment, "", 0
