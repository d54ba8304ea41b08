import pytest
from django.core.management import call_command

from tests.factories import make_category, make_channel, make_company, make_guide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    telecoms = make_category(name="Telecoms", slug="telecoms")
    northwind = make_company(name="Northwind Wireless", slug="northwind-wireless", category=telecoms)
    make_channel(northwind, value="+12025550143", ivr_steps=[{"action": "press", "value": "0"}])
    make_company(name="Northgate Energy", slug="northgate", category=telecoms)
    call_command("rebuild_index", interactive=False, verbosity=0)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_misspelt_name_then_keyboard_pick_lands_on_the_company(
    directory, live_server, page, phone_page, screenshot, viewport
):
    tab = phone_page if viewport == "phone" else page
    tab.goto(live_server.url + "/")
    box = tab.get_by_role("combobox", name="Company name or what you need")
    box.press_sequentially("nrthwind", delay=30)
    option = tab.get_by_role("option").first
    option.wait_for()
    assert "Northwind Wireless" in option.inner_text()
    assert "(202) 555-0143" in option.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    assert "1 suggestion available." in tab.locator("[data-suggest-status]").inner_text()
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    screenshot(tab, f"search-suggestions-{viewport}")
    box.press("Enter")
    tab.wait_for_url("**/companies/northwind-wireless/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Contact Northwind Wireless"


def test_escape_closes_suggestions_and_enter_submits_the_plain_form(directory, live_server, page, screenshot):
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Company name or what you need")
    box.press_sequentially("north", delay=30)
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search/?q=north")
    assert page.locator(".results .card").count() == 2
    screenshot(page, "search-results-desktop")


def test_search_works_without_javascript(directory, live_server, chromium):
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(live_server.url + "/")
        tab.get_by_role("combobox").fill("nrthwind")
        tab.get_by_role("button", name="Search").click()
        tab.wait_for_url("**/search/?q=nrthwind")
        tab.locator(".did-you-mean").get_by_role("link", name="Northwind Wireless").click()
        tab.wait_for_url("**/search/?q=Northwind%20Wireless")
        tab.locator(".results a.card-title").first.click()
        tab.wait_for_url("**/companies/northwind-wireless/")
    finally:
        context.close()


def test_everyday_phrasing_and_a_pasted_link_find_the_company_and_what_was_asked(
    live_server, page, screenshot
):
    telecoms = make_category(name="Telecoms", slug="telecoms")
    northwind = make_company(
        name="Northwind Wireless", slug="northwind-wireless", category=telecoms,
        website="https://www.northwind.example/", aliases=["NW Mobile"], view_count=40,
    )  # fmt: skip
    make_channel(northwind, value="+12025550143", human_rank=1)
    make_channel(northwind, kind="email", value="care@northwind.example", department="billing")
    make_guide(northwind, kind="cancel", title="How to cancel Northwind Wireless", slug="cancel")
    call_command("rebuild_index", interactive=False, verbosity=0)

    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Company name or what you need")
    box.press_sequentially("cancel northwnd", delay=20)
    option = page.get_by_role("option").first
    option.wait_for()
    assert "How to cancel Northwind Wireless" in option.inner_text()
    screenshot(page, "search-suggest-task-guide")

    box.fill("northwind wireles support email")
    box.press("Escape")
    box.press("Enter")
    page.wait_for_url("**/search/?q=northwind+wireles+support+email")
    answer = page.locator(".task-answer")
    assert "care@northwind.example" in answer.inner_text()
    screenshot(page, "search-phrasing-email-first")

    page.goto(live_server.url + "/search/?q=https://www.northwind.example/help")
    card = page.locator(".results .card").first
    assert "Northwind Wireless" in card.inner_text() and "owns this web address" in card.inner_text()

    page.goto(live_server.url + "/search/?q=cancel")
    assert "Which company do you want to cancel" in page.get_by_role("heading", level=2).first.inner_text()
    page.locator(".which-company-list").get_by_role("link", name="Northwind Wireless").click()
    page.wait_for_url("**/companies/northwind-wireless/")
    screenshot(page, "search-bare-intent-to-company")


def test_litware_phone_number_typed_in_the_home_box_lands_on_litware_with_its_phone_first(
    live_server, page, screenshot
):
    litware = make_company(name="Litware", slug="litware", view_count=10)
    make_channel(litware, kind="email", value="hello@litware.example", human_rank=1)
    make_channel(litware, value="+13125550190", human_rank=2, ivr_steps=[{"action": "press", "value": "3"}])
    make_company(name="Litwell Foods", slug="litwell")
    call_command("rebuild_index", interactive=False, verbosity=0)

    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Company name or what you need")
    box.press_sequentially("litware phone number", delay=20)
    page.get_by_role("option", name="Litware").first.wait_for()
    box.press("Escape")
    box.press("Enter")
    page.wait_for_url("**/search/?q=litware+phone+number")
    answer = page.locator(".task-answer")
    assert answer.get_by_role("heading").inner_text() == "Litware: what you asked for"
    assert answer.get_by_role("link").first.inner_text() == "(312) 555-0190"
    assert page.locator(".results a.card-title").first.inner_text() == "Litware"
    screenshot(page, "search-litware-phone-number")
    page.locator(".results a.card-title").first.click()
    page.wait_for_url("**/companies/litware/")
