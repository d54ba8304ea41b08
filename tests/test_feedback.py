from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from directory.models import ContactChannel
from freshness.feedback import ChannelSummary, summaries_for, wait_by_hour
from freshness.models import ChannelReport
from tests.factories import make_channel, make_company, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return make_channel(make_company(slug="northwind"), value="+12025550143", time_zone="America/New_York")


def report(client, channel, **data):
    return client.post(f"/channels/{channel.pk}/report/", data)


def test_a_visitor_reports_without_an_account_and_is_thanked(client, channel):
    response = report(client, channel, worked="no", reason="wrong_number", minutes_waited="12")
    assert response.status_code == 302
    assert response["Location"] == f"/companies/northwind/#channel-{channel.pk}"
    saved = ChannelReport.objects.get()
    assert (saved.worked, saved.reason, saved.minutes_waited) == (False, "wrong_number", 12)
    page = client.get(response["Location"]).content.decode()
    assert "Thank you! Your report helps keep this page right." in page


def test_one_vote_per_visitor_per_channel_per_day(client, channel):
    report(client, channel, worked="yes")
    response = report(client, channel, worked="no")
    assert ChannelReport.objects.count() == 1
    assert (
        "You already told us about this channel today." in client.get(response["Location"]).content.decode()
    )


def test_a_new_visitor_on_the_same_address_counts_up_to_the_address_limit(client, channel, settings):
    settings.REPORTS_PER_IP_PER_CHANNEL_PER_DAY = 2
    from django.test import Client

    for _ in range(3):
        report(Client(), channel, worked="yes")  # fresh cookie each time, same 127.0.0.1
    assert ChannelReport.objects.count() == 2


def test_a_yes_report_drops_any_reason(client, channel):
    report(client, channel, worked="yes", reason="wrong_number")
    assert ChannelReport.objects.get().reason == ""


@pytest.mark.parametrize("minutes", ["-3", "5000", "ten"])
def test_bad_minutes_show_a_clear_message_and_keep_the_input(client, channel, minutes):
    response = report(client, channel, worked="no", reason="too_long", minutes_waited=minutes)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'value="{minutes}"' in html
    assert '<option value="too_long" selected>' in html
    assert ChannelReport.objects.count() == 0


def test_reporting_needs_post_and_an_active_channel(client, channel):
    assert client.get(f"/channels/{channel.pk}/report/").status_code == 200  # the form, for people without JS
    channel.status = "retired"
    channel.save()
    assert report(client, channel, worked="yes").status_code == 404


def test_reports_are_csrf_protected(channel):
    from django.test import Client

    assert (
        Client(enforce_csrf_checks=True)
        .post(f"/channels/{channel.pk}/report/", {"worked": "yes"})
        .status_code
        == 403
    )


def test_summary_counts_recent_reports_and_typical_wait(channel):
    for n in range(10):
        make_report(channel, worked=n < 8, minutes_waited=10 + n)
    old = make_report(channel, worked=False)
    ChannelReport.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=120))
    summary = summaries_for(channel.company)[channel.pk]
    assert (summary.reports, summary.reached, summary.typical_wait) == (10, 8, 14)
    assert str(summary) == "80% of 10 people reached a human in the last 90 days."


def test_too_few_reports_say_so_instead_of_a_percentage():
    assert str(ChannelSummary(3, 3, None)) == "Too few reports yet to say (3)."
    assert str(ChannelSummary(0, 0, None)) == "No reports yet."


def test_company_page_shows_summary_and_best_time_chart(client, channel):
    for n in range(6):
        make_report(channel, worked=True, minutes_waited=5 + n)
    html = client.get("/companies/northwind/").content.decode()
    assert "100% of 6 people reached a human" in html
    assert '<svg class="wait-chart"' in html and 'role="img"' in html
    assert "Shortest waits reported:" in html


def test_wait_chart_groups_by_hour_in_the_channel_time_zone(channel):
    r = make_report(channel, minutes_waited=20)
    noon_new_york = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # a Monday
    ChannelReport.objects.filter(pk=r.pk).update(created=noon_new_york)
    cells = wait_by_hour(channel, now=noon_new_york)
    assert cells == {(0, 12): (20, 1)}


def test_each_channel_shows_one_honest_wait_in_the_unit_that_fits(client, channel):

    make_channel(channel.company, kind="email", value="help@northwind.example", typical_wait_minutes=1440)
    ContactChannel.objects.filter(pk=channel.pk).update(typical_wait_minutes=12)
    html = client.get("/companies/northwind/").content.decode()
    assert (
        "Reply in about 1 day" in html and "Typical reply time about 1 day" in html and "1440 min" not in html
    )
    for _ in range(6):
        make_report(channel, worked=True, minutes_waited=40)
    html = client.get("/companies/northwind/").content.decode()
    assert (
        "40 min wait" in html
        and "Typical wait 40 min (reported by 6 people)" in html
        and "12 min" not in html
    )


