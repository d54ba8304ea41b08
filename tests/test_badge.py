"""The embeddable badge: the best way to reach a human and when it was last verified, as safe SVG."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from tests.factories import make_channel, make_company

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def badge(client, slug):
    response = client.get(f"/companies/{slug}/badge.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    return response, ElementTree.fromstring(response.content)


def test_the_badge_shows_the_best_way_with_its_menu_and_freshness(client):
    company = make_company(slug="tailspin", name="Tailspin")
    make_channel(company, value="+12025550171", human_rank=1, ivr_steps=[{"action": "press", "value": "2"}],
                 last_verified_at=timezone.now() - timedelta(days=3))  # fmt: skip
    response, svg = badge(client, "tailspin")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Reach a human", "(202) 555-0171 · Press 2 · last verified 3 days ago"]
    assert svg.get("aria-label") == f"Tailspin — reach a human: {texts[1]}"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Access-Control-Allow-Origin"] == "*" and "max-age=3600" in response["Cache-Control"]


def test_a_badge_without_a_way_to_reach_a_human_says_so(client):
    make_company(slug="quiet", name="Quiet Co")
    _, svg = badge(client, "quiet")
    assert [t.text for t in svg.iter(f"{SVG}text")][1] == "Quiet Co: no way to reach a human known yet"
    assert client.get("/companies/nobody/badge.svg").status_code == 404


@pytest.mark.parametrize(
    "name", ["<script>alert(1)</script>", 'A & B "quoted" \u202e', "Zero\u200bWidth ²³", "x" * 200]
)
def test_hostile_names_stay_text_in_a_well_formed_badge(client, name):
    make_company(slug="hostile", name=name)
    response, svg = badge(client, "hostile")
    assert b"<script" not in response.content
    assert name[:150] in svg.find(f"{SVG}title").text
