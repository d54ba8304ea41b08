"""What readers were shown change: the rows behind the API's changes feed, and the same events
in words for the Atom feeds and the watch e-mails.

Three kinds of event, each a row never edited once written: an applied ChannelChange (a
reviewed correction, an open dataset's update, a retirement), a GuideRevision readers were
shown (`was_published`) of a guide still on the site, and a company added. Pending,
rejected and replaced revisions never appear.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from directory.models import Company

from .models import ChannelChange, GuideRevision

CHANNEL_CHANGED, COMPANY_ADDED, GUIDE_PUBLISHED = "channel_changed", "company_added", "guide_published"
EVENT_TYPES = (CHANNEL_CHANGED, COMPANY_ADDED, GUIDE_PUBLISHED)  # in their order at one time


def sources():
    """{type: (rows, time field, company field)}: every published change there is."""
    return {
        CHANNEL_CHANGED: (
            ChannelChange.objects.select_related("channel__company__category"),
            "created",
            "channel__company_id",
        ),
        COMPANY_ADDED: (Company.objects.select_related("category"), "created", "pk"),
        GUIDE_PUBLISHED: (
            GuideRevision.objects.filter(was_published=True, guide__is_published=True).select_related(
                "guide__company__category"
            ),
            "reviewed_at",
            "guide__company_id",
        ),
    }


@dataclass
class Event:
    at: datetime
    company: Company
    title: str  # one line: "Billing phone: menu changed from Press 2 → Press 0 to Press 2 → Press 9"
    lines: list  # the details, one change a line
    url: str


def change_in_words(label, before, after):
    """ "Menu changed from Press 2 → Press 0 to Press 2 → Press 9", "Notes set to …", "Label removed"."""
    before, after = "; ".join(before), "; ".join(after)
    if before == "—":
        return f"{label} set to {after}"
    if after == "—":
        return f"{label} removed (was {before})"
    return f"{label} changed from {before} to {after}"


def channel_event(change):
    channel = change.channel
    subject = f"{channel.get_department_display()} {channel.get_kind_display().lower()}"
    lines = [change_in_words(*row) for row in change.readable_changes()]
    if len(lines) == 1:
        title = f"{subject}: {lines[0][0].lower()}{lines[0][1:]}"
    else:
        title = f"{subject}: {len(lines)} changes"
    url = f"{channel.company.get_absolute_url()}#channel-{channel.pk}"
    return Event(change.created, channel.company, title, lines, url)


def guide_event(revision):
    guide = revision.guide
    verb = "published" if revision.revision_number == 1 else "updated"
    title = f"Guide “{guide.title}” {verb}"
    lines = [revision.summary] if revision.summary else []
    return Event(
        revision.reviewed_at or revision.created, guide.company, title, lines, guide.get_absolute_url()
    )


def company_event(company):
    return Event(
        company.created, company, f"{company.name} added to the directory", [], company.get_absolute_url()
    )


def published_events(company_ids=None, since=None, until=None, limit=None):
    """Events newest first, optionally of some companies, after `since` and up to `until`, at most
    `limit` (three queries, each reading at most `limit` rows)."""
    in_words = {CHANNEL_CHANGED: channel_event, GUIDE_PUBLISHED: guide_event, COMPANY_ADDED: company_event}
    found = []
    for kind, (rows, field, company_field) in sources().items():
        to_event = in_words[kind]
        if company_ids is not None:
            rows = rows.filter(**{f"{company_field}__in": company_ids})
        if since is not None:
            rows = rows.filter(**{f"{field}__gt": since})
        if until is not None:
            rows = rows.filter(**{f"{field}__lte": until})
        rows = rows.exclude(**{f"{field}__isnull": True}).order_by(f"-{field}", "-pk")
        found.append(map(to_event, rows[:limit] if limit else rows))
    events = sorted(chain(*found), key=lambda event: event.at, reverse=True)
    return events[:limit] if limit else events
