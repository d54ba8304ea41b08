import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from haystack import connections

from directory.models import Company
from search import queries
from search.tasks import apply_index_change
from search.whoosh_backend import LockError
from tests.factories import make_category, make_channel, make_company, make_guide

pytestmark = pytest.mark.django_db


def rebuild():
    call_command("rebuild_index", interactive=False, verbosity=0)


def names(outcome):
    by_pk = Company.objects.in_bulk(outcome.pks)
    return [by_pk[pk].name for pk in outcome.pks]


@pytest.fixture
def directory():
    telecoms = make_category(name="Telecoms", slug="telecoms")
    streaming = make_category(name="Streaming", slug="streaming")
    northwind = make_company(
        name="Northwind Wireless",
        slug="northwind-wireless",
        category=telecoms,
        aliases=["Nortwind", "North Wind"],
    )
    make_channel(northwind, value="+12025550143", human_rank=1, ivr_steps=[{"action": "press", "value": "0"}])
    make_channel(northwind, value="+12025550144", department="cancellations", human_rank=2)
    streamly = make_company(name="Streamly", slug="streamly", category=streaming, aliases=["Streamly Plus"])
    make_channel(streamly, kind="chat", value="https://www.streamly.example/chat", department="tech_support")
    make_guide(streamly, kind="cancel", title="How to cancel Streamly", slug="cancel")
    make_company(name="Stream", slug="stream", category=streaming)
    make_company(name="Acme Television", slug="acme", category=streaming, aliases=["Stream TV"])
    make_company(name="Streamline Bank", slug="streamline-bank", category=telecoms)
    make_company(name="Contoso Broadband", slug="contoso", category=telecoms)
    rebuild()
    return {"northwind": northwind, "streamly": streamly}


def test_exact_name_comes_first_then_alias_then_prefix(directory):
    ranked = names(queries.search_companies("stream"))
    assert ranked[:2] == ["Stream", "Acme Television"]
    assert sorted(ranked[2:]) == ["Streamline Bank", "Streamly"]


def test_an_alias_matched_exactly_ranks_first():
    make_company(name="Fabrikam Mobile", slug="fabrikam", aliases=["FabMo"])
    make_company(name="FabMo Outlet Store", slug="fabmo-outlet")
    rebuild()
    assert names(queries.search_companies("fabmo"))[0] == "Fabrikam Mobile"


@pytest.mark.parametrize(
    "query", ["nrthwind", "north wind", "NorthWind Wireless", "Nortwind", "northwind wirless"]
)
def test_typos_and_variants_find_the_company_first(directory, query):
    assert names(queries.search_companies(query))[0] == "Northwind Wireless"


def test_no_good_match_offers_did_you_mean_from_company_names(directory, client):
    html = client.get("/search/", {"q": "nrthwind"}).content.decode()
    assert 'Did you mean <a href="/search/?q=Northwind%20Wireless">Northwind Wireless</a>?' in html


def test_nothing_found_says_so_and_offers_to_suggest_a_company(directory, client):
    html = client.get("/search/", {"q": "Quxbarz Widgets"}).content.decode()
    assert "No company matches “Quxbarz Widgets”" in html
    assert 'href="/suggest-company/?name=Quxbarz%20Widgets"' in html


def test_results_show_category_best_channel_and_highlighted_name(directory, client):
    html = client.get("/search/", {"q": "northwind"}).content.decode()
    assert "<mark>Northwind</mark> Wireless" in html
    assert "Telecoms" in html
    assert 'href="tel:+12025550143,,0"' in html


def test_highlighting_escapes_html_in_names(client):
    make_company(name="<b>Bold</b> Telecom", slug="bold")
    rebuild()
    html = client.get("/search/", {"q": "bold telecom"}).content.decode()
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt; <mark>Telecom</mark>" in html


def test_cancel_query_offers_the_cancel_guide_first(directory, client):
    html = client.get("/search/", {"q": "cancel Streamly"}).content.decode()
    answer = html.index('class="task-answer"')
    assert answer < html.index('class="card-grid results"')
    assert 'href="/companies/streamly/guides/cancel/"' in html[answer:]


def test_human_query_offers_the_best_channel_and_cancel_offers_the_cancellations_line(directory, client):
    human = client.get("/search/", {"q": "talk to a person at Northwind"}).content.decode()
    assert "Northwind Wireless: what you asked for" in human
    assert "(202) 555-0143" in human[human.index("task-answer") : human.index("card-grid results")]
    cancel = client.get("/search/", {"q": "how to cancel northwind"}).content.decode()
    assert "Cancellations · Phone" in cancel and "(202) 555-0144" in cancel


def test_category_filter_narrows_results(directory, client):
    outcome = queries.search_companies("stream", category="telecoms")
    assert names(outcome) == ["Streamline Bank"]
    html = client.get("/search/", {"q": "stream", "category": "telecoms"}).content.decode()
    assert 'href="/companies/streamline-bank/"' in html and 'href="/companies/streamly/"' not in html


def test_results_are_paginated():
    category = make_category()
    for n in range(25):
        make_company(name=f"Harbor Bank {n:02d}", slug=f"harbor-{n}", category=category)
    rebuild()
    first = Client().get("/search/", {"q": "harbor"}).content.decode()
    assert "25 companies found" in first and "Page 1 of 2" in first
    second = Client().get("/search/", {"q": "harbor", "page": 2}).content.decode()
    assert second.count('class="card company-card"') == 5


def test_suggest_returns_name_url_and_best_channel_from_the_second_character(
    directory, client, django_assert_num_queries
):
    assert json.loads(client.get("/search/suggest/", {"q": "n"}).content)["suggestions"] == []
    with django_assert_num_queries(0):
        data = json.loads(client.get("/search/suggest/", {"q": "no"}).content)
    first = data["suggestions"][0]
    assert first["name"] == "Northwind Wireless"
    assert first["url"] == "/companies/northwind-wireless/"
    assert first["best"] == {"kind": "Phone", "value": "(202) 555-0143", "href": "tel:+12025550143,,0"}


