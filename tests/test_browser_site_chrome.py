"""The company page in dark mode and on paper, as a browser shows it."""

import pytest

from tests.factories import make_category, make_channel, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company():
    company = make_company(
        name="Fabrikam Water", slug="fabrikam-water", category=make_category(name="Utilities")
    )
    make_channel(company, value="+12025550161", human_rank=1, is_primary=True,
                 ivr_steps=[{"action": "press", "value": "2"}])  # fmt: skip
    make_channel(company, kind="email", value="help@fabrikam.example", department="billing")
    return company


@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1280, 800, "desktop")])
def test_dark_mode_follows_the_system_and_keeps_text_readable(
    live_server, chromium, company, screenshot, width, height, name
):
    context = chromium.new_context(viewport={"width": width, "height": height}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server.url}/companies/fabrikam-water/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert background == "rgb(21, 24, 28)" and ink == "rgb(232, 234, 237)"
    header_link = page.locator(".site-header a").first.evaluate("a => getComputedStyle(a).color")
    assert header_link == "rgb(232, 234, 237)"
    screenshot(page, f"company-dark-{name}")
    context.close()


def test_printing_a_company_page_keeps_the_numbers_and_drops_the_forms(
    live_server, page, company, screenshot
):
    page.goto(f"{live_server.url}/companies/fabrikam-water/")
    page.emulate_media(media="print")
    assert page.locator(".report-form").first.is_hidden() and page.locator(".site-header").is_hidden()
    assert page.get_by_text("(202) 555-0161").first.is_visible()
    screenshot(page, "company-print-desktop")
