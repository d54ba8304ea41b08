"""Atom feeds of published changes: one per company and one for the whole directory."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from directory.models import Company
from guides.published import published_events

FEED_ITEMS = 50


class SiteChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "GetHelp: published changes"
    subtitle = "Contact channels corrected, guides published and companies added, as readers see them."
    link = "/"

    def items(self):
        return published_events(limit=FEED_ITEMS)

    def item_title(self, event):
        return f"{event.company.name}: {event.title}"

    def item_description(self, event):
        return "\n".join(event.lines) or event.title

    def item_link(self, event):
        return event.url

    def item_guid(self, event):
        return f"{event.url}@{event.at.isoformat()}"  # an id, not an address: no host to disagree with

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.at

    def item_updateddate(self, event):
        return event.at


class CompanyChangesFeed(SiteChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Company, slug=slug)

    def title(self, company):
        return f"{company.name} on GetHelp: published changes"

    def subtitle(self, company):
        return f"Every published change to how to reach {company.name}: numbers, menus, hours and guides."

    def link(self, company):
        return company.get_absolute_url()

    def items(self, company):
        return published_events(company_ids=[company.pk], limit=FEED_ITEMS)

    def item_title(self, event):
        return event.title
