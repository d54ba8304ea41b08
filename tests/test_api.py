"""The read API's contract: fields, filters, pagination, conditional requests, limits and errors."""

import base64
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import RateCounter
from directory.models import Company
from guides.models import ChannelCorrection, GuideRevision
from opendata.models import Provenance
from tests.factories import (
    make_category,
    make_channel,
    make_company,
    make_guide,
    make_published_guide,
    make_report,
    make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def api_settings(settings):
    settings.API_RATE_LIMIT = (1000, 60)
    settings.API_CHANGES_SETTLE_SECONDS = 0
    return settings


def get(path, client=None, **headers):
    return (client or Client()).get(path, headers=headers)


def body(response):
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def error_of(response):
    assert response.status_code == 400, response.content
    return body(response)["error"]


@pytest.fixture
def northwind():
    """A company with a phone line that has a menu, hours, reports and an imported fact, an
    e-mail address, a retired line, a published guide with a pending and a rejected edit
    waiting on it, and a guide that is not published."""
    telecoms = make_category(name="Telecoms", slug="telecoms")
    company = make_company(
        name="Northwind Wireless", slug="northwind-wireless", category=telecoms, aliases=["NW Mobile"],
        website="https://www.northwind.example/", countries=["US", "GB"],
    )  # fmt: skip
    phone = make_channel(
        company, value="+12025550143", human_rank=1, is_primary=True, typical_wait_minutes=12,
        ivr_steps=[{"action": "press", "value": "2"}, {"action": "say", "value": "agent"}],
        hours=[{"day": "mon", "opens": "08:00", "closes": "20:00"}], time_zone="America/New_York",
        source_url="https://www.northwind.example/contact",
    )  # fmt: skip
    make_channel(company, kind="email", value="help@northwind.example", human_rank=2)
    make_channel(company, value="+12025550150", human_rank=3, status="retired")
    for n in range(6):
        make_report(phone, worked=n < 5, weight=1, minutes_waited=20)
    Provenance.objects.create(
        source="datenanfragen", record_id="northwind", key="channel:phone", company=company, channel=phone,
        licence="CC0 1.0", retrieved=date(2026, 7, 21), imported_at=timezone.now(),
        source_urls=["https://example.org/northwind.json"],
    )  # fmt: skip
    editor = make_user("editor")
    guide = make_published_guide(company, slug="cancel", title="How to cancel", body="Call **billing**.")
    content = {field: getattr(guide, field) for field in guide.CONTENT_FIELDS}
    guide.save_revision(editor, {**content, "body": "PENDING TEXT"}, "pending edit")
    rejected = guide.save_revision(make_user("other"), {**content, "body": "REJECTED TEXT"}, "bad edit")
    rejected.reject(make_staff())
    make_guide(company, slug="draft", title="Draft guide", body="DRAFT TEXT", is_published=False)
    return company


# The company document -------------------------------------------------------------------


def test_company_detail_has_every_active_channel_with_menu_hours_wait_success_rate_and_freshness(northwind):
    data = body(get(f"{API}/companies/northwind-wireless"))
    assert data["name"] == "Northwind Wireless" and data["category"] == {
        "slug": "telecoms",
        "name": "Telecoms",
    }
    assert data["domain"] == "northwind.example" and data["countries"] == ["US", "GB"]
    assert [c["value"] for c in data["channels"]] == ["+12025550143", "help@northwind.example"]  # not retired
    phone = data["channels"][0]
    assert phone["display_value"] == "(202) 555-0143" and phone["href"] == "tel:+12025550143,,2"
    assert phone["menu_steps"] == ["Press 2", "Say “agent”"]
    assert phone["hours"] == [{"day": "mon", "opens": "08:00", "closes": "20:00"}]
    assert phone["time_zone"] == "America/New_York" and phone["official"] is True
    assert phone["wait"] == {
        "minutes": 20,
        "source": "reports",
        "text": "typical wait 20 min (reported by 6 people)",
    }
    assert phone["success_rate"]["percent"] == 83 and phone["success_rate"]["reports"] == 6
    assert phone["freshness"]["last_verified_at"] and phone["freshness"]["flagged"] is False
    assert data["best_channel"]["id"] == phone["id"]
    email = data["channels"][1]
    assert email["success_rate"]["percent"] is None and email["wait"] is None


def test_each_imported_fact_carries_its_dataset_and_licence(northwind):
    data = body(get(f"{API}/companies/northwind-wireless"))
    phone, email = data["channels"]
    assert phone["provenance"] == [
        {
            "source": "datenanfragen", "record_id": "northwind", "licence": "CC0 1.0",
            "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/", "retrieved": "2026-07-21",
            "source_urls": ["https://example.org/northwind.json"],
            "attribution": "From the Datenanfragen.de database, CC0 1.0, checked 21 Jul 2026", "still_listed": True,
        }
    ]  # fmt: skip
    assert email["provenance"] == []  # added by people: no dataset's licence
    assert (
        list(data["sources"]) == ["datenanfragen"]
        and "CC0 1.0" in data["sources"]["datenanfragen"]["attribution"]
    )


def test_only_published_guide_text_goes_out_never_pending_rejected_or_unpublished(northwind):
    response = get(f"{API}/companies/northwind-wireless")
    data = body(response)
    assert [g["slug"] for g in data["guides"]] == ["cancel"]
    guide = data["guides"][0]
    assert guide["body_markdown"] == "Call **billing**."
    assert guide["body_html"] == "<p>Call <strong>billing</strong>.</p>"
    assert guide["revision"] == 1
    for hidden in (b"PENDING TEXT", b"REJECTED TEXT", b"DRAFT TEXT", b"Draft guide"):
        assert hidden not in response.content
    assert GuideRevision.objects.filter(status="pending").exists()  # it waits; it is just not served


def test_guide_markup_is_rendered_safely(northwind):
    make_published_guide(
        northwind, slug="x", title="X", body="<script>alert(1)</script> [a](javascript:alert(1))"
    )
    guide = next(g for g in body(get(f"{API}/companies/northwind-wireless"))["guides"] if g["slug"] == "x")
    assert "<script>" not in guide["body_html"] and "javascript:" not in guide["body_html"]


def test_unknown_company_is_a_json_404(db):
    response = get(f"{API}/companies/nobody")
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"


def test_unknown_endpoint_and_other_methods_answer_json(db):
    assert body(get(f"{API}/nothing-here"))["error"]["code"] == "not_found"
    response = Client().post(f"{API}/companies")
    assert response.status_code == 405 and body(response)["error"]["code"] == "method_not_allowed"


def test_company_detail_takes_as_many_queries_for_nine_channels_as_for_two(django_assert_num_queries):
    def queries_for(channels, guides):
        company = make_company()
        for n in range(channels):
            channel = make_channel(company, human_rank=n + 1)
            make_report(channel, weight=1)
        for _ in range(guides):
            make_published_guide(company)
        with CaptureQueriesContext(connection) as context:
            assert get(f"{API}/companies/{company.slug}").status_code == 200
        return len(context)

    small = queries_for(2, 1)
    assert queries_for(9, 4) == small
    # The rate-limit counter, the company, channels, guides, reports, flags, provenance, and
    # what changed last.
    slug = Company.objects.first().slug
    with django_assert_num_queries(small):
        get(f"{API}/companies/{slug}")


# Lists and filters ------------------------------------------------------------------------


@pytest.fixture
def directory(northwind):
    streaming = make_category(name="Streaming", slug="streaming")
    streamly = make_company(name="Streamly", slug="streamly", category=streaming, countries=["DE"])
    make_channel(streamly, kind="chat", value="https://northwind.example/chat-for-streamly")
    make_company(
        name="Contoso Broadband", slug="contoso", category=northwind.category, aliases=["Contoso Fibre"]
    )
    call_command("rebuild_index", interactive=False, verbosity=0)
    return northwind


def slugs(response):
    return [c["slug"] for c in body(response)["results"]]


def test_company_list_gives_each_company_with_its_best_channel(directory):
    results = body(get(f"{API}/companies"))["results"]
    assert [c["slug"] for c in results] == ["northwind-wireless", "streamly", "contoso"]
    first = results[0]
    assert first["best_channel"]["value"] == "+12025550143"
    assert first["url"].endswith("/api/v1/companies/northwind-wireless")
    assert first["page_url"].endswith("/companies/northwind-wireless/")
    assert "channels" not in first and results[2]["best_channel"] is None


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=northwind", ["northwind-wireless"]),
        ("q=FIBRE", ["contoso"]),  # an other name, any case
        ("category=streaming", ["streamly"]),
        ("country=gb", ["northwind-wireless"]),
        ("country=DE", ["streamly"]),
        ("category=telecoms&q=contoso", ["contoso"]),
    ],
)
def test_company_list_filters(directory, query, expected):
    assert slugs(get(f"{API}/companies?{query}")) == expected


