from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from directory.models import ContactChannel
from freshness.models import ChannelReport, Flag
from tests.factories import make_category, make_channel, make_company, make_report, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def northwind():
    company = make_company(
        name="Northwind Wireless", slug="northwind-wireless", category=make_category(name="Telecoms")
    )
    channel = make_channel(
        company, value="+12025550143", human_rank=1, is_primary=True, time_zone="America/New_York",
        hours=[{"day": d, "opens": "00:00", "closes": "23:59"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
    )  # fmt: skip
    for n in range(8):
        report = make_report(channel, worked=n != 3, minutes_waited=4 + 3 * n)
        ChannelReport.objects.filter(pk=report.pk).update(
            created=timezone.now() - timedelta(days=n, hours=2 * n)
        )
    return company, channel


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_consumer_says_no_wrong_number(northwind, live_server, page, phone_page, screenshot, viewport):
    company, channel = northwind
    tab = phone_page if viewport == "phone" else page
    tab.goto(f"{live_server.url}/companies/northwind-wireless/")
    card = tab.locator(f"#channel-{channel.pk}")
    assert "88% got through" in card.inner_text()
    tab.get_by_text("Best time to call").click()
    assert tab.locator("svg.wait-chart").is_visible()
    card.scroll_into_view_if_needed()
    screenshot(tab, f"freshness-vote-{viewport}", full_page=False)
    card.get_by_role("button", name="No, it didn't work").click()
    # The answer appears where the visitor tapped, announced as a status; the page stays put.
    answer = card.get_by_role("status").filter(has_text="Thank you! Your report helps keep this page right.")
    answer.wait_for()
    expect(answer).to_be_in_viewport()
    expect(card.get_by_role("button", name="No, it didn't work")).to_have_attribute("aria-pressed", "true")
    assert tab.url.endswith("/companies/northwind-wireless/")
    # Then, in place, how long it took and what went wrong.
    card.get_by_label("If it didn't work, what went wrong?").select_option(label="Wrong number or address")
    card.get_by_label("How many minutes did you wait?").fill("3")
    screenshot(tab, f"freshness-vote-details-{viewport}", full_page=False)
    card.get_by_role("button", name="Add to my answer").click()
    card.get_by_role("status").filter(has_text="We added that to your answer.").wait_for()
    expect(card.get_by_label("How many minutes did you wait?")).to_be_hidden()
    saved = ChannelReport.objects.latest("id")
    assert (saved.worked, saved.reason, saved.minutes_waited) == (False, "wrong_number", 3)
    assert ChannelReport.objects.filter(channel=channel).count() == 9
    screenshot(tab, f"freshness-thanks-{viewport}")


def test_admin_works_the_queue_with_the_keyboard(live_server, page, screenshot):
    company = make_company(name="Contoso Broadband", view_count=50)
    aged = make_channel(company, last_verified_at=timezone.now() - timedelta(days=400))
    moved = make_channel(company, kind="web_form", value="https://www.contoso.example/old-form")
    spam = make_channel(company, kind="email", value="help@contoso.example")
    Flag.objects.create(channel=aged, reason="age")
    Flag.objects.create(channel=moved, reason="link", evidence={"status_code": 404, "error": "HTTP 404"})
    Flag.objects.create(channel=spam, reason="feedback", evidence={"failures": 11, "reports": 12})
    make_staff("admin")

    page.goto(f"{live_server.url}/review/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/review/")
    screenshot(page, "review-queue-desktop")

    with page.expect_navigation():
        page.keyboard.press("v")  # first row: still correct
    assert page.get_by_text("1 flag marked “Still correct”.").is_visible()
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("r")  # the second row: retire, which asks first
    assert page.get_by_role("heading", name="Retire 1 entry?").is_visible()
    screenshot(page, "review-retire-confirm-desktop")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Yes, retire" has the focus
    page.keyboard.press("d")  # dismiss needs a note: focus moves to it
    page.keyboard.type("Reports came from one forum thread")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("d")
    assert page.get_by_text("Nothing to review. Every entry is fresh.").is_visible()
    screenshot(page, "review-queue-empty-desktop")

    assert sorted(Flag.objects.values_list("status", flat=True)) == ["dismissed", "retired", "verified"]
    assert ContactChannel.objects.filter(status="retired").count() == 1
    assert Flag.objects.get(status="dismissed").note == "Reports came from one forum thread"


def test_without_javascript_the_vote_still_works(northwind, live_server, chromium):
    company, channel = northwind
    context = chromium.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/companies/northwind-wireless/")
    card = tab.locator(f"#channel-{channel.pk}")
    card.get_by_role("button", name="Yes, I got through").click()
    # The page comes back at the channel, with the answer and the follow-up question there.
    assert tab.url.endswith(f"/companies/northwind-wireless/#channel-{channel.pk}")
    expect(card.get_by_role("status")).to_have_text("Thank you! Your report helps keep this page right.")
    expect(card).to_be_in_viewport()
    assert ChannelReport.objects.filter(channel=channel).count() == 9
    card.get_by_label("How many minutes did you wait?").fill("7")
    card.get_by_role("button", name="Add to my answer").click()
    expect(card.get_by_role("status")).to_have_text("Thank you! We added that to your answer.")
    expect(card.get_by_label("How many minutes did you wait?")).to_be_hidden()
    saved = ChannelReport.objects.latest("id")
    assert (saved.worked, saved.minutes_waited, ChannelReport.objects.filter(channel=channel).count()) == (
        True,
        7,
        9,
    )
    context.close()


def test_a_number_that_dies_is_flagged_and_readers_are_sent_to_the_next_way(
    northwind, live_server, phone_page, screenshot
):
    from freshness import sweeps

    company, channel = northwind
    chat = make_channel(company, kind="chat", value="https://northwind.example/chat", human_rank=2)
    ChannelReport.objects.filter(channel=channel).update(created=F("created") - timedelta(days=2))
    for n in range(7):  # since then, people on seven networks could not get through
        report = make_report(channel, worked=False, reason="wrong_number", network=f"net-{n}")
        ChannelReport.objects.filter(pk=report.pk).update(
            created=timezone.now() - timedelta(hours=40 - 5 * n)
        )
    tab = phone_page
    tab.goto(f"{live_server.url}/companies/northwind-wireless/")
    card = tab.locator(f"#channel-{channel.pk}")
    card.get_by_role("button", name="No, it didn't work").click()
    card.get_by_role("status").filter(has_text="Thank you!").wait_for()
    card.get_by_label("If it didn't work, what went wrong?").select_option(label="Wrong number or address")
    card.get_by_role("button", name="Add to my answer").click()
    card.get_by_role("status").filter(has_text="We added that").wait_for()
    assert sweeps.flag_failing_channels() == 1  # what the beat task runs every few minutes
    tab.reload()
    best = tab.locator("section.best").first
    expect(best).to_contain_text("northwind.example/chat")
    expect(best).to_contain_text("people cannot get through there right now")
    expect(tab.locator(f"#channel-{channel.pk}")).to_contain_text("The last 8 people")
    expect(tab.locator(f"#channel-{channel.pk}")).to_contain_text("could not get through since")
    tab.evaluate("window.scrollTo(0, 0)")
    screenshot(tab, "freshness-dead-number-phone", full_page=False)
    best.get_by_role("link", name="what they report").click()
    expect(tab.locator(f"#channel-{channel.pk}")).to_be_in_viewport()
    screenshot(tab, "freshness-dead-number-channel-phone", full_page=False)
    assert chat.pk != channel.pk
