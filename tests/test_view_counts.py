import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from directory import tasks, view_counts
from tests.factories import make_channel, make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    company = make_company(slug="acme", name="Acme Energy")
    make_channel(company, value="+12025550143")
    return company


def visit(slug="acme"):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(f"/companies/{slug}/")
    assert response.status_code == 200
    return len(queries)


def test_with_redis_a_cached_visit_makes_no_query_and_views_arrive_with_the_job(redis_settings, acme):
    visit()  # renders and fills the cache
    assert visit() == 0
    acme.refresh_from_db()
    assert acme.view_count == 0  # counted in Redis so far
    make_company(slug="never-visited")
    assert tasks.add_counted_page_views() == 1
    acme.refresh_from_db()
    assert acme.view_count == 2
    assert tasks.add_counted_page_views() == 0  # nothing new: nothing added twice
    acme.refresh_from_db()
    assert acme.view_count == 2


def test_views_arriving_during_a_run_wait_for_the_next(redis_settings, acme):
    other = make_company(slug="other")
    view_counts.record("acme")
    redis_client = view_counts.client()
    redis_client.rename(view_counts.PENDING_KEY, view_counts.FLUSHING_KEY)  # a run that died mid-way
    view_counts.record("other")
    view_counts.flush()  # applies what the dead run left, leaves the newer views pending
    acme.refresh_from_db(), other.refresh_from_db()
    assert (acme.view_count, other.view_count) == (1, 0)
    view_counts.flush()
    other.refresh_from_db()
    assert other.view_count == 1


def test_counts_for_many_companies_are_applied_in_batches(redis_settings):
    companies = [make_company() for _ in range(5)]
    for n, company in enumerate(companies, start=1):
        for _ in range(n):
            view_counts.record(company.slug)
    with CaptureQueriesContext(connection) as queries:
        assert view_counts.flush(batch_size=2) == 5
    assert sum("UPDATE" in q["sql"] for q in queries) == 3
    for n, company in enumerate(companies, start=1):
        company.refresh_from_db()
        assert company.view_count == n


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_with_redis_down_views_are_counted_in_the_database(acme):
    view_counts.record("acme")
    acme.refresh_from_db()
    assert acme.view_count == 1


def test_without_redis_each_view_is_one_update(acme):
    visit()
    visit()
    acme.refresh_from_db()
    assert acme.view_count == 2
