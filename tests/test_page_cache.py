import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from freshness import sweeps
from freshness.models import Flag
from tests.factories import make_channel, make_company, make_report, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(redis_settings):
    company = make_company(slug="acme", name="Acme Energy")
    make_channel(company, value="+12025550143")
    return company


@pytest.fixture
def search_index():
    """An index holding only this test's companies (the index outlives each test's transaction)."""
    from django.core.management import call_command

    call_command("rebuild_index", interactive=False, verbosity=0)


def get(client, url="/companies/acme/"):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return html, len(queries)


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_second_anonymous_visit_is_served_from_the_cache(company):
    first, first_queries = get(Client())
    second, second_queries = get(Client())
    assert second_queries == 0 and first_queries > 0
    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)


def test_each_visitor_gets_their_own_working_csrf_token(company):
    get(Client())  # fill the cache
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_token, bob_token = token(get(alice)[0]), token(get(bob)[0])
    assert "placeholder" not in alice_token and alice_token != bob_token
    channel = company.channels.get()
    response = alice.post(
        f"/channels/{channel.pk}/report/", {"worked": "yes", "csrfmiddlewaretoken": alice_token}
    )
    assert response.status_code == 302


def test_changes_to_channels_reports_and_flags_show_at_once(company):
    client = Client()
    get(client)
    channel = company.channels.get()
    channel.notes = "Ask for the retention team"
    channel.save()
    assert "Ask for the retention team" in get(client)[0]
    for _ in range(5):
        make_report(channel, worked=True)
    assert "100% of 5 people reached a human" in get(client)[0]
    Flag.objects.create(channel=channel, reason="feedback")
    assert "People report that this does not work. We are checking it." in get(client)[0]
    Flag.objects.filter(channel=channel).resolve("verified", None)
    assert "We are checking it" not in get(client)[0]


def test_set_wise_sweeps_drop_cached_pages(company):
    from datetime import timedelta

    from django.utils import timezone

    from directory.models import ContactChannel

    client = Client()
    get(client)
    ContactChannel.objects.update(last_verified_at=timezone.now() - timedelta(days=400))
    sweeps.flag_aged_channels()
    assert "This may be out of date" in get(client)[0]


def test_signed_in_people_never_get_a_cached_page(company):
    get(Client())
    staff = Client()
    staff.force_login(make_staff())
    html, queries = get(staff)
    assert "Review history" in html and queries > 2


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_the_site_keeps_serving_when_redis_is_down(company):
    response = Client().get("/companies/acme/")
    assert response.status_code == 200
    assert "Contact Acme Energy" in response.content.decode()
    company.refresh_from_db()
    assert company.view_count == 1  # counted in the database instead


def test_search_pages_are_cached_until_the_index_changes(
    redis_settings, search_index, django_capture_on_commit_callbacks
):
    from unittest import mock

    from search import queries

    with django_capture_on_commit_callbacks(execute=True):
        make_company(name="Zephyr Rail", slug="zephyr")
    with mock.patch.object(queries, "search_companies", wraps=queries.search_companies) as engine:
        first, _ = get(Client(), "/search/?q=zephyr")
        second, second_queries = get(Client(), "/search/?q=zephyr")
        assert 'href="/companies/zephyr/"' in second and first == second
        assert engine.call_count == 1 and second_queries == 0
        with django_capture_on_commit_callbacks(execute=True):  # the index write starts a new generation
            make_company(name="Zephyr Air", slug="zephyr-air")
        assert 'href="/companies/zephyr-air/"' in get(Client(), "/search/?q=zephyr")[0]
        assert engine.call_count == 2


