import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_channel, make_company, make_guide

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "company page has no JSON-LD"
    return json.loads(match.group(1))


@pytest.fixture
def northwind():
    company = make_company(name="Northwind Wireless", slug="northwind-wireless", aliases=["Nortwind"])
    make_channel(
        company,
        value="+12025550143",
        department="general",
        human_rank=1,
        is_primary=True,
        ivr_steps=[{"action": "press", "value": "0"}, {"action": "press", "value": "2"}],
        typical_wait_minutes=12,
        last_verified_at=timezone.now() - timedelta(days=3),
    )
    make_channel(company, kind="email", value="billing@northwind.example", department="billing", human_rank=5)
    make_channel(company, kind="chat", department="tech_support", human_rank=3, last_verified_at=None)
    make_channel(company, kind="email", value="old@northwind.example", status="retired")
    return company


def test_best_way_to_reach_a_human_comes_first_with_a_dialling_link(client, northwind):
    html = client.get("/companies/northwind-wireless/").content.decode()
    best = html.index('class="best-button"')
    assert best < html.index("All contact channels")
    assert 'href="tel:+12025550143,,0,,2"' in html[best : best + 300]
    assert "(202) 555-0143" in html
    assert "Press 0 → Press 2" in html
    assert "12 min wait" in html
    assert "last verified 3 days ago" in html


def test_channels_are_grouped_by_department_and_retired_ones_hidden(client, northwind):
    html = client.get("/companies/northwind-wireless/").content.decode()
    assert (
        html.index("<h3>General</h3>") < html.index("<h3>Billing</h3>") < html.index("<h3>Tech support</h3>")
    )
    assert "billing@northwind.example" in html
    assert "old@northwind.example" not in html
    assert "Not verified yet" in html


def test_json_ld_is_an_organization_with_a_contact_point_per_channel(client, northwind):
    data = json_ld(client.get("/companies/northwind-wireless/").content.decode())
    assert data["@type"] == "Organization"
    assert data["name"] == "Northwind Wireless"
    assert data["alternateName"] == ["Nortwind"]
    points = data["contactPoint"]
    assert len(points) == 3
    assert all(p["@type"] == "ContactPoint" for p in points)
    assert {"telephone": "+12025550143", "contactType": "general"}.items() <= points[0].items()
    assert any(p.get("email") == "billing@northwind.example" for p in points)