def test_domain_filter_finds_the_owner_and_companies_with_channels_there(directory):
    assert slugs(get(f"{API}/companies?domain=https://www.northwind.example/help")) == [
        "northwind-wireless",
        "streamly",
    ]
    assert slugs(get(f"{API}/companies?domain=unknown.example")) == []


def test_updated_since_counts_changes_to_channels_and_guides(directory):
    later = timezone.now() + timedelta(hours=1)
    Company.objects.update(modified=timezone.now() - timedelta(days=2))
    from directory.models import ContactChannel
    from guides.models import Guide

    ContactChannel.objects.update(modified=timezone.now() - timedelta(days=2))
    Guide.objects.update(modified=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert slugs(get(f"{API}/companies?updated_since={since}")) == []
    ContactChannel.objects.filter(company__slug="streamly").update(modified=later)
    Guide.objects.filter(slug="cancel").update(modified=later)
    assert slugs(get(f"{API}/companies?updated_since={since}")) == ["northwind-wireless", "streamly"]
    assert slugs(get(f"{API}/companies?updated_since=2000-01-01")) == [
        "northwind-wireless",
        "streamly",
        "contoso",
    ]


def test_lookup_by_domain_puts_the_owner_first(directory):
    data = body(get(f"{API}/lookup?domain=northwind.example"))
    assert data["domain"] == "northwind.example"
    assert [(c["slug"], c["owns_domain"]) for c in data["companies"]] == [
        ("northwind-wireless", True),
        ("streamly", False),
    ]
    assert data["companies"][0]["best_channel"]["value"] == "+12025550143"
    assert (
        body(get(f"{API}/lookup?domain=https://www.northwind.example/contact"))["host"] == "northwind.example"
    )
    assert body(get(f"{API}/lookup?domain=nobody.example"))["companies"] == []


def test_lookup_needs_a_domain(db):
    assert error_of(get(f"{API}/lookup"))["parameter"] == "domain"
    assert error_of(get(f"{API}/lookup?domain=localhost"))["parameter"] == "domain"


def test_categories_list_counts_companies(directory):
    results = body(get(f"{API}/categories"))["results"]
    assert [(c["slug"], c["company_count"]) for c in results] == [("telecoms", 2), ("streaming", 1)]
    assert results[0]["companies"].endswith("/api/v1/companies?category=telecoms")


def test_company_list_takes_as_many_queries_for_twenty_companies_as_for_two(db, django_assert_num_queries):
    def queries_for(count):
        Company.objects.all().delete()
        for _ in range(count):
            company = make_company(countries=["US"])
            make_channel(company)
            make_channel(company, kind="email")
        with CaptureQueriesContext(connection) as context:
            assert len(body(get(f"{API}/companies?page_size=50&country=US"))["results"]) == count
        return len(context)

    small = queries_for(2)
    assert queries_for(20) == small
    with django_assert_num_queries(small):  # the rate-limit counter, the page, its channels
        get(f"{API}/companies?page_size=50&country=US")


# Pagination -----------------------------------------------------------------------------


def walk(path):
    """Every result of a list, page after page, and the pages' count."""
    seen, pages = [], 0
    while path:
        data = body(get(path))
        seen += [c["slug"] for c in data["results"]]
        path, pages = data["next"] and data["next"].split("testserver", 1)[-1].split("8000", 1)[-1], pages + 1
    return seen, pages


def test_pages_follow_one_another_by_cursor_keeping_filters(db):
    category = make_category(slug="many")
    made = [make_company(category=category).slug for _ in range(7)]
    make_company()  # another category
    seen, pages = walk(f"{API}/companies?category=many&page_size=3")
    assert seen == made and pages == 3


def test_paging_never_skips_or_repeats_a_company_while_companies_are_added_and_removed(db):
    made = [make_company().slug for _ in range(6)]
    first = body(get(f"{API}/companies?page_size=2"))
    Company.objects.filter(slug=made[0]).delete()  # on a page already read
    make_company(slug="added-meanwhile")
    rest, _ = walk(first["next"].split("8000", 1)[-1])
    assert [c["slug"] for c in first["results"]] + rest == [*made, "added-meanwhile"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%00",
        "W10",  # [] in base64
        base64.urlsafe_b64encode(b'["categories",5]').decode().rstrip("="),  # another endpoint's
        base64.urlsafe_b64encode(b'["companies","1; DROP TABLE"]').decode().rstrip("="),
        base64.urlsafe_b64encode(b'["companies",99999999999999999999999]').decode().rstrip("="),
        "x" * 500,
    ],
)
def test_a_bad_cursor_is_a_400_naming_cursor(db, cursor):
    assert error_of(get(f"{API}/companies?cursor={cursor}"))["parameter"] == "cursor"


