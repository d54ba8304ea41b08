import json

import pytest
from django.test import override_settings

from tests.factories import make_category, make_channel, make_company

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_categories_and_most_viewed_companies(client):
    telecoms = make_category(name="Telecoms", slug="telecoms")
    popular = make_company(name="Popular Co", category=telecoms, view_count=50)
    make_channel(popular, value="+12025550150")
    make_company(name="Quiet Co", category=telecoms, view_count=1)
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html
    assert 'href="/categories/telecoms/"' in html
    assert html.index("Popular Co") < html.index("Quiet Co")
    assert "(202) 555-0150" in html


def test_home_query_count_does_not_grow_with_companies(client, django_assert_num_queries):
    category = make_category()
    for _ in range(3):
        make_channel(make_company(category=category))
    with django_assert_num_queries(3):  # category counts, most viewed, their channels
        client.get("/")
    for _ in range(12):
        make_channel(make_company(category=category))
    with django_assert_num_queries(2):  # category counts now come from the cache
        client.get("/")


def test_a_to_z_index_groups_companies_by_letter(client):
    make_company(name="Alpha Co")
    make_company(name="beta co")
    make_company(name="4th Street")
    html = client.get("/companies/").content.decode()
    assert 'id="letter-A"' in html and 'id="letter-B"' in html and 'id="letter-#"' in html
    assert html.index("4th Street") < html.index("Alpha Co") < html.index("beta co")


@override_settings(COMPANIES_PER_PAGE=2)
def test_category_pages_are_paginated_and_bad_page_numbers_fall_back(client):
    category = make_category(slug="energy", name="Energy")
    for name in ["A Power", "B Power", "C Power"]:
        make_company(name=name, category=category)
    first = client.get("/categories/energy/").content.decode()
    assert "A Power" in first and "C Power" not in first and 'rel="next"' in first
    second = client.get("/categories/energy/?page=2").content.decode()
    assert "C Power" in second
    assert client.get("/categories/energy/?page=abc").status_code == 200
    assert client.get("/categories/energy/?page=999").status_code == 200
    assert client.get("/categories/nope/").status_code == 404


def test_sitemap_lists_companies_and_categories(client):
    company = make_company(slug="northwind")
    body = client.get("/sitemap.xml").content.decode()
    assert "/companies/northwind/" in body
    assert f"/categories/{company.category.slug}/" in body


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_healthz_reports_database_cache_and_search(client):
    response = client.get("/healthz")
    data = json.loads(response.content)
    assert set(data) == {"status", "database", "cache", "search"}
    assert data["database"] == "ok" and data["cache"] == "ok"
    assert response.status_code == (200 if data["status"] == "ok" else 503)


def test_healthz_fails_when_the_search_index_is_unreadable(client, monkeypatch):
    from haystack import connections

    def unreadable(*args, **kwargs):
        raise OSError("index directory is gone")

    monkeypatch.setattr(connections["default"].get_backend(), "search", unreadable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["search"] == "error: OSError"


def test_posting_to_a_read_only_page_is_refused(client):
    assert client.post("/").status_code == 405


def test_every_model_has_an_admin_page_with_search(client):
    from django.apps import apps
    from django.contrib import admin

    from tests.factories import make_staff

    client.force_login(make_staff("root", is_superuser=True))
    for app in ("directory", "guides", "freshness", "search", "accounts"):
        for model in apps.get_app_config(app).get_models():
            model_admin = admin.site._registry.get(model)
            assert model_admin is not None, model
            assert model_admin.search_fields, model
            url = f"/admin/{app}/{model._meta.model_name}/?q=x"
            assert client.get(url).status_code == 200, url
