"""A consumer on a company page served from the Redis cache, as a browser sees it."""

from unittest import mock

import pytest

from freshness.models import ChannelReport
from gethelp import views
from tests.factories import make_category, make_channel, make_company, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vote_from_a_cached_page_counts_and_shows_to_the_next_visitor(
    redis_settings, live_server, page, phone_page, screenshot
):
    company = make_company(
        name="Fabrikam Water", slug="fabrikam-water", category=make_category(name="Utilities")
    )
    channel = make_channel(company, value="+12025550161", human_rank=1, is_primary=True)
    for _ in range(10):
        make_report(channel, worked=True)
    url = f"{live_server.url}/companies/fabrikam-water/"

    with mock.patch.object(views, "render_company_page", wraps=views.render_company_page) as renders:
        page.goto(url)  # the first visitor's page is rendered and kept
        phone_page.goto(url)  # the second visitor's comes from the cache
        assert renders.call_count == 1
    card = phone_page.locator(f"#channel-{channel.pk}")
    assert "100% of 10 people reached a human" in card.text_content()  # behind "Details"
    screenshot(phone_page, "page-cache-company-phone")

    card.get_by_role("button", name="Yes, I got through").click()  # needs this visitor's own CSRF token
    phone_page.get_by_text("Thank you! Your report helps keep this page right.").wait_for()
    assert ChannelReport.objects.filter(channel=channel).count() == 11

    page.reload()  # the vote dropped the cached page
    assert "100% of 11 people reached a human" in page.locator(f"#channel-{channel.pk}").text_content()
    screenshot(page, "page-cache-company-after-vote-desktop")
