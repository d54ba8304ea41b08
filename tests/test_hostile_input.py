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


def test_with_redis_down_a_correction_and_a_sign_up_still_go_through(channel, redis_down):
    response = Client().post(
        "/companies/acme/suggest/", {"action": "fix", "channel": channel.pk, "notes": "Ask for Sam"}
    )
    assert response.status_code == 302 and channel.corrections.count() == 1
    data = {"username": "newbie", "email": "n@example.org", "password1": "a-long-password-123",
            "password2": "a-long-password-123"}  # fmt: skip
    assert Client().post("/accounts/signup/", data).status_code == 302


def company(slug, **extra):
    return {"slug": slug, "name": slug.title(), "category": "Energy", **extra}


def channel_line(slug, **channel):
    return json.dumps(company(slug, channels=[{"kind": "phone", "value": "+12025550143", **channel}]))


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        (json.dumps(company("a", category="C" * 150)), "category"),
        (channel_line("a", last_verified_at="2026-13-45T00:00:00"), "is not an ISO date and time"),
        (json.dumps(company("a", name="Acme\x00")), "NUL byte"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
        (
            '{"slug": "a", "name": "A", "category": "Energy", "description": ' + "[" * 30 + "]" * 30 + "}",
            "nested",
        ),
        (channel_line("a", ivr_steps=[{"action": "wait", "value": "²"}]), "must be a number of seconds"),
        (channel_line("a", notes="n" * 10_000_000), "at most 2000 characters"),
        (json.dumps(company("a", aliases=["x"] * 1000)), "At most 50 other names"),
    ],
)
def test_each_bad_line_is_rejected_with_its_reason_and_every_other_line_lands(tmp_path, bad_line, reason):
    text = "\n".join([json.dumps(company("first")), bad_line, json.dumps(company("last"))]) + "\n"
    out, err = run_import(tmp_path, text)
    assert "line 2: rejected" in err and reason in err, err[:500]
    assert "companies: 2 created" in out
    assert Client().get("/companies/last/").status_code == 200


def test_files_in_other_encodings_are_read_or_rejected_by_line(tmp_path):
    lines = [json.dumps(company("first")), json.dumps(company("zoë", name="Zoë"), ensure_ascii=False)]
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    out, err = run_file(path)
    assert "companies: 2 created" in out and err == ""
    path = tmp_path / "utf16.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-16"))
    assert "companies: 0 created, 0 updated, 2 unchanged" in run_file(path)[0]
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(company("first")).encode() + b"\n" + lines[1].encode("latin-1") + b"\n")
    out, err = run_file(path)
    assert "line 2: rejected: not UTF-8 text" in err and "1 unchanged" in out


def test_a_csv_cell_over_the_field_limit_and_a_bom_are_handled_by_row(tmp_path):
    header = "company_slug,company_name,category,kind,value,notes"
    rows = ["acme,Acme,Energy,phone,+12025550143,ok", "zeta,Zeta,Energy,phone,+12025550144," + "x" * 200_000,
            "omega,Omega,Energy,phone,+12025550145,ok"]  # fmt: skip
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join([header, *rows]) + "\n").encode())
    out, err = run_file(path)
    assert "line 3: rejected: not a CSV row" in err and "companies: 2 created" in out


def test_the_same_company_twice_in_a_json_lines_file_is_reported_not_silently_last_wins(tmp_path):
    text = (
        json.dumps(company("acme", description="first"))
        + "\n"
        + json.dumps(company("acme", description="second"))
    )
    out, err = run_import(tmp_path, text + "\n")
    assert "line 2: rejected: company 'acme' was already on line 1" in err
    from directory.models import Company

    assert Company.objects.get(slug="acme").description == "first"


def run_file(path):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("import_directory", str(path), no_progress=True, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_votes_from_one_network_store_exactly_the_limit(settings):
    import threading

    from django.db import connection

    from freshness.models import ChannelReport

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the row lock is PostgreSQL's")
    channel = make_channel(make_company(slug="acme"), value="+12025550143")
    start, codes = threading.Barrier(40), []

    def vote():
        client = Client()
        start.wait()
        try:
            codes.append(client.post(f"/channels/{channel.pk}/report/", {"worked": "no"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(codes) == {302}
    assert (
        ChannelReport.objects.filter(channel=channel).count() == settings.REPORTS_PER_IP_PER_CHANNEL_PER_DAY
    )


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(settings):
    from django.test import RequestFactory

    from core.visitors import client_address

    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(forged) == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    behind = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.7")
    assert client_address(behind) == "198.51.100.7"
    junk = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(junk) == "10.0.0.2"


def test_a_database_outage_answers_503_with_retry_after_and_cached_pages_keep_serving(redis_settings):
    from unittest import mock

    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    channel = make_channel(make_company(slug="acme", name="Acme Energy"), value="+12025550143")
    assert Client().get("/companies/acme/").status_code == 200  # rendered and kept
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused")):
        cached = Client().get("/companies/acme/")
        assert cached.status_code == 200 and "Contact Acme Energy" in cached.content.decode()
        down = Client().get(f"/companies/acme/suggest/?channel={channel.pk}")
        assert down.status_code == 503 and down["Retry-After"] == "30"
        assert "We can't reach our data right now" in down.content.decode()


def test_a_change_committed_while_the_broker_is_down_reaches_the_index_with_the_next_drain(
    django_capture_on_commit_callbacks,
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from search import queries, receivers
    from search.models import IndexChange
    from search.tasks import drain_index_changes

    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(receivers.drain_index_changes, "delay", side_effect=broker_down):
        with django_capture_on_commit_callbacks(execute=True):
            make_company(slug="zephyr", name="Zephyr Rail")  # the save itself succeeds
    assert IndexChange.objects.filter(label="directory.company").exists()
    assert queries.search_companies("zephyr").pks == []  # not yet in the index
    assert drain_index_changes() >= 1  # beat's next run, once Redis is back
    assert len(queries.search_companies("zephyr").pks) == 1
    assert not IndexChange.objects.exists()