@pytest.mark.parametrize("size", ["0", "201", "99999999999999999999999999", "-1", "1.5", "²", "٣", "3 4"])
def test_page_size_out_of_bounds_is_a_400_naming_it(db, size):
    error = error_of(Client().get(f"{API}/companies", {"page_size": size}))
    assert error["parameter"] == "page_size" and error["code"] == "invalid_parameter"


# Bad input ------------------------------------------------------------------------------

ENDPOINT_PARAMETERS = [
    ("companies", "q"), ("companies", "category"), ("companies", "country"), ("companies", "domain"),
    ("companies", "updated_since"), ("companies", "page_size"), ("companies", "cursor"),
    ("lookup", "domain"), ("categories", "page_size"), ("categories", "cursor"),
    ("changes", "since"), ("changes", "page_size"), ("changes", "cursor"),
]  # fmt: skip
HOSTILE = ["²", "a\x00b", "x" * 10_000, "9" * 400, "<script>alert(1)</script>", "\x1b[31m", "", " "]


@pytest.mark.parametrize("endpoint, parameter", ENDPOINT_PARAMETERS)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_get_a_400_naming_the_parameter(northwind, endpoint, parameter, value):
    if parameter == "q" and value in ("²", "<script>alert(1)</script>"):
        return  # odd digits and markup are fine things to search for, as text (tested below)
    error = error_of(Client().get(f"{API}/{endpoint}", {parameter: value}))
    assert error["parameter"] == parameter and error["message"]


