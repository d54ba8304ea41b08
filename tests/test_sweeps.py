import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.locks import SweepRunning, sweep_lock
from directory.models import ContactChannel
from freshness import sweeps
from freshness.models import ChannelReport, Flag
from tests.factories import make_channel, make_company, make_guide, make_report
from tests.test_search_worker import wait_until

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def days_ago(days):
    return NOW - timedelta(days=days)


def test_channels_past_their_kind_interval_are_flagged():
    company = make_company()
    old_phone = make_channel(company, kind="phone", last_verified_at=days_ago(181))
    fresh_phone = make_channel(company, kind="phone", last_verified_at=days_ago(179))
    old_form = make_channel(company, kind="web_form", last_verified_at=days_ago(91))
    make_channel(company, kind="phone", last_verified_at=days_ago(400), status="retired")
    assert sweeps.flag_aged_channels(NOW) == 2
    flagged = set(Flag.objects.filter(reason="age").values_list("channel_id", flat=True))
    assert flagged == {old_phone.pk, old_form.pk}
    assert fresh_phone.pk not in flagged
    assert set(Flag.objects.values_list("company_id", flat=True)) == {company.pk}  # for the review queue


def test_never_verified_channels_count_from_when_they_were_added():
    channel = make_channel(last_verified_at=None)
    assert sweeps.flag_aged_channels(NOW) == 0
    ContactChannel.objects.filter(pk=channel.pk).update(created=days_ago(200))
    assert sweeps.flag_aged_channels(NOW) == 1


def test_rerunning_a_sweep_never_duplicates_a_flag():
    make_channel(last_verified_at=days_ago(365))
    assert sweeps.flag_aged_channels(NOW) == 1
    assert sweeps.flag_aged_channels(NOW) == 0
    assert Flag.objects.count() == 1


def test_a_resolved_flag_lets_a_new_one_open_later():
    channel = make_channel(last_verified_at=days_ago(365))
    sweeps.flag_aged_channels(NOW)
    Flag.objects.update(status="dismissed")
    assert sweeps.flag_aged_channels(NOW) == 1
    assert Flag.objects.filter(channel=channel).count() == 2


def test_database_refuses_a_second_open_flag_for_the_same_target_and_reason():
    channel = make_channel()
    Flag.objects.create(channel=channel, reason="age")
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(channel=channel, reason="age")
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(reason="age")  # no target


def test_two_angry_votes_do_not_flag_a_good_number():
    channel = make_channel()
    for _ in range(2):
        make_report(channel, worked=False, reason="wrong_number")
    assert sweeps.flag_failing_channels(NOW) == 0


def answers(channel, pattern, start, every=timedelta(days=1), weight=1):
    """Reports of `pattern` ("y"/"n" per answer) from distinct visitors, `every` apart from `start`."""
    for n, letter in enumerate(pattern):
        report = make_report(
            channel, worked=letter == "y", weight=weight, reason="" if letter == "y" else "wrong_number"
        )
        at = start + n * every
        ChannelReport.objects.filter(pk=report.pk).update(created=at, day=at.date())


def test_a_number_that_worked_for_months_is_flagged_after_a_few_failures_with_the_evidence():
    channel = make_channel()
    answers(channel, ("yyyyyyn" * 30)[:200], days_ago(210))
    answers(channel, "nnnn", days_ago(8))
    assert sweeps.flag_failing_channels(days_ago(5)) == 0
    answers(channel, "nnnn", days_ago(4))
    assert sweeps.flag_failing_channels(NOW) == 1
    flag = Flag.objects.get(reason="feedback")
    assert flag.channel == channel and flag.company_id == channel.company_id
    assert flag.evidence["rule"] == "change"
    assert flag.evidence["people"] == flag.evidence["failures"] <= 8
    assert flag.evidence["since"].startswith(days_ago(8).date().isoformat())
    assert "could not get through since" in flag.evidence_lines()[0]


def test_mixed_reports_of_a_working_channel_do_not_flag():
    channel = make_channel()
    answers(channel, "yyyyn" * 60, days_ago(300))
    assert sweeps.flag_failing_channels(NOW) == 0


def test_repeat_answers_from_one_network_count_once():
    channel = make_channel()
    answers(channel, "yyyyyyn" * 10, days_ago(80))
    answers(channel, "n", days_ago(2))
    answers(channel, "n" * 40, days_ago(2), every=timedelta(minutes=1), weight=0)
    assert sweeps.flag_failing_channels(NOW) == 0


def test_the_sweep_goes_on_from_where_it_stopped():
    from freshness.models import SweepMark

    channel = make_channel()
    sweeps.flag_failing_channels(NOW)
    assert SweepMark.objects.get(name="feedback").reached == NOW
    # Answers older than the last run (and its overlap) were judged then: not read again.
    answers(channel, "n" * 12, days_ago(5), every=timedelta(hours=1))
    assert sweeps.failing_channels(NOW, since=days_ago(1)) == ({}, {})
    later = NOW + timedelta(minutes=5)
    answers(channel, "n", NOW + timedelta(minutes=1))
    assert sweeps.flag_failing_channels(later) == 1


