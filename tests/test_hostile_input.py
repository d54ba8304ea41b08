"""Hostile input is a normal input: bounded, validated in one place, answered with a message, never a 500."""

import json
import re

import pytest
from django.test import Client

from directory.models import ContactChannel
from tests.factories import make_channel, make_company, make_user
from tests.test_import_export import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    company = make_company(slug="acme", name="Acme Energy")
    return make_channel(company, value="+12025550143")


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "steps, message",
    [
        ("press 1, wait 99999999999", "at most 300"),
        ("press 1, wait ²", "must be a number of seconds"),
        ("press " + "1" * 250, "cannot be pressed"),
        (", ".join(["press 1"] * 25), "at most 20 steps"),
    ],
)
def test_menu_steps_are_bounded_for_every_editor(channel, steps, message):
    trusted = login(make_user("tess", trusted=True))
    data = {"action": "fix", "channel": channel.pk, "ivr_steps": steps}
    response = trusted.post("/companies/acme/suggest/", data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    channel.refresh_from_db()
    assert channel.ivr_steps == [] and not channel.corrections.exists()
    assert Client().get("/companies/acme/").status_code == 200


def test_an_import_line_with_an_endless_wait_is_rejected_and_the_rest_lands(tmp_path):
    line = {"slug": "acme", "name": "Acme", "category": "Energy", "channels": [
        {"kind": "phone", "value": "+12025550143", "ivr_steps": [{"action": "wait", "value": "99999999999"}]}]}  # fmt: skip
    good = {"slug": "zeta", "name": "Zeta", "category": "Energy"}
    out, err = run_import(tmp_path, json.dumps(line) + "\n" + json.dumps(good) + "\n")
    assert "line 1: rejected" in err and "at most 300" in err
    assert "companies: 1 created" in out, err


def test_a_stored_endless_wait_cannot_take_the_page_down(channel):
    ContactChannel.objects.filter(pk=channel.pk).update(
        ivr_steps=[{"action": "press", "value": "1"}, {"action": "wait", "value": "99999999999"}]
    )
    channel.refresh_from_db()
    assert channel.tel_uri == "tel:+12025550143,,1" + "," * 150
    assert Client().get("/companies/acme/").status_code == 200


@pytest.mark.parametrize("field", ["name", "description"])
def test_markup_in_company_text_cannot_break_the_json_ld_or_hide_the_page(field):
    hostile = "Acme <!--<script> & </script><b>"
    make_company(slug="acme", **{"name": "Acme", "description": "", field: hostile})
    html = Client().get("/companies/acme/").content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)[field] == hostile
    assert "<h1>Contact Acme" in html


def test_the_hidden_flag_of_a_correction_is_never_trusted(channel):
    from freshness.models import Flag

    other = make_channel(make_company(slug="streamly"), value="+12025550150")
    foreign = Flag.objects.create(channel=other, reason="age")
    own = Flag.objects.create(channel=channel, reason="age")
    trusted = login(make_user("tess", trusted=True))
    for flag in [foreign.pk, own.pk, -1, 9223372036854775808, "²", "\x00"]:
        data = {"action": "fix", "channel": channel.pk, "notes": f"Checked {flag!s:.5}", "flag": flag}
        response = trusted.post("/companies/acme/suggest/", data)
        assert response.status_code in (200, 302), flag
    # A trusted editor who is not staff resolves no flag, not even the channel's own.
    assert set(Flag.objects.values_list("status", flat=True)) == {"open"}
    assert Client().get(f"/companies/acme/suggest/?channel={channel.pk}&flag=²").status_code == 200
    admin = login(make_user("admin", is_staff=True))
    admin.post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": "x", "flag": foreign.pk}
    )
    foreign.refresh_from_db()
    assert foreign.status == "open"
    admin.post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": "y", "flag": own.pk}
    )
    own.refresh_from_db()
    assert own.status == "updated"


def test_an_edit_without_its_base_revision_is_a_conflict_not_an_overwrite():
    from tests.factories import make_published_guide

    guide = make_published_guide(make_company(slug="acme"), slug="cancel", body="Call the line.")
    data = {"title": guide.title, "body": "Overwritten", "difficulty": guide.difficulty}
    response = login(make_user("tess", trusted=True)).post("/companies/acme/guides/cancel/edit/", data)
    assert response.status_code == 409 and "Overwritten" in response.content.decode()
    guide.refresh_from_db()
    assert guide.body == "Call the line."


def test_a_guide_written_in_the_admin_has_a_revision_from_birth():
    from guides.models import Guide

    company = make_company(slug="acme")
    admin = login(make_user("root", is_staff=True, is_superuser=True))
    data = {"company": company.pk, "kind": "cancel", "slug": "cancel", "title": "How to cancel", "body": "Write.",
            "difficulty": "easy", "is_published": "on"}  # fmt: skip
    response = admin.post("/admin/guides/guide/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    guide = Guide.objects.get()
    assert guide.current_revision.revision_number == 1 and guide.current_revision.body == "Write."
    editors = [login(make_user(f"e{n}", trusted=True)) for n in range(2)]
    form = {"title": "How to cancel", "difficulty": "easy", "base_revision": 1}
    first = editors[0].post("/companies/acme/guides/cancel/edit/", {**form, "body": "Write to them."})
    second = editors[1].post("/companies/acme/guides/cancel/edit/", {**form, "body": "Phone them."})
    assert (first.status_code, second.status_code) == (302, 409)
    guide.refresh_from_db()
    assert guide.body == "Write to them."


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/people/%00/",
        "/review/?reason=a%00b",
        "/companies/acme/guides/cancel/diff/?from=1&to=%C2%B2",
        "/companies/acme/guides/cancel/diff/?from=99999999999999999999&to=1",
        "/companies/acme/guides/cancel/edit/?continue=%C2%B2",
        "/companies/acme/suggest/?channel=%00&flag=99999999999999999999",
        "/search/?q=%00",
        "/categories/%00/",
    ],
)
def test_odd_requests_get_an_answer_not_a_server_error(url):
    from tests.factories import make_published_guide

    make_published_guide(make_company(slug="acme"), slug="cancel")
    client = login(make_user("root", is_staff=True, is_superuser=True))
    assert client.get(url).status_code < 500


def test_with_redis_down_a_correction_and_a_sign_up_still_go_through(channel, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = Client().post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": "Ask for Sam"}
    )
    assert response.status_code == 302 and channel.corrections.count() == 1
    data = {"username": "newbie", "email": "n@example.org", "password1": "a-long-password-123",
            "password2": "a-long-password-123"}  # fmt: skip
    assert Client().post("/accounts/signup/", data).status_code == 302
