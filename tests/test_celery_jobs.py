"""The scheduled freshness jobs, run by a real Celery beat and worker on the local Redis."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from directory import view_counts
from directory.models import Company
from freshness.models import Flag
from opendata.models import ImportRun
from tests.factories import make_channel, make_report
from tests.test_open_data import NORTHWIND, dataset
from tests.test_search_worker import ROOT, service_env, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_sweeps_and_the_page_views_and_a_worker_runs_them(redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL so that the worker shares the test database")
    redis.Redis.from_url(redis_url).flushdb()
    stale = make_channel(last_verified_at=timezone.now() - timedelta(days=400))
    fresh = make_channel(last_verified_at=timezone.now())
    dying = make_channel(last_verified_at=timezone.now())
    for _ in range(12):
        make_report(dying, worked=False, reason="wrong_number")
    redis.Redis.from_url(redis_url).hincrby(view_counts.PENDING_KEY, stale.company.slug, 3)  # three visits
    env = service_env(redis_url) | {
        "REDIS_URL": redis_url,
        "FLAG_STALE_EVERY_SECONDS": "1",
        "FLAG_FAILING_EVERY_SECONDS": "1",
        "OPEN_DATA_SOURCES": f"datenanfragen={dataset(tmp_path, [NORTHWIND])}",
        "OPEN_DATA_EVERY_SECONDS": "1",
        "CHECK_LINKS_EVERY_SECONDS": "3600",
        "PAGE_VIEWS_EVERY_SECONDS": "1",
    }
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(
        [celery, "-A", "gethelp", "worker", "-Q", "default", "--pool", "solo", "--without-gossip",
         "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    beat = subprocess.Popen(
        [celery, "-A", "gethelp", "beat", "--schedule", str(tmp_path / "beat-schedule"), "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_until(lambda: Flag.objects.filter(channel=stale, reason="age").exists(), 90)
        assert wait_until(lambda: Flag.objects.filter(channel=dying, reason="feedback").exists(), 30)
        assert not Flag.objects.filter(channel=fresh).exists()
        # Beat keeps firing; the constraint keeps one open flag however often it runs.
        assert wait_until(lambda: Flag.objects.count() == 2, 5)
        assert wait_until(lambda: Company.objects.get(pk=stale.company_id).view_count == 3, 30)
        # The configured open dataset is imported, and re-imported without writing anything.
        assert wait_until(lambda: Company.objects.filter(name=NORTHWIND["name"]).exists(), 30)
        assert wait_until(lambda: ImportRun.objects.filter(counts__unchanged=5).exists(), 30)
    finally:
        beat.terminate()
        worker.terminate()
        beat.wait(timeout=30)
        worker.wait(timeout=30)
    assert Flag.objects.filter(channel=stale).count() == 1
