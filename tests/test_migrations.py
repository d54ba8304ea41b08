"""Moving models between apps keeps their rows: the migrations run forward on a populated database."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# Reports, link checks and flags still in the directory app.
BEFORE_THE_MOVE = [("directory", "0005_flag_company_required"), ("freshness", None)]
STATE_BEFORE_THE_MOVE = [("directory", "0005_flag_company_required"), ("guides", "0004_revision_channels")]


def migrate(targets=None):
    """Migrates to `targets` (default: the latest migrations) and returns the executor."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def populate_before_the_move(executor):
    old = executor.loader.project_state(STATE_BEFORE_THE_MOVE).apps
    category = old.get_model("directory", "Category").objects.create(name="Energy", slug="energy")
    company = old.get_model("directory", "Company").objects.create(
        name="Acme", slug="acme", category=category
    )
    channel = old.get_model("directory", "ContactChannel").objects.create(
        company=company, kind="phone", value="+12025550143"
    )
    old.get_model("directory", "ChannelReport").objects.create(
        channel=channel, worked=False, reason="no_human", day="2026-11-20", visitor="v", ip_hash="i"
    )
    old.get_model("directory", "LinkCheck").objects.create(
        channel=channel, checked_at="2026-11-20T10:00:00Z", ok=False, error="HTTP 404"
    )
    old.get_model("directory", "Flag").objects.create(
        channel=channel, company=company, reason="feedback", evidence={"failures": 9}
    )
    return channel.pk


def test_reports_link_checks_and_flags_keep_their_rows_and_content_types_in_the_freshness_app():
    content_type = ContentType.objects.get(app_label="freshness", model="flag").pk
    channel_id = populate_before_the_move(migrate(BEFORE_THE_MOVE))
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(app_label="directory", model="flag").pk == content_type

    migrate()

    from freshness.models import ChannelReport, Flag, LinkCheck

    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Flag).pk == content_type
    assert not ContentType.objects.filter(app_label="directory", model__in=["flag", "linkcheck"]).exists()
    report, check, flag = ChannelReport.objects.get(), LinkCheck.objects.get(), Flag.objects.get()
    assert (report.channel_id, report.reason) == (channel_id, "no_human")
    assert (check.channel_id, check.error) == (channel_id, "HTTP 404")
    assert (flag.channel_id, flag.status, flag.evidence) == (channel_id, "open", {"failures": 9})
    assert flag.channel.flags.get() == flag and flag.channel.reports.get() == report
