"""A developer finds the API from any page, reads how to call it, and a page of another site reads it."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_channel, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_footer_leads_to_the_api_page_which_fits_a_phone(live_server, phone_page, screenshot):
    tab = phone_page
    tab.goto(f"{live_server.url}/")
    tab.locator(".site-footer").get_by_role("link", name="API").click()
    expect(tab.get_by_role("heading", name="API", exact=True)).to_be_visible()
    expect(tab.get_by_text("curl '", exact=False).first).to_be_visible()
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    screenshot(tab, "api-docs-phone")


def test_a_page_on_another_origin_reads_a_company_and_its_etag(live_server, page):
    company = make_company(name="Northwind Wireless", slug="northwind-wireless")
    make_channel(company, value="+12025550143", human_rank=1)
    # localhost and 127.0.0.1 are different origins to the browser: a real cross-origin fetch.
    other_origin = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{other_origin}/robots.txt")
    result = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const body = await response.json();
            return {status: response.status, name: body.name, etag: response.headers.get("ETag")};
        }""",
        f"{live_server.url}/api/v1/companies/{company.slug}",
    )
    assert result["status"] == 200 and result["name"] == "Northwind Wireless"
    assert result["etag"].startswith('W/"')  # exposed to the script, for If-None-Match
