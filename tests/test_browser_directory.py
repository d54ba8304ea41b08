import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_channel, make_company, make_guide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def northwind():
    telecoms = make_category(name="Telecoms", slug="telecoms")
    company = make_company(
        name="Northwind Wireless", slug="northwind-wireless", category=telecoms, view_count=99,
        website="https://www.northwind.example/",
    )  # fmt: skip
    make_channel(
        company,
        value="+12025550143",
        is_primary=True,
        human_rank=1,
        ivr_steps=[{"action": "press", "value": "0"}, {"action": "press", "value": "2"}],
        hours=[{"day": d, "opens": "08:00", "closes": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")],
        time_zone="America/New_York",
        typical_wait_minutes=12,
        source_url="https://www.northwind.example/contact",
    )
    make_channel(company, kind="email", value="billing@northwind.example", department="billing", human_rank=4)
    make_channel(company, kind="chat", department="tech_support", human_rank=2, last_verified_at=None)
    make_guide(company, title="How to cancel Northwind Wireless", slug="cancel", difficulty="medium")
    make_company(name="Contoso Broadband", category=telecoms, view_count=5)
    return company


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_consumer_goes_from_home_to_a_company_and_gets_a_dialling_link(
    viewport, northwind, live_server, page, phone_page, screenshot
):
    tab = phone_page if viewport == "phone" else page
    tab.goto(live_server.url + "/")
    screenshot(tab, f"directory-home-{viewport}")
    tab.get_by_role("link", name="Northwind Wireless").first.click()
    tab.wait_for_url("**/companies/northwind-wireless/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Contact Northwind Wireless"
    # The two jobs people come for are both on the first screen, a phone's included.
    expect(tab.get_by_role("heading", name="Reach a human")).to_be_in_viewport()
    expect(tab.get_by_role("heading", name="Cancel", exact=True)).to_be_in_viewport()
    expect(tab.locator(".cancel-box").get_by_text("ask for a reference")).to_be_in_viewport()

    best = tab.locator("a.best-button")
    assert best.get_attribute("href") == "tel:+12025550143,,0,,2"
    assert "(202) 555-0143" in best.inner_text()
    assert "Press 0 → Press 2" in best.inner_text()
    box = best.bounding_box()
    assert box["height"] >= 44, "the main action must be easy to tap"
    if viewport == "phone":
        assert box["width"] > 300, "the main action spans the phone screen"

    assert tab.get_by_role("heading", name="Billing").is_visible()
    tab.locator(".channel-more summary").first.click()  # the details of the first channel
    assert tab.get_by_text("Official source").first.is_visible()
    assert tab.get_by_text("Not verified yet").is_visible()
    no_horizontal_scroll = tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll
    screenshot(tab, f"directory-company-{viewport}")

    tab.locator(".cancel-box").get_by_role("link", name="How to cancel Northwind Wireless").click()
    tab.wait_for_url("**/guides/cancel/")
    assert "ask for a reference" in tab.locator("article").inner_text()


def test_a_to_z_and_category_pages_lead_to_companies(northwind, live_server, page, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Companies A–Z").click()
    page.get_by_role("link", name="C", exact=True).click()
    assert page.url.endswith("#letter-C")
    page.get_by_role("link", name="Contoso Broadband").click()
    page.get_by_role("link", name="Telecoms").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Telecoms"
    screenshot(page, "directory-category-desktop")
    page.get_by_role("link", name="Northwind Wireless").first.click()
    page.wait_for_url("**/companies/northwind-wireless/")
