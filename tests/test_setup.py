"""The embedded default and production settings, checked in fresh processes."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gethelp.settings import envbool, envint, haystack_connection

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra):
    dropped = ("DATABASE_URL", "REDIS_URL", "SEARCH_URL", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def manage(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, deadline):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # polling a server that is starting, not timing a result


def test_embedded_default_serves_sample_data_from_sqlite_and_whoosh(tmp_path):
    env = clean_env(VAR_DIR=str(tmp_path))
    for command in (["migrate", "--noinput"], ["load_sample_data"], ["rebuild_index", "--noinput"]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "gethelp.sqlite3").exists()
    assert (tmp_path / "whoosh_index").is_dir()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        status, home = wait_for(f"http://127.0.0.1:{port}/", deadline)
        assert status == 200 and "Most viewed companies" in home
        status, company = wait_for(f"http://127.0.0.1:{port}/companies/northwind-wireless/", deadline)
        assert status == 200 and "Contact Northwind Wireless" in company and 'href="tel:+1' in company
        status, health = wait_for(f"http://127.0.0.1:{port}/healthz", deadline)
        assert status == 200 and '"status": "ok"' in health
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_deploy_check_is_clean_with_debug_off_and_https_settings(tmp_path):
    env = clean_env(
        VAR_DIR=str(tmp_path),
        DEBUG="False",
        SECRET_KEY="k" * 20 + "-production-secret-" + "x9Z!" * 10,
        ALLOWED_HOSTS="gethelp.example",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", env=clean_env(VAR_DIR=str(tmp_path), DEBUG="False", SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_env_helpers_refuse_bad_values_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be True or False"):
        envbool("SOME_FLAG", "False")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        envint("SOME_NUMBER", 1)


def test_search_url_picks_whoosh_or_elasticsearch():
    assert haystack_connection("whoosh:///srv/index")["PATH"] == "/srv/index"
    es = haystack_connection("elasticsearch7://search.internal:9200/gethelp")
    assert es["URL"] == "http://search.internal:9200/" and es["INDEX_NAME"] == "gethelp"
    with pytest.raises(ImproperlyConfigured, match="SEARCH_URL"):
        haystack_connection("solr://x")


def test_gunicorn_serves_the_wsgi_app(tmp_path):
    env = clean_env(VAR_DIR=str(tmp_path))
    assert manage("migrate", "--noinput", env=env).returncode == 0
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "gethelp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/robots.txt", time.monotonic() + 60)
        assert status == 200 and "Sitemap:" in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_each_run_gets_a_database_name_of_its_own():
    from tests.services import unique_database

    first, second = (
        unique_database("postgres://postgres@127.0.0.1:5432/gethelp?sslmode=disable") for _ in range(2)
    )
    assert first != second
    assert first.startswith(f"postgres://postgres@127.0.0.1:5432/gethelp_{os.getpid()}_")
    assert first.endswith("?sslmode=disable")


@pytest.mark.django_db
def test_this_run_uses_its_own_test_database():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in memory, one per run anyway")
    assert f"_{os.getpid()}_" in connection.settings_dict["NAME"]
