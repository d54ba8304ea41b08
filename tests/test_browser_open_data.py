"""A reader finds where an imported contact comes from, and what the dataset's licence is."""

from datetime import date

import pytest
from playwright.sync_api import expect

from directory.models import Company
from opendata.imports import run_import
from tests.test_open_data import NORTHWIND, dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_sees_where_an_imported_contact_comes_from(live_server, phone_page, screenshot, tmp_path):
    run_import("datenanfragen", dataset(tmp_path, [NORTHWIND]), retrieved=date(2026, 7, 21))
    company = Company.objects.get()
    tab = phone_page
    tab.goto(f"{live_server.url}{company.get_absolute_url()}")
    email = company.channels.get(kind="email")
    card = tab.locator(f"#channel-{email.pk}")
    card.locator(".channel-more summary").click()
    attribution = card.get_by_text("From the Datenanfragen.de database, CC0 1.0, checked 21 Jul 2026")
    expect(attribution).to_be_visible()
    screenshot(tab, "open-data-attribution-phone", full_page=False)
    card.get_by_role("link", name="about our data").click()
    expect(tab.get_by_role("heading", name="Where our data comes from")).to_be_visible()
    expect(tab.get_by_text("Licence: CC0 1.0.")).to_be_visible()
    expect(tab.get_by_text("Contains data from the Datenanfragen.de company database")).to_be_visible()
    screenshot(tab, "open-data-about-phone")