def test_later_successes_close_the_flag_of_a_number_that_works_again():
    channel = make_channel()
    answers(channel, "yyyyyyn" * 10 + "n" * 10, days_ago(30), every=timedelta(hours=6))
    assert sweeps.flag_failing_channels(days_ago(1)) == 1
    flag = Flag.objects.get(reason="feedback")
    answers(channel, "yy", days_ago(0.5), every=timedelta(hours=1))
    sweeps.flag_failing_channels(days_ago(0.3))
    flag.refresh_from_db()
    assert flag.status == "open"  # two people are not enough
    answers(channel, "y", days_ago(0.2))
    sweeps.flag_failing_channels(NOW)
    flag.refresh_from_db()
    assert flag.status == "dismissed" and flag.resolved_by is None
    assert flag.note == "Works again: 3 of the 3 people since the flag got through."
    verified_before = channel.last_verified_at
    channel.refresh_from_db()
    assert channel.last_verified_at == verified_before  # answers are not a person's check


def test_guides_are_flagged_when_a_channel_they_use_is_flagged_changed_or_retired():
    company = make_company()
    flagged_channel = make_channel(company)
    retired_channel = make_channel(company)
    changed_channel = make_channel(company)
    calm_channel = make_channel(company)
    guides = {}
    for name, channel in [
        ("flagged", flagged_channel),
        ("retired", retired_channel),
        ("changed", changed_channel),
        ("calm", calm_channel),
    ]:
        guide = make_guide(company, slug=name, last_verified_at=NOW + timedelta(minutes=30))
        guide.channels.add(channel)
        guides[name] = guide
    Flag.objects.create(channel=flagged_channel, reason="age")
    ContactChannel.objects.filter(pk=retired_channel.pk).update(status="retired")
    ContactChannel.objects.filter(pk=changed_channel.pk).update(modified=NOW + timedelta(hours=1))
    assert sweeps.flag_guides_with_stale_channels(NOW) == 3
    flagged = set(Flag.objects.filter(reason="channel_changed").values_list("guide__slug", flat=True))
    assert flagged == {"flagged", "retired", "changed"}
    assert set(Flag.objects.values_list("company_id", flat=True)) == {company.pk}
    assert sweeps.flag_guides_with_stale_channels(NOW) == 0


def test_flag_stale_command_runs_every_sweep_with_the_same_code(capsys):
    make_channel(last_verified_at=days_ago(365))
    call_command("flag_stale", "--no-links")
    assert "aged: 1 flagged, feedback: 0 flagged, guides: 0 flagged" in capsys.readouterr().out


def test_a_sweep_already_running_is_not_started_twice():
    with sweep_lock("all"):
        with pytest.raises(SweepRunning):
            sweeps.run_all(NOW, links=False)
    assert sweeps.run_all(NOW, links=False) == {"aged": 0, "feedback": 0, "guides": 0}


def test_company_page_warns_while_a_channel_or_guide_is_flagged(client):
    company = make_company(slug="acme")
    channel = make_channel(company)
    guide = make_guide(company, slug="cancel")
    html = client.get("/companies/acme/").content.decode()
    assert "may be out of date" not in html.lower()
    Flag.objects.create(channel=channel, reason="age")
    Flag.objects.create(guide=guide, reason="channel_changed")
    html = client.get("/companies/acme/").content.decode()
    assert "This may be out of date: we are checking it." in html
    assert "May be out of date</span>" in html
    guide_page = client.get("/companies/acme/guides/cancel/").content.decode()
    assert "This guide may be out of date" in guide_page


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_open_each_flag_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    for _ in range(30):
        make_channel(last_verified_at=days_ago(365))
    results, barrier = [], threading.Barrier(4)

    def run():
        barrier.wait()
        try:
            results.append(sweeps.flag_aged_channels(NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Flag.objects.filter(reason="age").count() == 30
    assert sum(results) == 30


def test_the_sweep_lock_dies_with_the_connection_that_held_it():
    import psycopg2

    from core.locks import advisory_key

    if connection.vendor != "postgresql":
        pytest.skip("the embedded default's lock is a cache entry that expires")
    db = connection.settings_dict
    holder = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [advisory_key("all")])
    with pytest.raises(SweepRunning):
        sweeps.run_all(NOW, links=False)
    holder_pid = holder.get_backend_pid()
    holder.close()  # the worker holding it was killed

    def holder_gone():
        # The server ends the closed connection's backend on its own time; its locks go with it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [holder_pid])
            return cursor.fetchone()[0] == 0

    assert wait_until(holder_gone, 30)
    assert sweeps.run_all(NOW, links=False) == {"aged": 0, "feedback": 0, "guides": 0}


def test_the_periodic_tasks_are_run_again_when_a_worker_dies_mid_run():
    from directory.tasks import add_counted_page_views
    from freshness.tasks import check_links, flag_stale_entries
    from search.tasks import apply_index_change, reindex_companies

    for task in (
        flag_stale_entries,
        check_links,
        add_counted_page_views,
        apply_index_change,
        reindex_companies,
    ):
        assert task.acks_late and task.reject_on_worker_lost, task.name