def test_json_ld_cannot_be_closed_by_a_company_name():
    make_company(name="Evil </script><script>alert(1)</script>", slug="evil")
    html = Client().get("/companies/evil/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert json_ld(html)["name"] == "Evil </script><script>alert(1)</script>"


def test_canonical_url_and_meta_description(client, northwind):
    html = client.get("/companies/northwind-wireless/").content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/companies/northwind-wireless/">' in html
    assert re.search(r'<meta name="description" content="Reach a human at Northwind Wireless: phone', html)


def test_company_guides_are_listed(client, northwind):
    make_guide(northwind, title="How to cancel Northwind", slug="cancel")
    make_guide(northwind, title="Draft guide", slug="draft", is_published=False)
    html = client.get("/companies/northwind-wireless/").content.decode()
    assert 'href="/companies/northwind-wireless/guides/cancel/"' in html
    assert "Draft guide" not in html


def test_company_without_phone_support_says_so(client):
    company = make_company(no_phone_support=True)
    make_channel(company, kind="chat")
    html = client.get(company.get_absolute_url()).content.decode()
    assert "says it has no phone support" in html


def test_unknown_company_is_a_styled_404(client):
    response = client.get("/companies/no-such-company/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_page_views_are_counted(client, northwind):
    client.get("/companies/northwind-wireless/")
    client.get("/companies/northwind-wireless/")
    northwind.refresh_from_db()
    assert northwind.view_count == 2


def test_company_page_query_count_does_not_grow_with_channels(client):
    small = make_company()
    make_channel(small)
    make_guide(small)
    large = make_company()
    for n in range(60):
        kind = ["phone", "email", "chat", "web_form", "social", "postal"][n % 6]
        value = {"email": f"team{n}@large.example", "postal": f"{n} Example Street"}.get(kind)
        make_channel(large, kind=kind, **({"value": value} if value else {}), department="general")
    make_guide(large)
    from freshness.models import Flag

    for channel in large.channels.all()[:20]:  # flags with what readers are told
        Flag.objects.create(channel=channel, reason="feedback", evidence={"rule": "change", "people": 5,
                            "failures": 5, "since": timezone.now().isoformat()})  # fmt: skip
    counts = []
    for company in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(company.get_absolute_url()).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_cancel_box_shows_the_guide_else_the_cancellations_line_else_asks_for_a_guide(client):
    from tests.factories import make_published_guide

    company = make_company(slug="zeta", name="Zeta")
    html = client.get("/companies/zeta/").content.decode()
    box = html[html.index('class="best cancel-box"') :]
    assert "No cancel guide yet" in box and "/companies/zeta/guides/new/?kind=cancel" in box
    make_channel(company, value="+12025550111", department="cancellations")
    box = client.get("/companies/zeta/").content.decode().split('class="best cancel-box"')[1]
    assert "(202) 555-0111" in box and 'href="tel:+12025550111"' in box
    make_published_guide(
        company, slug="cancel", title="Cancel Zeta", body="1. Call them.\n2. Say cancel.\n\nMore."
    )
    box = client.get("/companies/zeta/").content.decode().split('class="best cancel-box"')[1]
    assert "Cancel Zeta" in box and "<li>Call them.</li>" in box and "More." not in box.split("</section>")[0]


def test_while_answers_say_a_number_fails_readers_are_told_and_the_best_way_falls_back(client):
    from freshness.models import Flag

    company = make_company(slug="acme", name="Acme")
    usual = make_channel(company, value="+12025550123", human_rank=1)
    other = make_channel(company, kind="chat", value="https://acme.example/chat", human_rank=2)
    since = timezone.now() - timedelta(days=2)
    Flag.objects.create(
        channel=usual,
        reason="feedback",
        evidence={"rule": "change", "people": 5, "failures": 4, "since": since.isoformat()},
    )
    html = client.get("/companies/acme/").content.decode()
    sentence = f"4 of the last 5 people could not get through since {timezone.localtime(since):%A %-d %B}."
    best = html[html.index('id="best-heading"') : html.index('id="cancel-heading"')]
    assert "acme.example/chat" in best and "(202) 555-0123" not in best.split("Usually")[0]
    assert "Usually the best way is (202) 555-0123, but people cannot get through there right now" in best
    channel_item = html[html.index(f'id="channel-{usual.pk}"') :]
    assert sentence in channel_item[: channel_item.index("</li>")]
    # A flag a person closed tells readers nothing any more.
    Flag.objects.filter(channel=usual).update(status="dismissed")
    html = client.get("/companies/acme/").content.decode()
    assert "could not get through" not in html and other.value in html


def test_every_channel_failing_keeps_the_best_one_with_the_warning(client):
    from freshness.models import Flag

    company = make_company(slug="solo", name="Solo")
    only = make_channel(company, value="+12025550124")
    Flag.objects.create(
        channel=only,
        reason="feedback",
        evidence={"rule": "change", "people": 6, "failures": 6, "since": timezone.now().isoformat()},
    )
    html = client.get("/companies/solo/").content.decode()
    best = html[html.index('id="best-heading"') : html.index('id="cancel-heading"')]
    assert "(202) 555-0124" in best and "The last 6 people could not get through since" in best
    assert "Usually the best way" not in best


def test_the_cancel_box_brings_the_list_an_opening_sentence_leads_into_and_the_cancellations_line(client):
    from tests.factories import make_published_guide

    company = make_company(slug="streamly", name="Streamly")
    make_channel(company, value="+12025550112", department="cancellations")
    make_published_guide(
        company, slug="cancel", title="Cancel Streamly",
        body="Streamly has no phone support. Cancel online:\n\n1. Sign in.\n2. Open Account.\n3. Press Cancel.\n4. Confirm.",
    )  # fmt: skip
    box = (
        client.get("/companies/streamly/")
        .content.decode()
        .split('class="best cancel-box"')[1]
        .split("</section>")[0]
    )
    assert "Cancel online:" in box and "<li>Sign in.</li>" in box and "Confirm" not in box
    assert "Cancellations phone" in box and "(202) 555-0112" in box