@pytest.mark.parametrize("endpoint, parameter", ENDPOINT_PARAMETERS)
def test_bytes_that_are_not_utf8_get_a_400_naming_the_parameter(northwind, endpoint, parameter):
    assert error_of(get(f"{API}/{endpoint}?{parameter}=%FF%FE"))["parameter"] == parameter


def test_markup_and_odd_digits_in_a_search_are_text(northwind):
    assert body(get(f"{API}/companies?q=%3Cscript%3E"))["results"] == []
    assert body(get(f"{API}/companies?q=%C2%B2"))["results"] == []


@pytest.mark.parametrize("endpoint", ["companies", "companies/northwind-wireless", "categories", "changes"])
def test_unknown_and_repeated_parameters_are_refused_by_name(northwind, endpoint):
    assert error_of(get(f"{API}/{endpoint}?format=api"))["parameter"] == "format"
    assert error_of(get(f"{API}/{endpoint}?%00=1"))["parameter"] == "\x00"
    if endpoint != "companies/northwind-wireless":
        assert error_of(get(f"{API}/{endpoint}?page_size=1&page_size=2"))["parameter"] == "page_size"


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-13-01", "2026-02-30T10:00:00Z", "2026-01-01T25:00", "0000-01-01", "١٢٠٢٦-01-01"],
)
def test_bad_dates_are_a_400_naming_the_parameter(db, value):
    assert error_of(Client().get(f"{API}/changes", {"since": value}))["parameter"] == "since"
    assert (
        error_of(Client().get(f"{API}/companies", {"updated_since": value}))["parameter"] == "updated_since"
    )