def test_best_time_to_call_waits_for_enough_reports_and_says_how_many(client, channel):
    for _ in range(2):
        make_report(channel, worked=False, minutes_waited=30)
    assert "Best time to call" not in client.get("/companies/northwind/").content.decode()
    for _ in range(4):
        make_report(channel, worked=True, minutes_waited=5)
    assert "From 6 reports with the minutes waited" in client.get("/companies/northwind/").content.decode()


def test_a_yes_vote_can_say_how_long_it_took(client, channel):
    client.post(f"/channels/{channel.pk}/report/", {"worked": "yes", "minutes_waited": "7"})
    assert ChannelReport.objects.get().minutes_waited == 7


def test_one_network_counts_once_a_day_and_editors_count_for_more(channel):
    from django.test import Client

    from tests.factories import make_user

    for host in range(1, 31):  # a burst from one /24: thirty addresses, thirty fresh cookies
        report(Client(REMOTE_ADDR=f"203.0.113.{host}"), channel, worked="no", reason="wrong_number")
    report(Client(REMOTE_ADDR="198.51.100.7"), channel, worked="no")
    report(Client(REMOTE_ADDR="2001:db8:1:2::1"), channel, worked="no")
    report(Client(REMOTE_ADDR="2001:db8:1:ffff::9"), channel, worked="no")  # the same /48
    editor, trusted = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="192.0.3.10")
    editor.force_login(make_user("ed"))
    trusted.force_login(make_user("tess", trusted=True))
    report(editor, channel, worked="no")
    report(trusted, channel, worked="no")
    weights = sorted(ChannelReport.objects.values_list("weight", flat=True))
    assert ChannelReport.objects.count() == 35  # every answer is kept...
    assert weights == [0] * 30 + [1, 1, 1, 2, 3]  # ...but repeats from a network weigh nothing


def test_the_page_counts_only_credible_answers(channel):
    make_report(channel, worked=True)
    for _ in range(10):
        make_report(channel, worked=False, weight=0)
    assert summaries_for(channel.company)[channel.pk].reports == 1


def test_the_minutes_and_what_went_wrong_are_added_to_the_answer_of_today(client, channel):
    report(client, channel, worked="no")
    response = client.post(
        f"/channels/{channel.pk}/report/",
        {"worked": "more", "minutes_waited": "25", "reason": "no_human"},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {
        "message": "Thank you! We added that to your answer.",
        "ok": True,
        "ask_more": False,
    }
    saved = ChannelReport.objects.get()
    assert (saved.worked, saved.minutes_waited, saved.reason) == (False, 25, "no_human")


def test_details_never_turn_a_yes_into_a_failure_nor_make_an_answer_of_their_own(client, channel):
    response = client.post(f"/channels/{channel.pk}/report/", {"worked": "more", "minutes_waited": "9"})
    assert not ChannelReport.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Answer Yes or No first" in page
    report(client, channel, worked="yes")
    report(client, channel, worked="more", reason="wrong_number", minutes_waited="3")
    saved = ChannelReport.objects.get()
    assert (saved.worked, saved.reason, saved.minutes_waited) == (True, "", 3)


def test_the_answer_comes_back_in_the_channel_it_was_given_for(client, channel):
    response = report(client, channel, worked="yes")
    assert response.url.endswith(f"#channel-{channel.pk}")
    html = client.get(response.url).content.decode()
    entry = html[html.index(f'id="channel-{channel.pk}"') :]
    assert 'role="status" tabindex="-1">Thank you! Your report helps keep this page right.</p>' in entry
    assert f'<div class="report-more" id="report-more-{channel.pk}">' in entry  # asks for the minutes
    assert 'class="message' not in html  # not also at the top, out of sight


@pytest.mark.parametrize(
    "minutes, expected",
    [("5000", "That is more than a day"), ("²", "Enter a whole number"), ("1\x002", "Enter a whole number"),
     ("9" * 400, "That is more than a day"), ("<b>4</b>", "Enter a whole number")],
)  # fmt: skip
def test_bad_minutes_answer_in_place_with_a_clear_message(client, channel, minutes, expected):
    report(client, channel, worked="yes")
    response = client.post(
        f"/channels/{channel.pk}/report/",
        {"worked": "more", "minutes_waited": minutes},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False and expected in response.json()["message"]
    assert ChannelReport.objects.get().minutes_waited is None


def test_an_empty_follow_up_says_what_it_needs(client, channel):
    report(client, channel, worked="yes")
    response = client.post(
        f"/channels/{channel.pk}/report/", {"worked": "more"}, headers={"Accept": "application/json"}
    )
    assert response.json()["ok"] is False and "Enter the minutes you waited" in response.json()["message"]


def test_a_check_stamped_a_little_ahead_of_the_clock_is_today(client, channel):
    from datetime import timedelta

    ContactChannel.objects.filter(pk=channel.pk).update(last_verified_at=timezone.now() + timedelta(hours=5))
    html = client.get("/companies/northwind/").content.decode()
    assert "Verified today" in html and "-1 day" not in html
