"""Watching a company: one e-mail a day at most with its published changes, and a link that stops it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from guides.models import ChannelChange
from tests.factories import make_channel, make_company, make_user
from watching.digest import send_digests
from watching.models import Watch, unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = make_user("reader")
    client.force_login(user)
    return user


@pytest.fixture
def tailspin():
    company = make_company(slug="tailspin", name="Tailspin")
    return company, make_channel(company, value="+12025550171", department="billing",
                                 ivr_steps=[{"action": "press", "value": "2"}, {"action": "press", "value": "0"}])  # fmt: skip


def change_menu(channel, digit):
    before = ChannelChange.snapshot(channel)
    channel.ivr_steps = [{"action": "press", "value": "2"}, {"action": "press", "value": digit}]
    channel.save()
    return ChannelChange.objects.create(
        channel=channel, changes=ChannelChange.difference(before, ChannelChange.snapshot(channel))
    )


def test_a_reader_watches_a_company_and_gets_one_email_with_its_changes(client, reader, tailspin):
    company, channel = tailspin
    response = client.post("/companies/tailspin/watch/", {"action": "watch"}, follow=True)
    assert "You watch Tailspin" in response.content.decode() and "Stop watching" in response.content.decode()
    watch = Watch.objects.get()
    Watch.objects.filter(pk=watch.pk).update(created=timezone.now() - timedelta(days=1))
    change_menu(channel, "9")
    assert send_digests() == 1
    [message] = mail.outbox
    assert message.to == ["reader@example.org"] and message.subject == "GetHelp: Changes at Tailspin"
    assert "Billing phone: menu changed from Press 2 → Press 0 to Press 2 → Press 9" in message.body
    assert f"/watching/stop/{watch.unsubscribe_token()}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert send_digests(now=timezone.now() + timedelta(hours=1)) == 0  # at most one a day
    change_menu(channel, "8")
    assert send_digests(now=timezone.now() + timedelta(hours=25)) == 1
    assert "Press 2 → Press 9 to Press 2 → Press 8" in mail.outbox[1].body
    assert "to Press 2 → Press 9\n" not in mail.outbox[1].body  # only what is new since the last one


def test_no_changes_no_email_and_changes_before_watching_are_not_news(reader, tailspin):
    company, channel = tailspin
    change_menu(channel, "9")
    Watch.objects.create(user=reader, company=company)
    assert send_digests(now=timezone.now() + timedelta(days=1)) == 0 and mail.outbox == []


def test_one_email_for_several_companies(reader, tailspin):
    company, channel = tailspin
    other = make_channel(make_company(slug="other", name="Other"), value="+12025550172", department="billing")
    for c in (company, other.company):
        Watch.objects.create(user=reader, company=c)
    Watch.objects.update(created=timezone.now() - timedelta(days=1))
    change_menu(channel, "9")
    change_menu(other, "7")
    assert send_digests() == 1
    assert mail.outbox[0].subject == "GetHelp: Changes at 2 companies you watch"


def test_the_link_in_the_email_stops_it_without_a_login(reader, tailspin):
    watch = Watch.objects.create(user=reader, company=tailspin[0])
    anonymous = Client(enforce_csrf_checks=True)
    url = f"/watching/stop/{watch.unsubscribe_token()}/"
    page = anonymous.get(url)  # a link checker's visit changes nothing
    assert page.status_code == 200 and "Stop e-mails about Tailspin" in page.content.decode()
    assert Watch.objects.exists()
    assert (
        anonymous.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    )  # a mail program's one click
    assert not Watch.objects.exists()
    assert "nothing to stop" in anonymous.get(url).content.decode()


def test_the_stop_all_link_and_bad_links(reader, tailspin):
    Watch.objects.create(user=reader, company=tailspin[0])
    Watch.objects.create(user=reader, company=make_company(name="Other"))
    someone = Watch.objects.create(user=make_user("someone"), company=tailspin[0])
    Client().post(f"/watching/stop/{unsubscribe_token(reader.pk)}/")
    assert list(Watch.objects.all()) == [someone]
    for token in ["nonsense", unsubscribe_token(reader.pk)[:-3] + "xyz", "%00", "x" * 3000, "<script>"]:
        response = Client().post(f"/watching/stop/{token}/")
        assert response.status_code in (400, 404) and "<script>" not in response.content.decode()
    assert Watch.objects.count() == 1


def test_watching_needs_a_login_and_the_csrf_token(tailspin):
    response = Client().post("/companies/tailspin/watch/", {"action": "watch"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    user = make_user("strict")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/companies/tailspin/watch/", {"action": "watch"}).status_code == 403
    assert not Watch.objects.exists()


def test_the_profile_lists_watched_companies_to_their_owner_only(client, reader, tailspin):
    Watch.objects.create(user=reader, company=tailspin[0])
    assert "Companies you watch" in client.get("/accounts/people/reader/").content.decode()
    assert "Companies you watch" not in Client().get("/accounts/people/reader/").content.decode()


def test_a_failed_send_is_tried_again_on_the_next_run(reader, tailspin, monkeypatch):
    from django.core.mail import EmailMessage

    company, channel = tailspin
    Watch.objects.create(user=reader, company=company)
    Watch.objects.update(created=timezone.now() - timedelta(days=1))
    change_menu(channel, "9")

    def mail_server_down(self, fail_silently=False):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(EmailMessage, "send", mail_server_down)
    with pytest.raises(ConnectionRefusedError):
        send_digests()
    assert Watch.objects.get().notified_until is None  # nothing marked as told
    monkeypatch.undo()
    assert send_digests() == 1 and "Press 2 → Press 9" in mail.outbox[0].body


def test_stopping_from_the_profile_stays_on_the_profile(client, reader, tailspin):
    Watch.objects.create(user=reader, company=tailspin[0])
    response = client.post(
        "/companies/tailspin/watch/", {"action": "stop", "next": "/accounts/people/reader/"}
    )
    assert response.url == "/accounts/people/reader/" and not Watch.objects.exists()
    response = client.post("/companies/tailspin/watch/", {"action": "watch", "next": "https://evil.example/"})
    assert response.url == "/companies/tailspin/"


def test_the_daily_run_reads_the_changes_once_for_every_reader(tailspin, django_assert_num_queries):
    company, channel = tailspin
    for n in range(4):
        Watch.objects.create(user=make_user(f"reader{n}"), company=company)
    Watch.objects.update(created=timezone.now() - timedelta(days=1))
    change_menu(channel, "9")
    # the watches, the three kinds of change, then one update a reader
    with django_assert_num_queries(4 + 4 * 3):  # each reader: savepoint, update, release
        assert send_digests() == 4