def test_a_plus_sign_sent_unencoded_is_explained(db):
    error = error_of(get(f"{API}/changes?since=2026-01-01T00:00:00+02:00"))
    assert "%2B" in error["message"]
    assert get(f"{API}/changes?since=2026-01-01T00:00:00%2B02:00").status_code == 200


def test_unknown_category_and_country_are_a_400(db):
    assert "No such category" in error_of(get(f"{API}/companies?category=nothing"))["message"]
    assert error_of(get(f"{API}/companies?country=XX"))["parameter"] == "country"


# Conditional requests, CORS and the rate limit ---------------------------------------------


def test_an_unchanged_company_is_a_304_for_its_etag_or_its_date(northwind):
    first = get(f"{API}/companies/northwind-wireless")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    again = get(f"{API}/companies/northwind-wireless", If_None_Match=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert get(f"{API}/companies/northwind-wireless", If_Modified_Since=modified).status_code == 304


def test_a_change_to_a_channel_gives_a_new_etag_and_a_200(northwind):
    first = get(f"{API}/companies/northwind-wireless")
    channel = northwind.channels.get(kind="email")
    channel.notes = "Answers within a day."
    channel.save()
    changed = get(f"{API}/companies/northwind-wireless", If_None_Match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"Answers within a day." in changed.content


def test_a_new_report_moves_last_modified(northwind):
    first = get(f"{API}/companies/northwind-wireless")
    report = make_report(northwind.channels.get(kind="email"), weight=1)
    type(report).objects.filter(pk=report.pk).update(created=timezone.now() + timedelta(seconds=5))
    changed = get(f"{API}/companies/northwind-wireless", If_Modified_Since=first["Last-Modified"])
    assert changed.status_code == 200


@pytest.mark.parametrize("path", ["companies", "categories", "changes", "lookup?domain=northwind.example"])
def test_lists_have_a_weak_etag_and_answer_304(directory, path):
    first = get(f"{API}/{path}")
    assert first["ETag"].startswith('W/"') and "max-age=60" in first["Cache-Control"]
    assert get(f"{API}/{path}", If_None_Match=first["ETag"]).status_code == 304


def test_any_site_may_read_the_api_but_not_the_pages(northwind):
    response = get(f"{API}/companies/northwind-wireless", Origin="https://extension.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = Client().options(
        f"{API}/companies", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = get("/companies/northwind-wireless/", Origin="https://extension.example")
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_requests_from_one_address_get_429_with_retry_after(northwind, api_settings):
    api_settings.API_RATE_LIMIT = (3, 60)
    answers = [get(f"{API}/companies/northwind-wireless", REMOTE_ADDR="203.0.113.9") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    error = body(answers[-1])["error"]
    assert error["code"] == "rate_limited" and 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert error["retry_after"] == int(answers[-1]["Retry-After"])
    other = Client(REMOTE_ADDR="198.51.100.7").get(f"{API}/companies/northwind-wireless")
    assert other.status_code == 200  # another address has its own count
    assert RateCounter.objects.filter(bucket__startswith="api:").count() == 2  # held in the database


def test_the_rate_limit_is_counted_in_redis_when_configured(northwind, api_settings, redis_settings):
    api_settings.API_RATE_LIMIT = (2, 60)
    statuses = [Client().get(f"{API}/categories").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert not RateCounter.objects.exists()


def test_with_redis_a_company_request_is_counted_in_the_same_round_trip_as_the_cache(
    northwind, api_settings, redis_settings
):
    api_settings.API_RATE_LIMIT = (2, 60)
    statuses = [get(f"{API}/companies/northwind-wireless").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert get(f"{API}/companies/nobody").status_code == 429  # an unknown company counts too
    assert not RateCounter.objects.exists()


def test_with_redis_down_companies_are_served_and_counted_in_the_database(
    northwind, api_settings, redis_down
):
    api_settings.API_RATE_LIMIT = (2, 60)
    statuses = [get(f"{API}/companies/northwind-wireless").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert RateCounter.objects.get(bucket__startswith="api:").count == 3


# The cache --------------------------------------------------------------------------------


def test_with_redis_a_company_is_served_without_a_query_until_it_changes(
    northwind, redis_settings, django_assert_num_queries
):
    first = get(f"{API}/companies/northwind-wireless")
    with django_assert_num_queries(0):
        cached = get(f"{API}/companies/northwind-wireless")
    assert cached.content == first.content and cached["ETag"] == first["ETag"]
    assert get(f"{API}/companies/northwind-wireless", If_None_Match=first["ETag"]).status_code == 304
    phone = northwind.channels.get(value="+12025550143")
    phone.typical_wait_minutes = 3
    phone.save()
    assert get(f"{API}/companies/northwind-wireless")["ETag"] != first["ETag"]


# The changes feed -------------------------------------------------------------------------


def apply_correction(company, notes):
    channel = company.channels.get(kind="email")
    correction = ChannelCorrection.objects.create(
        company=company, channel=channel, action="fix", proposed={"notes": notes}, reason="Notes added"
    )
    assert correction.apply(make_staff(f"reviewer-{ChannelCorrection.objects.count()}"))


def feed(path=f"{API}/changes"):
    return body(get(path))


def test_the_feed_lists_published_changes_in_order_and_never_pending_or_rejected_ones(northwind):
    apply_correction(northwind, "Replies in a day")
    events = feed()["results"]
    assert [e["type"] for e in events] == ["company_added", "guide_published", "channel_changed"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    guide = events[1]
    assert (
        guide["guide"] == {"slug": "cancel", "kind": "cancel", "title": "How to cancel"}
        and guide["revision"] == 1
    )
    change = events[2]
    assert change["company"]["slug"] == "northwind-wireless" and change["summary"] == "Notes added"
    assert change["changes"] == [
        {"field": "notes", "label": "Notes", "before": "", "after": "Replies in a day",
         "before_text": "—", "after_text": "Replies in a day"}
    ]  # fmt: skip
    text = json.dumps(events)
    assert "pending edit" not in text and "bad edit" not in text and "Draft guide" not in text


def test_the_feed_starts_at_since_and_pages_by_cursor_without_skips_or_repeats(northwind):
    for n in range(4):
        apply_correction(northwind, f"note {n}")
    everything = [e["cursor"] for e in feed()["results"]]
    assert len(everything) == 6
    page = feed(f"{API}/changes?page_size=2")
    seen = [e["cursor"] for e in page["results"]]
    apply_correction(northwind, "written while paging")  # comes after everything seen so far
    while page["results"]:
        page = feed(page["next"].split("8000", 1)[-1])
        seen += [e["cursor"] for e in page["results"]]
    assert seen[:6] == everything and len(seen) == 7
    assert feed(page["next"].split("8000", 1)[-1])["results"] == []  # where to ask again later
    since = feed()["results"][2]["at"]
    assert [e["cursor"] for e in feed(f"{API}/changes?since={since}")["results"]] == everything[2:] + seen[6:]


def test_the_feed_waits_until_a_change_has_settled(northwind, api_settings):
    api_settings.API_CHANGES_SETTLE_SECONDS = 60
    assert feed()["results"] == []
    Company.objects.update(created=timezone.now() - timedelta(minutes=2))
    assert [e["type"] for e in feed()["results"]] == ["company_added"]


def test_the_feed_takes_three_queries_a_page_whatever_its_length(northwind, django_assert_num_queries):
    for n in range(5):
        apply_correction(northwind, f"note {n}")
    with django_assert_num_queries(4):  # the rate-limit counter, then one query per kind of event
        assert len(feed()["results"]) == 7
    with django_assert_num_queries(4):
        assert len(feed(f"{API}/changes?page_size=2")["results"]) == 2


# The documentation page -------------------------------------------------------------------


def test_the_documentation_page_shows_examples_and_the_footer_links_it(db):
    page = Client().get("/api/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "curl" in text and "/api/v1/companies/northwind-wireless" in text and "Retry-After" in text
    assert 'href="/api/"' in Client().get("/").content.decode()
