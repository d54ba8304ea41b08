"""Many people at once on one guide, and two imports of the same companies: every save is a
revision or a conflict, nothing is overwritten unseen, and nothing fails with an error."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from directory.models import Company, ContactChannel
from guides.models import GuideRevision
from tests.factories import make_company, make_guide, make_published_guide, make_user

pytestmark = pytest.mark.django_db(transaction=True)
EDITORS = 50


@pytest.fixture(autouse=True)
def postgresql_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the row locks under test are PostgreSQL's")
    settings.EDIT_RATE_LIMIT = (1000, 1000, 3600)


def at_once(work, count):
    """Runs work(n) for n in range(count) in threads released together; returns their results."""
    start, results = threading.Barrier(count), [None] * count

    def run(n):
        start.wait()
        try:
            results[n] = work(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def editors():
    clients = []
    for n in range(EDITORS):
        client = Client()
        client.force_login(make_user(f"editor{n}", trusted=True))
        clients.append(client)
    return clients


def edit_at_once(guide, base):
    clients = editors()
    form = {"title": guide.title, "difficulty": guide.difficulty, "summary": "", "base_revision": base}

    def save(n):
        return clients[n].post(
            f"/companies/acme/guides/{guide.slug}/edit/", {**form, "body": f"Call and say {n}."}
        )

    return [response.status_code for response in at_once(save, EDITORS)]


@pytest.mark.parametrize("with_revision", [True, False])
def test_fifty_editors_on_one_guide_each_get_a_revision_or_a_conflict(with_revision):
    company = make_company(slug="acme")
    if with_revision:
        guide = make_published_guide(company, slug="reach", body="Call them.")
    else:
        guide = make_guide(company, slug="reach", body="Call them.")  # as guides written before revisions
    statuses = edit_at_once(guide, 1 if with_revision else "")
    assert set(statuses) <= {302, 409}
    saved = statuses.count(302)
    assert saved == 1  # all changed the same line from the same text: one wins, the others see theirs
    assert GuideRevision.objects.filter(guide=guide).count() == saved + with_revision
    guide.refresh_from_db()
    assert guide.body.startswith("Call and say ")


def test_two_imports_of_the_same_companies_at_once_land_each_company_once(tmp_path):
    lines = [
        {"slug": f"firm-{n}", "name": f"Firm {n}", "category": "Energy",
         "channels": [{"kind": "phone", "value": f"+1718555{100 + n:04d}"}]}
        for n in range(40)
    ]  # fmt: skip
    path = tmp_path / "same.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    def run_import(n):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_directory", str(path), no_progress=True, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    reports = at_once(run_import, 2)
    assert Company.objects.filter(slug__startswith="firm-").count() == 40
    assert ContactChannel.objects.filter(company__slug__startswith="firm-").count() == 40
    for out, err in reports:
        created, updated, unchanged, rejected = (int(x) for x in _counts(out))
        assert created + updated + unchanged + rejected == 40, (out, err)
        assert err.count("rejected:") == rejected  # each line not imported is named with its reason


def _counts(summary):
    import re

    found = re.search(
        r"companies: (\d+) created, (\d+) updated, (\d+) unchanged; .* rejected: (\d+)", summary
    )
    return found.groups()
