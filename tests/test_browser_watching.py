"""A reader watches a company, an editor's correction is published, the daily e-mail tells the reader."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import make_channel, make_company, make_user
from tests.test_browser_editing import sign_in
from watching.digest import send_digests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_watches_a_company_and_the_email_brings_the_published_change(
    live_server, phone_page, page, screenshot
):
    company = make_company(name="Acme Energy", slug="acme")
    make_channel(company, value="+12025550143", department="billing")
    make_user("reader")
    make_user("tess", trusted=True)

    sign_in(phone_page, live_server.url, "reader")
    phone_page.goto(f"{live_server.url}/companies/acme/")
    phone_page.get_by_role("button", name="Watch for changes").click()
    expect(phone_page.get_by_text("You watch Acme Energy")).to_be_visible()
    expect(phone_page.get_by_role("button", name="Stop watching")).to_be_visible()
    phone_page.goto(f"{live_server.url}/accounts/people/reader/")
    expect(phone_page.get_by_role("link", name="Acme Energy")).to_be_visible()
    screenshot(phone_page, "watching-profile-phone")

    sign_in(page, live_server.url, "tess")  # an editor corrects the menu; it is published at once
    page.goto(f"{live_server.url}/companies/acme/")
    page.locator(".channel-more summary").first.click()
    page.get_by_role("link", name="Suggest a correction").first.click()
    page.get_by_label("Menu steps").fill("press 3")
    page.get_by_label("How do you know?").fill("Called them today")
    page.get_by_role("button", name="Send correction").click()
    page.wait_for_url(f"{live_server.url}/companies/acme/**")
    expect(page.locator(".best-steps")).to_have_text(
        "Press 3"
    )  # a trusted editor's correction applies at once

    assert send_digests() == 1  # what the daily job runs
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "Billing phone: menu set to Press 3" in message.body
    stop = re.search(r"Stop e-mails about Acme Energy: (\S+)", message.body).group(1)
    phone_page.context.clear_cookies()  # the link works without signing in
    phone_page.goto(stop.replace("http://127.0.0.1:8000", live_server.url))
    screenshot(phone_page, "watching-stop-phone")
    phone_page.get_by_role("button", name="Stop e-mails").click()
    expect(phone_page.get_by_text("Done: you will get no more e-mails about Acme Energy.")).to_be_visible()
