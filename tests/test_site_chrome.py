"""The site's frame: favicon, styled error pages that help, guides in the sitemap, sign-up that
keeps where you were going, and a sweep that says how far it got."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_channel, make_company, make_published_guide, make_user

pytestmark = pytest.mark.django_db


def test_the_favicon_is_found_where_browsers_look_for_it():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    assert 'rel="icon"' in Client().get("/").content.decode()


def test_a_missing_company_page_offers_the_closest_names(settings):
    from django.core.management import call_command as run

    settings.DEBUG = False
    make_company(name="Northwind Wireless", slug="northwind-wireless")
    run("rebuild_index", interactive=False, verbosity=0)
    response = Client().get("/companies/northwnd-wireless/")
    html = response.content.decode()
    assert response.status_code == 404 and "Did you mean" in html
    assert 'href="/companies/northwind-wireless/"' in html and 'name="q"' in html


def test_the_403_page_is_the_sites_own_and_says_what_to_do():
    client = Client()
    client.force_login(make_user("plain"))
    response = client.get("/edits/pending/")
    html = response.content.decode()
    assert response.status_code == 403 and "You can't do that here" in html and "site-header" in html


def test_published_guides_are_in_the_sitemap_and_pending_ones_are_not():
    published = make_published_guide(make_company(slug="acme"), slug="cancel")
    client = Client()
    client.force_login(make_user("newbie"))
    client.post(
        "/companies/acme/guides/new/",
        {"kind": "cancel", "title": "Secret draft", "body": "x", "difficulty": "hard"},
    )
    sitemap = Client().get("/sitemap.xml").content.decode()
    assert published.get_absolute_url() in sitemap and "secret-draft" not in sitemap


def test_signing_up_from_the_login_page_comes_back_to_where_you_were():
    login_page = Client().get("/accounts/login/?next=/companies/acme/guides/new/").content.decode()
    assert "/accounts/signup/?next=/companies/acme/guides/new/" in login_page
    data = {"username": "newbie", "email": "n@example.org", "password1": "a-long-password-123",
            "password2": "a-long-password-123", "next": "/companies/acme/guides/new/"}  # fmt: skip
    assert Client().post("/accounts/signup/", data)["Location"] == "/companies/acme/guides/new/"
    elsewhere = {**data, "username": "other", "email": "o@example.org", "next": "https://evil.example/"}
    assert Client().post("/accounts/signup/", elsewhere)["Location"] == "/accounts/people/other/"


def test_flag_stale_says_how_far_it_got():
    make_channel()
    err = io.StringIO()
    call_command("flag_stale", "--no-links", stdout=io.StringIO(), stderr=err)
    assert "aged: 0 flagged (" in err.getvalue() and "guides: 0 flagged (" in err.getvalue()


def test_company_and_guide_pages_carry_open_graph_tags_for_sharing():
    guide = make_published_guide(
        make_company(slug="acme", name="Acme Energy"), slug="cancel", title="Cancel Acme"
    )
    make_channel(guide.company, value="+12025550143")
    company_page = Client().get("/companies/acme/").content.decode()
    assert '<meta property="og:title" content="Contact Acme Energy">' in company_page
    assert 'og:description" content="Reach a human: phone (202) 555-0143' in company_page
    assert (
        '<meta property="og:title" content="Cancel Acme — Acme Energy">'
        in Client().get(guide.get_absolute_url()).content.decode()
    )
    assert 'rel="manifest"' in company_page


def test_the_404_page_still_answers_when_search_fails(settings):
    from unittest import mock

    from search import queries

    settings.DEBUG = False
    with mock.patch.object(queries, "suggest", side_effect=OSError("index gone")):
        response = Client().get("/companies/nowhere/")
    assert response.status_code == 404 and "We couldn't find that page" in response.content.decode()
