"""Chooses the services the suite runs against, before Django reads its settings.

With CI=true the local PostgreSQL and Redis must answer: a missing one stops the
run with an error, never a silent skip. Elsewhere the suite falls back to SQLite
and in-process tasks and says so in its header.
"""

import os
import secrets
import tempfile
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/gethelp"
REDIS_URL = "redis://127.0.0.1:6379/15"

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
report = []


def postgres_reachable(url):
    import psycopg2

    try:
        psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip()
    return ""


def redis_reachable(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return ""


def unique_database(url):
    """The URL with a database name of its own, so two runs against one server never share a test database.

    pytest-django creates test_<name> at the start and drops it at the end; a run
    that is killed leaves its own behind, never another run's.
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{os.getpid()}_{secrets.token_hex(3)}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    var_dir = tempfile.mkdtemp(prefix=f"gethelp-test-{worker}-")
    os.environ["VAR_DIR"] = var_dir
    os.environ["SEARCH_URL"] = f"whoosh://{var_dir}/whoosh_index"
    os.environ["FAST_PASSWORD_HASHER"] = "True"
    os.environ.setdefault("DEBUG", "True")
    # Playwright's sync API keeps an event loop in the test thread; Django would
    # otherwise refuse database access from test code while it runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The suite itself runs tasks in-process; the Celery tests start a real worker
    # against TEST_REDIS_URL on their own.
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)

    database_url = unique_database(os.environ.get("TEST_DATABASE_URL", POSTGRES_URL))
    problem = postgres_reachable(database_url)
    if not problem:
        os.environ["DATABASE_URL"] = database_url
        report.append(f"database: PostgreSQL at {database_url}")
    elif IN_CI:
        raise pytest.UsageError(f"CI=true but PostgreSQL is not reachable at {database_url}: {problem}")
    else:
        os.environ.pop("DATABASE_URL", None)
        report.append(f"database: SQLite (PostgreSQL not reachable: {problem.splitlines()[0]})")

    redis_url = os.environ.get("TEST_REDIS_URL", REDIS_URL)
    problem = redis_reachable(redis_url)
    if not problem:
        os.environ["TEST_REDIS_URL"] = redis_url
        report.append(f"redis: {redis_url} (real Celery worker tests enabled)")
    elif IN_CI:
        raise pytest.UsageError(f"CI=true but Redis is not reachable at {redis_url}: {problem}")
    else:
        os.environ.pop("TEST_REDIS_URL", None)
        report.append(f"redis: not reachable ({problem}); tasks run in-process only")

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if os.path.exists(chromium):
        report.append(f"browser: {chromium}")
    elif IN_CI:
        raise pytest.UsageError(f"CI=true but Chromium is missing at {chromium}")
    else:
        report.append(f"browser: Chromium missing at {chromium}; browser tests skip")


def pytest_report_header(config):
    return ["GetHelp services: " + "; ".join(report)]
