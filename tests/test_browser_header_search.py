"""The search box in the header of every page, with suggestions, as a person uses it."""

import pytest
from django.core.management import call_command

from tests.factories import make_category, make_channel, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_from_any_page_the_header_search_suggests_and_opens_a_company(
    live_server, page, phone_page, screenshot, viewport
):
    telecoms = make_category(name="Telecoms", slug="telecoms")
    northwind = make_company(name="Northwind Wireless", slug="northwind-wireless", category=telecoms)
    make_channel(northwind, value="+12025550143")
    make_company(name="Contoso Broadband", slug="contoso", category=telecoms)
    call_command("rebuild_index", interactive=False, verbosity=0)
    tab = phone_page if viewport == "phone" else page
    tab.goto(f"{live_server.url}/companies/contoso/")
    box = tab.locator(".site-header").get_by_role("combobox")
    box.fill("northw")
    option = tab.locator(".site-header").get_by_role("option").first
    option.wait_for()
    assert "Northwind Wireless" in option.inner_text()
    screenshot(tab, f"header-search-{viewport}", full_page=False)
    box.press("ArrowDown")
    box.press("Enter")
    tab.wait_for_url("**/companies/northwind-wireless/")
    assert tab.locator("[role=combobox]").count() == 1  # one search box per page
