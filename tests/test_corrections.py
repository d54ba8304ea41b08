import pytest
from django.test import Client

from directory.models import ContactChannel
from freshness.models import Flag
from guides.corrections import format_hours, parse_hours, parse_steps
from guides.models import ChannelChange, ChannelCorrection
from tests.factories import make_channel, make_company, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return make_channel(
        make_company(slug="acme"), value="+12025550143", department="general", time_zone="America/New_York"
    )


def suggest(client, **data):
    return client.post("/companies/acme/suggest/", data)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_visitor_suggestion_waits_in_the_pending_queue(channel):
    response = suggest(
        Client(), action="fix", channel=channel.pk, value="(202) 555-0199", reason="Called it today"
    )
    assert response.status_code == 302
    correction = ChannelCorrection.objects.get()
    assert (correction.status, correction.author, correction.proposed) == (
        "pending",
        None,
        {"value": "(202) 555-0199"},
    )
    channel.refresh_from_db()
    assert channel.value == "+12025550143"
    pending = login(make_user("rev", trusted=True)).get("/edits/pending/").content.decode()
    assert "Called it today" in pending


def test_approval_applies_atomically_and_the_history_shows_who(channel):
    editor = make_user("mira")
    suggest(login(editor), action="fix", channel=channel.pk, value="(202) 555-0199", hours="Mon-Fri 08:00-18:00",
            ivr_steps="press 2, say agent", reason="New menu")  # fmt: skip
    correction = ChannelCorrection.objects.get()
    reviewer = make_user("rev", trusted=True)
    login(reviewer).post(f"/edits/corrections/{correction.pk}/review/", {"decision": "approve"})
    channel.refresh_from_db()
    assert channel.value == "+12025550199"
    assert channel.tel_uri == "tel:+12025550199,,2"
    assert len(channel.hours) == 5
    change = ChannelChange.objects.get()
    assert (change.author, change.reviewer) == (editor, reviewer)
    assert change.changes["value"] == ["+12025550143", "+12025550199"]
    html = Client().get(f"/companies/acme/channels/{channel.pk}/history/").content.decode()
    assert "proposed by mira, approved by rev" in html and "(202) 555-0199" in html
    assert "Press 2 → Say “agent”" in html and "Mon–Fri 08:00–18:00" in html and "[{" not in html


def test_a_trusted_editor_adds_a_channel_directly():
    make_company(slug="acme")
    suggest(
        login(make_user("t", trusted=True)),
        action="add",
        kind="email",
        value="Help@Acme.example",
        department="billing",
    )
    added = ContactChannel.objects.get()
    assert (added.kind, added.value, added.department) == ("email", "help@acme.example", "billing")
    assert ChannelChange.objects.get().channel == added


def test_marking_a_channel_as_not_working_retires_it_once_approved(channel):
    suggest(Client(), action="retire", channel=channel.pk, reason="Number disconnected")
    correction = ChannelCorrection.objects.get()
    login(make_staff("admin")).post(f"/edits/corrections/{correction.pk}/review/", {"decision": "approve"})
    channel.refresh_from_db()
    assert channel.status == "retired"


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"action": "fix", "value": "12"}, "channel", "Choose the channel"),
        ({"action": "add", "kind": "phone"}, "value", "A new channel needs this."),
        ({"action": "add", "kind": "phone", "value": "12"}, "value", "phone number"),
        (
            {"action": "add", "kind": "email", "value": "x@y.example", "hours": "weekdays 9 to 5"},
            "hours",
            "Could not read",
        ),
        (
            {"action": "add", "kind": "phone", "value": "2025550111", "ivr_steps": "dial 2"},
            "ivr_steps",
            "press, say or wait",
        ),
        (
            {"action": "add", "kind": "email", "value": "x@y.example", "time_zone": "Mars/Base"},
            "time_zone",
            "not a known time zone",
        ),
    ],
)
def test_bad_corrections_get_a_clear_message_and_keep_the_input(channel, data, field, message):
    response = suggest(Client(), reason="typed reason", **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "typed reason" in html
    assert not ChannelCorrection.objects.exists()


def test_editing_from_a_flag_resolves_it_when_applied(channel):
    flag = Flag.objects.create(channel=channel, reason="link")
    admin = login(make_staff("admin"))
    form = admin.get(f"/companies/acme/suggest/?channel={channel.pk}&flag={flag.pk}").content.decode()
    assert "Fixing a flagged entry" in form
    response = suggest(admin, action="fix", channel=channel.pk, value="(202) 555-0177", flag=flag.pk)
    assert response["Location"] == "/review/"
    flag.refresh_from_db()
    assert flag.status == "updated" and flag.resolved_by.username == "admin"


def test_the_honeypot_silently_drops_bots(channel):
    response = suggest(Client(), action="retire", channel=channel.pk, nickname="bot")
    assert response.status_code == 302
    assert not ChannelCorrection.objects.exists()


def test_corrections_are_rate_limited_per_address(channel, settings):
    settings.CORRECTIONS_PER_IP_PER_HOUR = 2
    for _ in range(3):
        response = suggest(Client(), action="retire", channel=channel.pk)
    assert "many corrections in the last hour" in response.content.decode()
    assert ChannelCorrection.objects.count() == 2


def test_nobody_reviews_their_own_correction_and_editors_cannot_review(channel):
    trusted = make_user("t", trusted=True)
    correction = ChannelCorrection.objects.create(
        company=channel.company, channel=channel, action="retire", author=trusted
    )
    login(trusted).post(f"/edits/corrections/{correction.pk}/review/", {"decision": "approve"})
    assert login(make_user("plain")).post(f"/edits/corrections/{correction.pk}/review/").status_code == 403
    correction.refresh_from_db()
    assert correction.status == "pending"


def test_a_correction_that_no_longer_fits_is_not_applied(channel):
    other = make_channel(channel.company, department="billing", is_primary=True)
    correction = ChannelCorrection.objects.create(
        company=channel.company, channel=channel, action="fix", proposed={"value": "not a number"}
    )
    login(make_staff("admin")).post(f"/edits/corrections/{correction.pk}/review/", {"decision": "approve"})
    correction.refresh_from_db()
    channel.refresh_from_db()
    assert correction.status == "pending" and channel.value == "+12025550143"
    assert other.status == "active"


def test_text_hours_and_steps_round_trip():
    hours = parse_hours("Mon-Wed 08:00-20:00; sat 9:00-13:00")
    assert [p["day"] for p in hours] == ["mon", "tue", "wed", "sat"]
    assert hours[-1] == {"day": "sat", "opens": "09:00", "closes": "13:00"}
    assert format_hours(hours[:1]) == "Mon 08:00-20:00"
    assert parse_steps("press 2, say 'agent', wait") == [
        {"action": "press", "value": "2"}, {"action": "say", "value": "agent"}, {"action": "wait"},
    ]  # fmt: skip


def test_company_page_links_to_corrections_and_history(client, channel):
    html = client.get("/companies/acme/").content.decode()
    assert f'href="/companies/acme/suggest/?channel={channel.pk}"' in html
    assert f'href="/companies/acme/channels/{channel.pk}/history/"' in html
    assert 'href="/companies/acme/suggest/?action=add"' in html


def test_a_correction_to_a_number_the_company_already_lists_gets_a_message_not_an_error(channel):
    other = ContactChannel.objects.create(company=channel.company, kind="phone", value="+12025550188")
    trusted = login(make_user("tess", trusted=True))
    response = suggest(trusted, action="fix", channel=channel.pk, value=other.value)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    channel.refresh_from_db()
    assert channel.value != other.value
