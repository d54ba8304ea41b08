"""The visitor's country: chosen once or read from the browser, its channels first, category filters."""

import pytest
from django.test import Client, RequestFactory

from core.countries import visitor_country
from tests.factories import make_category, make_channel, make_company

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cookie, language, expected",
    [(None, "en-GB,en;q=0.9", "GB"), (None, "de", ""), (None, "zh-Hant-TW", "TW"), (None, "fr-CA;q=0.8", "CA"),
     ("US", "en-GB", "US"), ("any", "en-GB", ""), ("zz", "en-GB", ""), ("<b>", "", ""), (None, "en-\x00GB", ""),
     (None, "x" * 5000, ""), (None, "en-GB;q=abc", ""), (None, "", ""), ("²B", "", "")],
)  # fmt: skip
def test_the_country_is_the_visitors_choice_else_their_browsers_language(cookie, language, expected):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=language)
    if cookie is not None:
        request.COOKIES["gh_country"] = cookie
    assert visitor_country(request) == expected


@pytest.fixture
def tailspin():
    company = make_company(name="Tailspin", slug="tailspin", countries=["US", "GB"])
    us = make_channel(company, value="+12025550171", human_rank=1)
    gb = make_channel(company, value="+442079460171", human_rank=2, country="GB")
    ca = make_channel(company, value="+16135550171", human_rank=3, country="CA")
    return company, us, gb, ca


def order_on_page(client, channels, **headers):
    html = client.get("/companies/tailspin/", headers=headers).content.decode()
    listed = html[html.index("All contact channels") :]
    return html, sorted(channels, key=lambda c: listed.index(f'id="channel-{c.pk}"'))


def test_the_visitors_country_comes_first_then_everywhere_then_other_countries(client, tailspin):
    company, us, gb, ca = tailspin
    html, order = order_on_page(client, [us, gb, ca], accept_language="en-GB")
    assert order == [gb, us, ca]
    assert "Channels for United Kingdom first" in html
    best = html[html.index('class="best-button"') :][:400]
    assert "tel:+442079460171" in best and "United Kingdom" in best
    html, order = order_on_page(client, [us, gb, ca], accept_language="en")
    assert order == [us, gb, ca] and "Choose your country" in html


def test_a_company_with_no_channel_for_the_visitors_country_says_so(client, tailspin):
    html, order = order_on_page(client, tailspin[1:], accept_language="fr-FR")
    assert "Tailspin lists no contact channel for France; these are for other countries." in html
    html, _ = order_on_page(client, tailspin[1:], accept_language="en-CA")
    assert "no contact channel for Canada" not in html and "Channels for Canada first" in html
    html, _ = order_on_page(client, tailspin[1:], accept_language="en-US")  # served, but by no US channel
    assert "No channel just for United States; these are not tied to a country" in html


def test_each_country_gets_its_own_cached_page(redis_settings, tailspin):
    from unittest import mock

    from gethelp import views

    company, us, gb, ca = tailspin
    with mock.patch.object(views, "render_company_page", wraps=views.render_company_page) as renders:
        for _ in range(2):
            assert order_on_page(Client(), [us, gb, ca], accept_language="en-GB")[1] == [gb, us, ca]
            assert order_on_page(Client(), [us, gb, ca], accept_language="en-US")[1] == [us, gb, ca]
    assert renders.call_count == 2


def test_choosing_a_country_keeps_it_and_goes_back(client, tailspin):
    page = client.get("/country/?next=/companies/tailspin/")
    assert page.status_code == 200 and 'name="next" value="/companies/tailspin/"' in page.content.decode()
    response = client.post("/country/", {"country": "CA", "next": "/companies/tailspin/"})
    assert response.status_code == 302 and response.url == "/companies/tailspin/"
    assert (
        response.cookies["gh_country"].value == "CA" and response.cookies["gh_country"]["samesite"] == "Lax"
    )
    assert order_on_page(client, tailspin[1:], accept_language="en-GB")[1][0] == tailspin[3]
    client.post("/country/", {"country": "any"})
    assert order_on_page(client, tailspin[1:], accept_language="en-GB")[1][0] == tailspin[1]


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\x00"]
)
def test_choosing_a_country_never_sends_the_visitor_elsewhere(client, next_url):
    response = client.post("/country/", {"country": "GB", "next": next_url})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.parametrize("value", ["ZZ", "²B", "G\x00B", "<script>alert(1)</script>", "G" * 100_000, ""])
def test_a_country_that_is_not_on_the_list_is_refused_with_a_message(client, value):
    response = client.post("/country/", {"country": value, "next": "/companies/x/"})
    html = response.content.decode()
    assert response.status_code == 400 and "Choose a country from the list." in html
    assert "<script>alert" not in html and "gh_country" not in response.cookies


def test_choosing_a_country_needs_the_csrf_token():
    assert Client(enforce_csrf_checks=True).post("/country/", {"country": "GB"}).status_code == 403


def test_category_pages_filter_by_country_in_constant_queries(client, django_assert_num_queries):
    telecoms = make_category(name="Telecoms", slug="telecoms")
    says_gb = make_company(name="Says GB", countries=["GB"], category=telecoms)
    line_gb = make_company(name="Line in GB", countries=["US"], category=telecoms)
    make_channel(line_gb, value="+442079460172", country="GB")
    make_company(name="Only US", countries=["US"], category=telecoms)
    html = client.get("/categories/telecoms/?country=GB").content.decode()
    assert says_gb.name in html and line_gb.name in html and "Only US" not in html
    assert "2 companies serving United Kingdom" in html
    assert "Only US" in client.get("/categories/telecoms/?country=%00%3Cb%3E").content.decode()  # ignored
    for n in range(5):
        make_channel(
            make_company(countries=["GB"], category=telecoms), value=f"+4420794601{80 + n}", country="GB"
        )
    with django_assert_num_queries(4):  # category, count, companies, their channels
        assert client.get("/categories/telecoms/?country=GB").status_code == 200
