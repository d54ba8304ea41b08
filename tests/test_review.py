from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from directory.models import ContactChannel
from freshness.models import Flag
from tests.factories import make_category, make_channel, make_company, make_guide, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_staff(is_superuser=True))
    return client


@pytest.fixture
def flags():
    telecoms = make_category(name="Telecoms", slug="telecoms")
    banking = make_category(name="Banking", slug="banking")
    popular = make_company(name="Popular Telecom", category=telecoms, view_count=900)
    quiet = make_company(name="Quiet Bank", category=banking, view_count=3)
    old = timezone.now() - timedelta(days=400)
    return {
        "quiet_age": Flag.objects.create(channel=make_channel(quiet, last_verified_at=old), reason="age"),
        "popular_link": Flag.objects.create(
            channel=make_channel(popular, kind="web_form"), reason="link", evidence={"status_code": 404}
        ),
        "popular_feedback": Flag.objects.create(channel=make_channel(popular), reason="feedback"),
    }


def resolve(client, **data):
    return client.post("/review/resolve/", data, follow=True)


def test_anonymous_visitors_are_sent_to_log_in_and_non_staff_are_refused(client, flags):
    response = client.get("/review/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/review/")
    client.force_login(User.objects.create_user("editor", password="x"))
    assert client.get("/review/").status_code == 403
    assert client.post("/review/resolve/", {"one": f"verified:{flags['quiet_age'].pk}"}).status_code == 403
    assert Flag.objects.open().count() == 3


def test_queue_lists_most_viewed_companies_first_with_counts_and_evidence(admin_client, flags):
    html = admin_client.get("/review/").content.decode()
    assert html.index("Popular Telecom") < html.index("Quiet Bank")
    assert "All (3)" in html and "Link check failed twice (1)" in html
    assert "status_code" in html and "404" in html


def test_queue_filters_by_reason_and_category(admin_client, flags):
    by_reason = admin_client.get("/review/", {"reason": "age"}).content.decode()
    assert "Quiet Bank" in by_reason and "Popular Telecom" not in by_reason
    by_category = admin_client.get("/review/", {"category": "telecoms"}).content.decode()
    assert "Popular Telecom" in by_category and "Quiet Bank" not in by_category


def test_still_correct_reverifies_the_channel_and_records_who(admin_client, flags):
    flag = flags["quiet_age"]
    response = resolve(admin_client, one=f"verified:{flag.pk}")
    assert "1 flag marked “Still correct”." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "verified" and flag.resolved_by.username == "admin" and flag.resolved_at
    assert flag.channel.verified_days_ago() == 0


def test_retire_retires_the_channel_and_closes_its_other_flags(admin_client, flags):
    link = flags["popular_link"]
    channel = link.channel
    Flag.objects.create(channel=channel, reason="age")
    resolve(admin_client, one=f"retired:{link.pk}", confirmed="1")
    channel.refresh_from_db()
    assert channel.status == ContactChannel.Status.RETIRED
    assert not Flag.objects.open().filter(channel=channel).exists()


def test_dismiss_needs_a_note_and_keeps_it(admin_client, flags):
    flag = flags["popular_feedback"]
    response = resolve(admin_client, one=f"dismissed:{flag.pk}")
    assert "Say why you dismiss it" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"
    resolve(
        admin_client,
        one=f"dismissed:{flag.pk}",
        **{f"note-{flag.pk}": "Votes came from one angry forum thread"},
    )
    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("dismissed", "Votes came from one angry forum thread")


def test_bulk_action_resolves_every_ticked_flag(admin_client, flags):
    ids = [flags["quiet_age"].pk, flags["popular_feedback"].pk]
    response = resolve(admin_client, action="verified", ids=ids)
    assert "2 flags marked" in response.content.decode()
    assert Flag.objects.open().count() == 1


def test_a_flag_resolved_a_moment_ago_by_someone_else_is_not_done_twice(admin_client, flags):
    flag = flags["quiet_age"]
    other = make_staff("colleague")
    Flag.objects.filter(pk=flag.pk).resolve("dismissed", other, "duplicate")
    response = resolve(admin_client, one=f"verified:{flag.pk}")
    html = response.content.decode()
    assert f"Already resolved a moment ago, nothing done: #{flag.pk} (dismissed by colleague)." in html
    flag.refresh_from_db()
    assert flag.status == "dismissed" and flag.resolved_by == other