def test_suggest_offers_near_spellings_when_nothing_starts_with_the_text(directory):
    assert [s["name"] for s in queries.suggest("nrthwind")] == ["Northwind Wireless"]


@pytest.mark.parametrize(
    "query",
    ['"', "*", ":", "AND", "(", "NOT OR AND", "northwind)", "ñandú", "名前", "x" * 2000, "a", "   ", "\x00"],
)
def test_odd_queries_never_fail(directory, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No company matches" in html or "Type a company name" in html or "found" in html
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


def test_symbols_only_query_gets_a_clear_message(directory, client):
    html = client.get("/search/", {"q": "*:("}).content.decode()
    assert "Type a company name using letters or numbers." in html


def test_saving_and_deleting_update_the_index_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        company = make_company(name="Zephyr Rail", slug="zephyr")
    assert names(queries.search_companies("zephyr")) == ["Zephyr Rail"]
    with django_capture_on_commit_callbacks(execute=True):
        make_channel(company, value="+12025550177")
    assert queries.suggest("zeph")[0]["best"]["value"] == "(202) 555-0177"
    with django_capture_on_commit_callbacks(execute=True):
        company.name = "Zephyr Railways"
        company.save()
    assert queries.suggest("zeph")[0]["name"] == "Zephyr Railways"
    with django_capture_on_commit_callbacks(execute=True):
        company.delete()
    assert queries.search_companies("zephyr").pks == []


def test_nothing_is_queued_for_a_rolled_back_change(django_capture_on_commit_callbacks):
    from django.db import transaction

    from search.models import IndexChange
    from search.receivers import schedule_drain

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            make_company(name="Ghost Co")
            transaction.set_rollback(True)
    assert not IndexChange.objects.exists() and callbacks == []  # rolled back with the change
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_company(name="Kept Co")
    assert IndexChange.objects.count() == 1  # written with the change, in its transaction
    assert callbacks.count(schedule_drain) == 1  # the drain is asked for at commit only


def test_searches_reuse_the_searcher_until_the_index_changes(directory):
    backend = connections["default"].get_backend()
    queries.search_companies("northwind")
    first = backend.index._local.searcher
    queries.search_companies("streamly")
    assert backend.index._local.searcher is first
    apply_index_change("directory.company", directory["northwind"].pk, "update")
    queries.search_companies("northwind")
    assert backend.index._local.searcher is not first


def test_a_delete_blocked_by_the_writer_lock_raises_so_it_is_retried(directory, monkeypatch):
    from search import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "WRITE_LOCK_TIMEOUT", 0.05)
    backend = connections["default"].get_backend()
    holder = backend.index._index.writer()
    try:
        with pytest.raises(LockError):
            backend.remove(f"directory.company.{directory['northwind'].pk}")
    finally:
        holder.cancel()
    assert LockError in apply_index_change.autoretry_for
    from gethelp.celery import app

    assert app.amqp.router.route({}, apply_index_change.name)["queue"].name == "search"


def test_update_index_reports_what_it_indexes(directory):
    out = io.StringIO()
    call_command("update_index", stdout=out)
    assert "Indexing 6 companies" in out.getvalue()
    assert "guide" not in out.getvalue()  # guides live in their company's document


def test_a_page_of_results_never_counts_every_match(directory, monkeypatch):
    """Counting all matches walks a common word's whole posting list; only the best hits are read."""
    from whoosh.searching import Results

    def count_everything(results):
        raise AssertionError("counted every matching document")

    monkeypatch.setattr(Results, "__len__", count_everything)
    outcome = queries.search_companies("northwind")
    assert outcome.pks[0] == directory["northwind"].pk
    assert len(queries.company_documents()[:1]) == 1


def test_the_results_page_runs_the_same_queries_for_two_or_twenty_companies():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def results_page_queries(word, count):
        for n in range(count):
            company = make_company(name=f"{word} Holdings {n:02d}", slug=f"{word.lower()}-{n}")
            make_channel(company, value=f"+1202555{100 + n:04d}")
            make_guide(company, kind="cancel", title=f"How to cancel {word} {n}", slug="cancel")
        rebuild()
        with CaptureQueriesContext(connection) as captured:
            html = Client().get("/search/", {"q": f"cancel {word}"}).content.decode()
        assert html.count('class="card company-card"') == count
        return len(captured)

    assert results_page_queries("Tarragon", 2) == results_page_queries("Verbena", 20)


@pytest.mark.parametrize(
    "query, first",
    [
        ("contact streamly", "Streamly"),
        ("customer service northwind", "Northwind Wireless"),
        ("northwind wireless customer service number", "Northwind Wireless"),
        ("streamly support email", "Streamly"),
        ("speak to someone at northwind", "Northwind Wireless"),
        ("contoso phone number", "Contoso Broadband"),
    ],
)
def test_everyday_phrasing_around_a_name_finds_the_company_first(directory, query, first):
    assert names(queries.search_companies(query))[0] == first


def test_a_company_named_with_contact_words_is_still_found_by_its_whole_name():
    make_company(name="Help Line", slug="help-line")
    make_company(name="Linear Help Desk", slug="linear")
    rebuild()
    assert names(queries.search_companies("help line"))[0] == "Help Line"


def test_suggestions_see_past_the_task_words(directory):
    assert "Streamly" in [s["name"] for s in queries.suggest("cancel stream")]
    assert "Northwind Wireless" in [s["name"] for s in queries.suggest("northwind customer service")]
