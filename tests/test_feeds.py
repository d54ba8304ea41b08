"""Atom feeds of published changes, read with a real feed parser."""

import feedparser
import pytest

from directory.models import ContactChannel
from guides.models import ChannelChange
from tests.factories import make_channel, make_company, make_published_guide, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tailspin():
    company = make_company(slug="tailspin", name="Tailspin")
    channel = make_channel(company, value="+12025550171", department="billing",
                           ivr_steps=[{"action": "press", "value": "2"}, {"action": "press", "value": "0"}])  # fmt: skip
    before = ChannelChange.snapshot(channel)
    channel.ivr_steps = [{"action": "press", "value": "2"}, {"action": "press", "value": "9"}]
    channel.save()
    ChannelChange.objects.create(
        channel=channel, changes=ChannelChange.difference(before, ChannelChange.snapshot(channel))
    )
    guide = make_published_guide(company, slug="cancel", title="Cancel Tailspin")
    content = {field: getattr(guide, field) for field in guide.CONTENT_FIELDS}
    guide.save_revision(make_user("vandal"), {**content, "title": "Call 0900 now"}, "Spam", publish=False)
    return company, channel


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_a_company_feed_lists_published_changes_in_words(client, tailspin):
    feed = parse(client, "/companies/tailspin/changes.atom")
    assert feed.version == "atom10" and feed.feed.title == "Tailspin on GetHelp: published changes"
    titles = [entry.title for entry in feed.entries]
    assert "Billing phone: menu changed from Press 2 → Press 0 to Press 2 → Press 9" in titles
    assert "Guide “Cancel Tailspin” published" in titles and "Tailspin added to the directory" in titles
    assert not any("0900" in title for title in titles)  # a pending edit is not a change readers saw
    change = next(e for e in feed.entries if e.title.startswith("Billing phone"))
    assert change.link.endswith(f"/companies/tailspin/#channel-{tailspin[1].pk}") and change.updated


def test_the_site_feed_names_the_company_and_keeps_other_companies_apart(client, tailspin):
    make_company(slug="other", name="Other Co")
    feed = parse(client, "/changes.atom")
    titles = [entry.title for entry in feed.entries]
    assert "Tailspin: Billing phone: menu changed from Press 2 → Press 0 to Press 2 → Press 9" in titles
    assert "Other Co: Other Co added to the directory" in titles
    assert "Other Co" not in " ".join(
        e.title for e in parse(client, "/companies/tailspin/changes.atom").entries
    )
    assert client.get("/companies/nobody/changes.atom").status_code == 404


def test_feeds_read_a_constant_number_of_queries(client, tailspin, django_assert_num_queries):
    for n in range(5):
        channel = make_channel(make_company(name=f"Co {n}"), value=f"+1202555018{n}")
        ChannelChange.objects.create(
            channel=channel, changes={"status": ["active", ContactChannel.Status.RETIRED]}
        )
    with django_assert_num_queries(3):
        parse(client, "/changes.atom")
