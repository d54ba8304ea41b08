"""The search queue under concurrent writers: a real Celery worker on the local Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from search import queries
from tests.factories import make_category, make_company

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
COMPANIES = 60
EDITORS = 3

EDIT_SCRIPT = """
import sys
import django
django.setup()
from directory.models import Company
editor, editors = int(sys.argv[1]), int(sys.argv[2])
for company in Company.objects.filter(slug__startswith="ledger-").order_by("pk"):
    n = int(company.slug.split("-")[1])
    if n % editors != editor:
        continue
    if n % 2:
        company.delete()
    else:
        company.name = f"Ledger Renamed {n:03d}"
        company.save()
"""


def service_env(redis_url):
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="gethelp.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=redis_url,
        SEARCH_URL="whoosh://" + settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)  # polling the index for the queue to drain, not timing it
    return True


def test_concurrent_edits_and_deletes_all_reach_the_index(redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL so that several processes can share the test database")
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    category = make_category()
    companies = [
        make_company(name=f"Ledger Company {n:03d}", slug=f"ledger-{n}", category=category)
        for n in range(COMPANIES)
    ]
    kept = {c.pk for n, c in enumerate(companies) if n % 2 == 0}
    assert len(queries.search_companies("ledger").pks) == COMPANIES

    env = service_env(redis_url)
    celery = Path(sys.executable).parent / "celery"
    worker_log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(celery), "-A", "gethelp", "worker", "-Q", "search", "--concurrency", "1", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        editors = [
            subprocess.Popen(
                [sys.executable, "-c", EDIT_SCRIPT, str(k), str(EDITORS)],
                cwd=ROOT,
                env=env,
                stderr=subprocess.PIPE,
            )
            for k in range(EDITORS)
        ]
        for editor in editors:
            _, err = editor.communicate(timeout=120)
            assert editor.returncode == 0, err

        def index_matches():
            # The queue can look empty while the worker still holds prefetched
            # tasks, so wait for the final state itself.
            return (
                set(queries.search_companies("ledger renamed").pks) == kept
                and set(queries.search_companies("ledger").pks) == kept
                and queries.search_companies("ledger company").pks == []
            )

        matched = wait_until(index_matches, 120)
        assert matched, (
            "the index did not catch up with every edit and delete: "
            f"found {sorted(queries.search_companies('ledger').pks)}, expected {sorted(kept)}; "
            f"worker log: {(tmp_path / 'worker.log').read_text()[-2000:]}"
        )
        assert wait_until(lambda: broker.llen("search") == 0, 30), "tasks are left in the search queue"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker_log.close()