def test_editing_from_the_queue_resolves_the_flag_as_updated(admin_client, flags):
    flag = flags["quiet_age"]
    channel = flag.channel
    url = f"/admin/directory/contactchannel/{channel.pk}/change/?flag={flag.pk}"
    assert admin_client.get(url).status_code == 200
    data = {
        "company": channel.company_id, "kind": "phone", "value": "+1 202 555 0188", "social_platform": "", "label": "",
        "department": "general", "country": "", "region": "", "hours": "[]", "open_24_7": "", "time_zone": "UTC",
        "reaches_human": "on", "ivr_steps": "[]", "typical_wait_minutes": "", "notes": "", "human_rank": "100",
        "source_url": "", "source_seen_at_0": "", "source_seen_at_1": "", "last_verified_at_0": "", "last_verified_at_1": "",
        "status": "active",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    flag.refresh_from_db()
    assert flag.status == "updated"
    channel.refresh_from_db()
    assert channel.value == "+12025550188"


def test_each_resolution_is_visible_in_the_channel_history(admin_client, flags):
    flag = flags["quiet_age"]
    resolve(admin_client, one=f"verified:{flag.pk}")
    html = admin_client.get(f"/review/channels/{flag.channel_id}/").content.decode()
    assert "Not re-verified in time" in html and "Still correct" in html and "by admin" in html


def test_guide_flags_show_in_the_queue_and_verify_the_guide(admin_client):
    guide = make_guide(make_company(name="Guide Co"), title="How to cancel Guide Co")
    flag = Flag.objects.create(guide=guide, reason="channel_changed")
    assert "How to cancel Guide Co" in admin_client.get("/review/").content.decode()
    resolve(admin_client, one=f"verified:{flag.pk}")
    guide.refresh_from_db()
    assert guide.last_verified_at is not None


def test_unknown_actions_are_refused_with_a_message(admin_client, flags):
    response = resolve(admin_client, action="explode", ids=[flags["quiet_age"].pk])
    assert "Choose an action and at least one flag." in response.content.decode()
    assert Flag.objects.open().count() == 3


def test_queue_query_count_does_not_grow_with_flags(admin_client, django_assert_max_num_queries, flags):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get("/review/")
    company = make_company()
    for _ in range(20):
        Flag.objects.create(channel=make_channel(company), reason="age")
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/review/")
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "data",
    [
        {"one": "verified:\x00", "filters": "reason=age\x00"},
        {"one": "verified:²"},
        {"action": "verified", "ids": ["\x00", "²", "-1"], "bulk_note": "\x00"},
        {"action": "\x00dismissed", "ids": ["1"]},
    ],
)
def test_odd_resolutions_get_the_message_and_resolve_nothing(admin_client, flags, data):
    response = resolve(admin_client, **data)
    assert response.status_code == 200
    assert "Choose an action and at least one flag." in response.content.decode()
    assert Flag.objects.open().count() == 3


def test_a_dismissal_note_keeps_what_was_typed_without_nul_bytes(admin_client, flags):
    flag = flags["quiet_age"]
    resolve(admin_client, one=f"dismissed:{flag.pk}", **{f"note-{flag.pk}": " Duplicate\x00 entry "})
    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("dismissed", "Duplicate entry")


def test_retiring_a_channel_and_a_guide_reindexes_their_companies_once(
    admin_client, flags, django_capture_on_commit_callbacks
):
    from unittest import mock

    from search import receivers

    guide_flag = Flag.objects.create(guide=make_guide(flags["quiet_age"].channel.company), reason="age")
    ids = [flags["popular_link"].pk, guide_flag.pk]
    from search.models import IndexChange

    IndexChange.objects.all().delete()  # what setting up the flags recorded
    with mock.patch.object(receivers.drain_index_changes, "delay") as drain:
        with django_capture_on_commit_callbacks(execute=True):
            resolve(admin_client, action="retired", ids=ids, bulk_note="", confirmed="1")
    companies = {flags["popular_link"].company_id, guide_flag.company_id}
    assert set(IndexChange.objects.values_list("object_id", flat=True)) == companies
    assert drain.call_count == 1


def test_odd_queue_filters_are_ignored(admin_client, flags):
    for query in ({"reason": "age\x00"}, {"category": "telecoms\x00"}, {"reason": "²", "category": "<b>"}):
        response = admin_client.get("/review/", query)
        html = response.content.decode()
        assert response.status_code == 200 and "Popular Telecom" in html and "Quiet Bank" in html


def test_a_dismissal_is_a_verification_the_next_sweep_respects(admin_client, flags):
    from freshness import sweeps

    aged = flags["quiet_age"]
    html = admin_client.get("/review/").content.decode()
    assert "Phone channels are checked every 180 days: due since" in html
    resolve(admin_client, one=f"dismissed:{aged.pk}", **{f"note-{aged.pk}": "Checked on the website today"})
    aged.channel.refresh_from_db()
    assert aged.channel.last_verified_by.username == "admin"
    assert sweeps.flag_aged_channels() == 0
    assert not Flag.objects.open().filter(channel=aged.channel).exists()


def test_dismissed_feedback_is_not_reopened_for_the_same_reports_only_for_new_ones(admin_client):
    from freshness import sweeps
    from tests.factories import make_report

    channel = make_channel()
    for _ in range(12):
        make_report(channel, worked=False)
    assert sweeps.flag_failing_channels() == 1
    flag = Flag.objects.get(channel=channel)
    assert (
        "12 of the last 12 people could not get through since"
        in admin_client.get("/review/").content.decode()
    )
    resolve(admin_client, one=f"dismissed:{flag.pk}", **{f"note-{flag.pk}": "One forum thread"})
    assert sweeps.flag_failing_channels() == 0
    for _ in range(12):
        make_report(channel, worked=False)
    assert sweeps.flag_failing_channels() == 1


def test_retiring_asks_first_and_can_be_undone_from_the_channel_history(admin_client, flags):
    link = flags["popular_link"]
    response = resolve(admin_client, one=f"retired:{link.pk}")
    assert "Retire 1 entry?" in response.content.decode() and "Yes, retire" in response.content.decode()
    link.channel.refresh_from_db()
    assert link.channel.status == "active"
    resolve(admin_client, one=f"retired:{link.pk}", confirmed="1")
    link.channel.refresh_from_db()
    assert link.channel.status == "retired"
    history_url = f"/companies/{link.channel.company.slug}/channels/{link.channel.pk}/history/"
    assert "Restore this channel" in admin_client.get(history_url).content.decode()
    assert Client().post(f"/review/channels/{link.channel.pk}/restore/").status_code == 302  # to log in
    response = admin_client.post(f"/review/channels/{link.channel.pk}/restore/", follow=True)
    html = response.content.decode()
    assert "The channel is back on the company page." in html
    assert "Restored after retirement" in html and "Retired from the review queue" in html
    link.channel.refresh_from_db()
    assert link.channel.status == "active" and not link.channel.is_primary
