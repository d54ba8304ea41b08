"""The company page on a phone and a desktop: compact channels, a vote that answers where it was cast."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_channel, make_company, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WEEKDAYS = [{"day": d, "opens": "08:00", "closes": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")]


@pytest.fixture
def busy_company():
    """A company with 12 channels over four departments, hours, menus, notes and reports."""
    company = make_company(
        name="Tailspin Telecom", slug="tailspin", category=make_category(name="Telecoms"),
        countries=["US", "GB"],
    )  # fmt: skip
    kinds = [
        ("phone", "general", "+12025550171"), ("phone", "billing", "+12025550172"),
        ("phone", "tech_support", "+12025550173"), ("phone", "cancellations", "+12025550174"),
        ("phone", "general", "+442079460171"), ("email", "general", "help@tailspin.example"),
        ("email", "billing", "billing@tailspin.example"), ("chat", "tech_support", "https://tailspin.example/chat"),
        ("web_form", "general", "https://tailspin.example/contact"), ("social", "general", "@tailspinhelp"),
        ("postal", "general", "1 Example Road\nSpringfield"), ("email", "cancellations", "leave@tailspin.example"),
    ]  # fmt: skip
    channels = []
    for rank, (kind, department, value) in enumerate(kinds, start=1):
        extra = {}
        if kind == "phone":
            extra = {"hours": WEEKDAYS, "ivr_steps": [{"action": "press", "value": "2"}, {"action": "press", "value": "0"}],
                     "typical_wait_minutes": 12, "notes": "Say \u201cagent\u201d twice to skip the recording."}  # fmt: skip
        if value.startswith("+44"):
            extra["country"] = "GB"
        channels.append(
            make_channel(company, kind=kind, department=department, value=value, human_rank=rank, **extra)
        )
    for n in range(6):
        make_report(channels[0], worked=n != 0, minutes_waited=10 + n)
    return company


def page_heights(page):
    return page.evaluate("document.documentElement.scrollHeight") / page.viewport_size["height"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_twelve_channels_fit_in_three_screens_with_both_top_boxes_on_the_first(
    live_server, chromium, busy_company, viewport, screenshot
):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/companies/tailspin/")
    expect(page.locator(".channel")).to_have_count(12)
    for box in (".best:not(.cancel-box)", ".cancel-box"):
        expect(page.locator(box).locator("h2")).to_be_in_viewport()
    heights = page_heights(page)
    screenshot(page, f"company-twelve-channels-{'phone' if viewport is PHONE else 'desktop'}")
    assert heights <= 3, f"the page is {heights:.1f} screen heights long"
    context.close()


def test_a_wrong_wait_is_answered_in_place_and_keeps_what_was_typed(
    live_server, phone_page, busy_company, screenshot
):
    phone_page.goto(f"{live_server.url}/companies/tailspin/")
    card = phone_page.locator(".channel").nth(1)
    card.get_by_role("button", name="Yes, I got through").focus()
    phone_page.keyboard.press("Enter")  # with the keyboard: the focus must not fall to the page's top
    expect(card.get_by_role("status")).to_have_text("Thank you! Your report helps keep this page right.")
    expect(card.get_by_label("How many minutes did you wait?")).to_be_focused()
    expect(card.get_by_label("If it didn't work, what went wrong?")).to_be_hidden()  # it worked
    card.get_by_label("How many minutes did you wait?").fill("5000")
    card.get_by_role("button", name="Add to my answer").click()
    # The browser stops it and says why, next to the field; the server would say it too.
    minutes = card.get_by_label("How many minutes did you wait?")
    assert "1440" in minutes.evaluate("field => field.validationMessage")
    expect(minutes).to_have_value("5000")
    expect(card.get_by_role("status")).to_have_text("Thank you! Your report helps keep this page right.")
    screenshot(phone_page, "company-vote-error-phone", full_page=False)
    card.get_by_label("How many minutes did you wait?").fill("50")
    card.get_by_role("button", name="Add to my answer").click()
    expect(card.get_by_role("status")).to_have_text("Thank you! We added that to your answer.")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_chooses_their_country_and_its_channels_come_first(
    live_server, chromium, busy_company, screenshot, viewport
):
    context = chromium.new_context(viewport=viewport, locale="en-US")
    width = "phone" if viewport is PHONE else "desktop"
    page = context.new_page()
    page.goto(f"{live_server.url}/companies/tailspin/")  # the browser's language says the US
    # No channel is for the US in particular: the page says so, and lists the others.
    expect(page.get_by_text("No channel just for United States")).to_be_visible()
    expect(page.locator(".best-value").first).to_have_text("(202) 555-0171")
    page.get_by_role("link", name="change country").click()
    page.get_by_label("Your country").select_option(label="United Kingdom")
    screenshot(page, f"country-choice-{width}", full_page=False)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/companies/tailspin/")
    expect(page.get_by_text("Channels for United Kingdom first")).to_be_visible()
    expect(page.locator(".best-value").first).to_have_text("020 7946 0171")
    general = page.locator(".channel-list").first.locator(".channel-value")
    expect(general.first).to_have_text("020 7946 0171")
    screenshot(page, f"country-united-kingdom-first-{width}")
    page.goto(f"{live_server.url}/categories/{busy_company.category.slug}/?country=GB")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the country list fits
    context.close()


def test_the_badge_embeds_in_another_site(live_server, page, busy_company, screenshot):
    page.set_content(
        f'<p>Reach Tailspin: <img alt="Tailspin contact" src="{live_server.url}/companies/tailspin/badge.svg"></p>'
    )
    badge = page.get_by_role("img", name="Tailspin contact")
    badge.wait_for()
    page.wait_for_function("document.images[0].complete")
    assert page.evaluate("document.images[0].naturalWidth") > 200
    screenshot(page, "company-badge-embedded-desktop", full_page=False)


def test_opening_times_are_read_in_the_visitors_own_time(live_server, chromium, busy_company):
    from directory.models import ContactChannel

    ContactChannel.objects.filter(company=busy_company).update(
        hours=[{"day": d, "opens": "08:00", "closes": "08:01"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        time_zone="America/New_York",
    )  # fmt: skip
    for zone, expected in (
        ("America/New_York", r"Opens \w{3} 08:00 E[SD]T"),
        ("Europe/Berlin", r"Opens \w{3} 14:00 your time"),
    ):
        context = chromium.new_context(viewport=PHONE, timezone_id=zone)
        page = context.new_page()
        page.goto(f"{live_server.url}/companies/tailspin/")
        expect(page.locator(".best time.opens-at")).to_have_text(re.compile(expected))
        context.close()