def test_a_changed_channel_shows_in_cached_search_results(
    redis_settings, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        company = make_company(name="Zephyr Rail", slug="zephyr")
        channel = make_channel(company, value="+12025550143")
    assert "(202) 555-0143" in get(Client(), "/search/?q=zephyr")[0]
    with django_capture_on_commit_callbacks(execute=True):
        channel.value = "+12025550199"
        channel.save()
    html = get(Client(), "/search/?q=zephyr")[0]
    assert "(202) 555-0199" in html and "(202) 555-0143" not in html


def test_a_search_page_rendered_while_the_index_changed_is_not_served(redis_settings):
    from core import caching
    from search import generation

    key = generation.cache_key("page", "zephyr", "", "")  # read before rendering...
    generation.index_changed()  # ...while the index changes
    caching.cached_response(key, lambda: HttpResponse("<p>results from before the change</p>"))
    assert "results from before the change" not in get(Client(), "/search/?q=zephyr")[0]


def test_what_was_typed_is_shown_from_the_cache_as_typed(redis_settings):
    get(Client(), "/search/?q=Zephyr")
    assert 'value="ZEPHYR"' in get(Client(), "/search/?q=ZEPHYR")[0]


def test_signed_in_people_get_search_pages_rendered_for_them(redis_settings, client):
    get(Client(), "/search/?q=zephyr")
    client.force_login(make_staff())
    html, queries = get(client, "/search/?q=zephyr")
    assert "Log out" in html and queries > 0


def test_suggestions_are_cached_until_the_index_changes(
    redis_settings, search_index, django_capture_on_commit_callbacks
):
    from unittest import mock

    from search import queries

    with django_capture_on_commit_callbacks(execute=True):
        make_company(name="Zephyr Rail", slug="zephyr")
    with mock.patch.object(queries, "suggest", wraps=queries.suggest) as engine:
        assert Client().get("/search/suggest/?q=zeph").json()["suggestions"][0]["name"] == "Zephyr Rail"
        Client().get("/search/suggest/?q=Zeph")  # the same query once cleaned
        assert engine.call_count == 1
        with django_capture_on_commit_callbacks(execute=True):
            make_company(name="Zephyr Air", slug="zephyr-air")
        found = [s["name"] for s in Client().get("/search/suggest/?q=zeph").json()["suggestions"]]
        assert sorted(found) == ["Zephyr Air", "Zephyr Rail"] and engine.call_count == 2


def test_without_redis_search_is_not_cached(settings):
    from unittest import mock

    from search import queries

    settings.REDIS_URL = ""
    with mock.patch.object(queries, "search_companies", wraps=queries.search_companies) as engine:
        Client().get("/search/?q=zephyr")
        Client().get("/search/?q=zephyr")
    assert engine.call_count == 2


def test_search_keeps_working_when_redis_is_down(redis_down):
    make_company(name="Zephyr Rail", slug="zephyr")
    response = Client().get("/search/?q=zephyr")
    assert response.status_code == 200 and "Search" in response.content.decode()
    assert Client().get("/search/suggest/?q=zeph").status_code == 200


def test_a_renamed_slug_stops_serving_the_old_address(company):
    assert Client().get("/companies/acme/").status_code == 200
    company.slug = "acme-energy"
    company.save()
    assert Client().get("/companies/acme/").status_code == 404
    assert Client().get("/companies/acme-energy/").status_code == 200


def test_renaming_a_category_drops_cached_pages(company):
    client = Client()
    get(client)
    category = company.category
    category.name = "Renewable Energy"
    category.save()
    assert "Renewable Energy" in get(client)[0]


def test_a_page_rendered_while_the_company_changed_is_not_served(company):
    from gethelp import page_cache

    stamp, cached = page_cache.get_page("acme")  # a visit reads the stamp, then renders the old rows...
    assert cached is None
    channel = company.channels.get()
    channel.notes = "Ask for the retention team"
    channel.save()  # ...while an editor's change lands
    page_cache.set_page("acme", stamp, b"<p>the page from before the change</p>")
    assert "Ask for the retention team" in get(Client())[0]


def test_a_cached_visit_is_one_redis_round_trip(company):
    from unittest import mock

    from redis.client import Pipeline

    from core.redis_client import client

    get(Client())
    with (
        mock.patch.object(client(), "execute_command", wraps=client().execute_command) as single_commands,
        mock.patch.object(Pipeline, "execute", autospec=True, side_effect=Pipeline.execute) as pipelines,
    ):
        html, queries = get(Client())
    assert "Contact Acme Energy" in html and queries == 0
    assert pipelines.call_count == 1 and single_commands.call_count == 0


def test_every_visit_is_counted_once_and_a_missing_page_not_at_all(company):
    from directory import view_counts

    get(Client())  # rendered
    get(Client())  # from the cache
    assert Client().get("/companies/no-such-company/").status_code == 404
    assert view_counts.flush() == 1
    company.refresh_from_db()
    assert company.view_count == 2


def test_without_redis_pages_are_rendered_every_time(settings):
    settings.REDIS_URL = ""
    make_company(slug="plain", name="Plain Co")
    first, first_queries = get(Client(), "/companies/plain/")
    second, second_queries = get(Client(), "/companies/plain/")
    assert "Contact Plain Co" in second and second_queries == first_queries


def test_the_home_page_is_cached_until_a_company_changes(company):
    first, _ = get(Client(), "/")
    second, second_queries = get(Client(), "/")
    assert "Acme Energy" in second and second_queries == 0
    channel = company.channels.get()
    channel.value = "+12025550199"
    channel.save()
    html, queries = get(Client(), "/")
    assert "(202) 555-0199" in html and queries > 0


def test_new_view_counts_reorder_the_cached_home_page(company):
    from directory import tasks, view_counts

    other = make_company(slug="zenith", name="Zenith Water", view_count=5)
    make_channel(other, value="+12025550150")
    html, _ = get(Client(), "/")
    assert html.index("Zenith Water") < html.index("Acme Energy")
    for _ in range(10):
        view_counts.record("acme")
    assert tasks.add_counted_page_views() == 1
    html, _ = get(Client(), "/")
    assert html.index("Acme Energy") < html.index("Zenith Water")


def test_signed_in_people_get_the_home_page_rendered_for_them(company, client):
    get(Client(), "/")
    client.force_login(make_staff())
    html, queries = get(client, "/")
    assert "Log out" in html and queries > 0
