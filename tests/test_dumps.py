"""The nightly open-data dump: complete files only, published content only, checksums that match."""

import csv
import gzip
import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gethelp import dumps
from tests.factories import make_channel, make_company, make_published_guide, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(settings, tmp_path):
    settings.DUMP_DIR = tmp_path / "dumps"
    return settings.DUMP_DIR


@pytest.fixture
def directory():
    company = make_company(slug="tailspin", name="Tailspin")
    make_channel(company, value="+12025550171")
    make_channel(company, kind="email", value="help@tailspin.example")
    make_company(slug="quiet", name="Quiet")
    guide = make_published_guide(
        company, slug="cancel", title="Cancel Tailspin", body="Call and say **cancel**."
    )
    content = {field: getattr(guide, field) for field in guide.CONTENT_FIELDS}
    guide.save_revision(
        make_user("newbie"), {**content, "body": "Call 0900 123 456 instead"}, "Vandal", publish=False
    )
    return company


def read_gzip(path):
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_the_dump_holds_companies_channels_and_published_guides_with_checksums(folder, directory):
    entry = dumps.write_dump()
    files = {file["kind"]: file for file in entry["files"]}
    records = [json.loads(line) for line in read_gzip(folder / files["companies"]["name"]).splitlines()]
    assert [r["slug"] for r in records] == ["quiet", "tailspin"] and files["companies"]["records"] == 2
    tailspin = records[1]
    assert {c["value"] for c in tailspin["channels"]} == {"+12025550171", "help@tailspin.example"}
    [guide] = tailspin["guides"]
    assert guide["markdown"] == "Call and say **cancel**." and "<strong>cancel</strong>" in guide["html"]
    assert "0900" not in read_gzip(folder / files["companies"]["name"])  # the pending edit stays out
    rows = list(csv.DictReader(io.StringIO(read_gzip(folder / files["channels"]["name"]))))
    assert files["channels"]["records"] == 2 and len(rows) == 3  # the company without channels has one row
    assert "company_guides" not in rows[0]
    for file in files.values():
        data = (folder / file["name"]).read_bytes()
        assert file["sha256"] == hashlib.sha256(data).hexdigest() and file["bytes"] == len(data)
        assert (folder / f"{file['name']}.sha256").read_text() == f"{file['sha256']}  {file['name']}\n"
    assert dumps.read_manifest() == [entry]


def test_a_reader_never_sees_a_half_written_dump(folder, directory):
    from directory.importer import export_records

    yesterday = dumps.write_dump(now=timezone.now() - timedelta(days=1))
    name = f"gethelp-companies-{timezone.now():%Y-%m-%d}.jsonl.gz"

    def records_then_crash():
        for record in export_records():
            assert not (folder / name).exists()  # mid-write, the final name does not exist yet
            assert dumps.read_manifest() == [yesterday]
            yield record
        raise MemoryError("the worker dies mid-dump")

    with pytest.raises(MemoryError):
        dumps.write_dump(records=records_then_crash())
    assert not (folder / name).exists() and not list(folder.glob(".*partial"))
    assert dumps.read_manifest() == [yesterday]
    assert all((folder / file["name"]).is_file() for file in yesterday["files"])
    (folder / ".gethelp-companies-x.jsonl.gz.999.partial").write_bytes(b"a dead worker's half file")
    dumps.write_dump()
    assert not list(folder.glob(".*partial"))  # the next run clears what a killed one left


def test_the_newest_seven_dumps_are_kept(folder, directory):
    for days_ago in range(9, -1, -1):
        dumps.write_dump(now=timezone.now() - timedelta(days=days_ago))
    manifest = dumps.read_manifest()
    assert len(manifest) == 7 and manifest[0]["date"] == f"{timezone.now():%Y-%m-%d}"
    listed = {f["name"] for d in manifest for f in d["files"]}
    on_disk = {p.name for p in folder.glob("gethelp-*.gz")}
    assert on_disk == listed and len(on_disk) == 14


def test_the_data_page_lists_the_dumps_and_serves_only_listed_files(client, folder, directory):
    assert "No dump has been written yet" in client.get("/data/").content.decode()
    entry = dumps.write_dump()
    html = client.get("/data/").content.decode()
    companies = entry["files"][0]
    assert companies["name"] in html and companies["sha256"] in html and "2 companies" in html
    assert "CC BY-SA 4.0" in html and "How to cite" in html
    response = client.get(f"/data/{companies['name']}")
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content) == (folder / companies["name"]).read_bytes()
    )
    assert client.get(f"/data/{companies['name']}.sha256").status_code == 200
    (folder / "secret.txt").write_text("not for you")
    for name in [
        "secret.txt",
        "dumps.json",
        "..%2Fsettings.py",
        "%00",
        "x" * 5000,
        "gethelp-companies-2000-01-01.jsonl.gz",
    ]:
        assert client.get(f"/data/{name}").status_code == 404, name


def test_the_nightly_task_writes_a_dump(folder, directory):
    from gethelp.tasks import write_dump

    assert write_dump.delay().get() == {
        f"gethelp-companies-{timezone.now():%Y-%m-%d}.jsonl.gz": 2,
        f"gethelp-channels-{timezone.now():%Y-%m-%d}.csv.gz": 2,
    }
