import csv
import io
import json
from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Category, Company, ContactChannel
from opendata.models import Provenance
from tests.factories import make_channel, make_company

pytestmark = pytest.mark.django_db


def company_line(slug="northwind", **overrides):
    record = {
        "slug": slug,
        "name": slug.title(),
        "aliases": ["NW"],
        "category": {"slug": "telecoms", "name": "Telecoms"},
        "website": f"https://www.{slug}.example/",
        "countries": ["us"],
        "channels": [
            {
                "kind": "phone",
                "value": "(202) 555-0143",
                "department": "general",
                "ivr_steps": [{"action": "press", "value": "2"}],
                "hours": [{"day": "mon", "opens": "08:00", "closes": "20:00"}],
                "time_zone": "America/New_York",
                "last_verified_at": "2026-11-01T10:00:00+00:00",
            },
            {"kind": "email", "value": f"help@{slug}.example", "department": "billing"},
        ],
    }
    record.update(overrides)
    return json.dumps(record)


def run_import(tmp_path, text, name="data.jsonl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_directory", str(path), no_progress=True, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_companies_and_channels_with_normalised_values(tmp_path):
    out, err = run_import(tmp_path, company_line() + "\n")
    assert (
        "companies: 1 created, 0 updated, 0 unchanged; channels: 2 created, 0 updated, 0 unchanged; rejected: 0"
        in out
    )
    assert err == ""
    company = Company.objects.get(slug="northwind")
    assert company.countries == ["US"]
    assert company.category.name == "Telecoms"
    phone = company.channels.get(kind="phone")
    assert phone.value == "+12025550143"
    assert phone.tel_uri == "tel:+12025550143,,2"


def test_reimporting_updates_only_what_changed_and_never_duplicates(tmp_path):
    run_import(tmp_path, company_line() + "\n")
    changed = json.loads(company_line())
    changed["name"] = "Northwind Wireless"
    changed["channels"][0]["value"] = "+1 202-555-0143"  # same number, other format
    changed["channels"][0]["typical_wait_minutes"] = 9
    out, _ = run_import(tmp_path, json.dumps(changed) + "\n")
    assert "companies: 0 created, 1 updated, 0 unchanged; channels: 0 created, 1 updated, 1 unchanged" in out
    assert Company.objects.count() == 1
    assert ContactChannel.objects.count() == 2
    assert Company.objects.get().name == "Northwind Wireless"
    assert ContactChannel.objects.get(kind="phone").typical_wait_minutes == 9


def writes(context, table=""):
    """The INSERT, UPDATE and DELETE statements run, on tables whose name starts with `table`."""
    return [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE") and f'"{table}' in q["sql"]
    ]


def firms(count):
    return [company_line(f"firm-{n}") for n in range(count)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_reimporting_an_unchanged_file_writes_nothing_and_reports_unchanged(
    tmp_path, fmt, django_assert_max_num_queries
):
    run_import(tmp_path, "\n".join(firms(30)) + "\n")
    text = export(tmp_path, fmt).read_text(encoding="utf-8")
    with CaptureQueriesContext(connection) as context:
        out, err = run_import(tmp_path, text, name=f"again.{fmt}")
    assert (
        "companies: 0 created, 0 updated, 30 unchanged; channels: 0 created, 0 updated, 60 unchanged" in out
    )
    assert "rejected: 0" in out and err == ""
    assert writes(context) == []
    # The companies and their channels are read in one query each, with one for the category.
    with django_assert_max_num_queries(5):
        run_import(tmp_path, text, name=f"again.{fmt}")


def test_a_changed_field_is_reported_updated_and_only_its_row_is_written(tmp_path):
    lines = firms(5)
    run_import(tmp_path, "\n".join(lines) + "\n")
    modified = dict(ContactChannel.objects.values_list("pk", "modified"))
    changed = json.loads(lines[2])
    changed["channels"][1]["notes"] = "Answers within a day."
    lines[2] = json.dumps(changed)
    with CaptureQueriesContext(connection) as context:
        out, _ = run_import(tmp_path, "\n".join(lines) + "\n")
    assert "companies: 0 created, 0 updated, 5 unchanged; channels: 0 created, 1 updated, 9 unchanged" in out
    email = ContactChannel.objects.get(company__slug="firm-2", kind="email")
    assert email.notes == "Answers within a day."
    [update] = writes(context, "directory_")  # and the search outbox hears of the company
    assert update.startswith('UPDATE "directory_contactchannel"') and f"IN ({email.pk})" in update
    assert '"notes"' in update and '"hours"' not in update
    now = dict(ContactChannel.objects.values_list("pk", "modified"))
    assert {pk for pk in now if now[pk] != modified[pk]} == {email.pk}

    changed["description"] = "Now with a description."
    lines[2] = json.dumps(changed)
    with CaptureQueriesContext(connection) as context:
        out, _ = run_import(tmp_path, "\n".join(lines) + "\n")
    assert "companies: 0 created, 1 updated, 4 unchanged; channels: 0 created, 0 updated, 10 unchanged" in out
    [update] = writes(context, "directory_")
    assert update.startswith('UPDATE "directory_company"') and '"description"' in update
    assert Company.objects.get(slug="firm-2").description == "Now with a description."


def test_bulk_writes_put_the_companies_they_changed_in_the_search_outbox(tmp_path):
    from search.models import IndexChange

    lines = firms(3)
    with mock.patch("search.receivers.schedule_drain"):  # the outbox stays as the worker would find it
        run_import(tmp_path, "\n".join(lines) + "\n")
        ids = set(Company.objects.values_list("pk", flat=True))
        assert set(IndexChange.objects.values_list("label", "object_id")) >= {
            ("directory.company", pk) for pk in ids
        }
        IndexChange.objects.all().delete()
        run_import(tmp_path, "\n".join(lines) + "\n")
        assert not IndexChange.objects.exists()
        changed = json.loads(lines[1])
        changed["channels"][0]["typical_wait_minutes"] = 4
        run_import(tmp_path, "\n".join([lines[0], json.dumps(changed), lines[2]]) + "\n")
        firm = Company.objects.get(slug="firm-1")
        assert set(IndexChange.objects.values_list("label", "object_id")) == {("directory.company", firm.pk)}


def test_a_line_the_database_refuses_is_rejected_alone_and_the_rest_of_its_batch_lands(tmp_path):
    bad = json.loads(company_line("beta"))
    for channel in bad["channels"]:  # two primary channels for one department
        channel.update(is_primary=True, department="general")
    out, err = run_import(
        tmp_path, "\n".join([company_line("alpha"), json.dumps(bad), company_line("gamma")])
    )
    assert "line 2: rejected: conflicts with existing data" in err
    assert "companies: 2 created" in out and "rejected: 1" in out
    assert set(Company.objects.values_list("slug", flat=True)) == {"alpha", "gamma"}  # nothing of beta
    assert ContactChannel.objects.count() == 4


def test_a_company_on_rows_of_several_batches_counts_once_and_imports_again_unchanged():
    from directory.importer import Importer, TextLines, read_csv

    text = (
        "company_slug,company_name,category,kind,value,department\n"
        "acme,Acme,Retail,phone,202-555-0111,general\n"
        "acme,Acme,Retail,email,help@acme.example,billing\n"
        "acme,Acme,Retail,chat,https://acme.example/chat,general\n"
        "solo,Solo Ltd,Retail,,,\n"
    )

    def run():
        return Importer(batch_size=2).run(read_csv(TextLines(io.BytesIO(text.encode()))))

    summary = "companies: 2 created, 0 updated, 0 unchanged; channels: 3 created, 0 updated, 0 unchanged"
    assert run().summary() == summary + "; rejected: 0"
    with CaptureQueriesContext(connection) as context:
        report = run()
    assert (
        report.summary()
        == summary.replace("2 created, 0 updated, 0", "0 created, 0 updated, 2").replace(
            "3 created, 0 updated, 0", "0 created, 0 updated, 3"
        )
        + "; rejected: 0"
    )
    assert writes(context) == []
    assert Company.objects.get(slug="acme").channels.count() == 3


def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_land(tmp_path):
    bad_phone = json.loads(company_line("badphone"))
    bad_phone["channels"][0]["value"] = "12"
    bad_hours = json.loads(company_line("badhours"))
    bad_hours["channels"][0]["hours"] = [{"day": "mon", "opens": "20:00", "closes": "08:00"}]
    lines = [
        company_line("alpha"),
        "{not json",
        json.dumps(bad_phone),
        "",
        company_line("beta"),
        json.dumps(bad_hours),
        json.dumps({"name": "No category"}),
    ]
    out, err = run_import(tmp_path, "\n".join(lines) + "\n")
    assert "companies: 2 created" in out and "rejected: 4" in out
    assert "line 2: rejected: not valid JSON" in err
    assert "line 3: rejected: channel 1: value:" in err
    assert "line 6: rejected: channel 1: hours:" in err and "closes" in err
    assert "line 7: rejected: a company needs a category" in err
    assert set(Company.objects.values_list("slug", flat=True)) == {"alpha", "beta"}
    assert not ContactChannel.objects.filter(company__slug="badphone").exists()


def test_csv_import_takes_one_channel_per_row(tmp_path):
    text = (
        "company_slug,company_name,aliases,category,website,countries,kind,value,department,ivr_steps,hours\n"
        "acme,Acme,Acme Co|ACME,Retail,https://acme.example/,US|CA,phone,202-555-0111,general,"
        '"[{""action"": ""press"", ""value"": ""1""}]",\n'
        "acme,Acme,,Retail,https://acme.example/,US,email,help@acme.example,billing,,\n"
        "acme,Acme,,Retail,https://acme.example/,US,chat,not-a-url,general,,\n"
        "solo,Solo Ltd,,Retail,,,,,,,\n"
    )
    out, err = run_import(tmp_path, text, name="data.csv")
    assert "rejected: 1" in out
    assert "line 4: rejected: channel 1: value:" in err
    acme = Company.objects.get(slug="acme")
    assert acme.aliases == ["Acme Co", "ACME"]
    assert acme.countries == ["US"]
    assert sorted(acme.channels.values_list("kind", flat=True)) == ["email", "phone"]
    assert Company.objects.filter(slug="solo").exists()


def test_export_then_import_into_an_empty_directory_round_trips(tmp_path):
    run_import(tmp_path, company_line("alpha") + "\n" + company_line("beta") + "\n")
    for fmt in ("jsonl", "csv"):
        exported = tmp_path / f"export.{fmt}"
        call_command("export_directory", output=str(exported), stderr=io.StringIO())
        before = snapshot()
        Company.objects.all().delete()
        Category.objects.all().delete()
        out = io.StringIO()
        call_command("import_directory", str(exported), no_progress=True, stdout=out, stderr=io.StringIO())
        assert "rejected: 0" in out.getvalue()
        assert snapshot() == before


def export(tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    call_command("export_directory", output=str(path), stderr=io.StringIO())
    return path


def open_data_and_crowd(tmp_path):
    """A company from the Datenanfragen.de fixture with a channel people added, and a crowd company."""
    from opendata.imports import run_import as import_open_data
    from tests.test_open_data import NORTHWIND, RETRIEVED, dataset

    import_open_data("datenanfragen", dataset(tmp_path, [NORTHWIND]), retrieved=RETRIEVED)
    northwind = Company.objects.get()
    make_channel(northwind, kind="email", value="people@northwind.example")
    run_import(tmp_path, company_line("alpha") + "\n")
    provenance = {
        "source": "datenanfragen",
        "record_id": "northwind-wireless",
        "licence": "CC0 1.0",
        "retrieved": RETRIEVED.isoformat(),
        "source_urls": NORTHWIND["sources"],
    }
    return northwind, provenance


def test_the_json_lines_export_carries_provenance_of_imported_facts_and_none_for_the_crowds(tmp_path):
    northwind, provenance = open_data_and_crowd(tmp_path)
    lines = export(tmp_path, "jsonl").read_text(encoding="utf-8").splitlines()
    records = {record["slug"]: record for record in map(json.loads, lines)}
    assert records[northwind.slug]["provenance"] == [provenance]
    channels = {channel["value"]: channel for channel in records[northwind.slug]["channels"]}
    assert len(channels) == 5
    assert "provenance" not in channels.pop("people@northwind.example")
    assert all(channel["provenance"] == [provenance] for channel in channels.values())
    assert "provenance" not in records["alpha"]
    assert all("provenance" not in channel for channel in records["alpha"]["channels"])


def test_the_csv_export_carries_provenance_of_imported_facts_and_none_for_the_crowds(tmp_path):
    northwind, provenance = open_data_and_crowd(tmp_path)
    with export(tmp_path, "csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ours = {row["value"]: row for row in rows if row["company_slug"] == northwind.slug}
    assert len(ours) == 5
    assert all(json.loads(row["company_provenance"]) == [provenance] for row in ours.values())
    assert ours.pop("people@northwind.example")["provenance"] == ""
    assert all(json.loads(row["provenance"]) == [provenance] for row in ours.values())
    crowd = [row for row in rows if row["company_slug"] == "alpha"]
    assert len(crowd) == 2
    assert all(row["company_provenance"] == row["provenance"] == "" for row in crowd)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_with_provenance_imports_again_cleanly_and_its_provenance_is_ignored(tmp_path, fmt):
    open_data_and_crowd(tmp_path)
    exported = export(tmp_path, fmt)
    facts = set(Provenance.objects.values_list("pk", "source", "record_id", "key", "channel"))
    out, err = run_import(tmp_path, exported.read_text(encoding="utf-8"), name=f"again.{fmt}")
    assert "rejected: 0" in out and err == ""
    assert set(Provenance.objects.values_list("pk", "source", "record_id", "key", "channel")) == facts
    before = snapshot()
    Company.objects.all().delete()
    out, err = run_import(tmp_path, exported.read_text(encoding="utf-8"), name=f"again.{fmt}")
    assert "companies: 2 created" in out and "rejected: 0" in out and err == ""
    assert snapshot() == before
    assert not Provenance.objects.exists()  # a file cannot vouch for where its rows came from


def companies_with_provenance(count):
    for _ in range(count):
        company = make_company()
        channel = make_channel(company)
        make_channel(company, kind="email")
        for key, fact_channel in (("company", None), ("channel:phone", channel)):
            Provenance.objects.create(
                source="datenanfragen", record_id=company.slug, key=key, company=company, channel=fact_channel,
                licence="CC0 1.0", retrieved=date(2026, 7, 21), imported_at=timezone.now(),
            )  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_export_takes_as_many_queries_for_thirty_companies_as_for_two(tmp_path, fmt):
    def queries():
        with CaptureQueriesContext(connection) as context:
            path = export(tmp_path, fmt)
        return len(context), path.read_text(encoding="utf-8").count("datenanfragen")

    # JSON Lines name the dataset once for the company and once for its phone; CSV repeats the
    # company's provenance on each of its two channel rows.
    per_company = 2 if fmt == "jsonl" else 3
    companies_with_provenance(2)
    few, mentions = queries()
    assert mentions == 2 * per_company
    companies_with_provenance(28)
    many, mentions = queries()
    assert mentions == 30 * per_company
    assert many == few


def snapshot():
    fields = ["kind", "value", "department", "hours", "ivr_steps", "time_zone", "last_verified_at", "status"]
    return {
        (c.slug, c.name, tuple(c.aliases), c.category.slug, c.website, tuple(c.countries)): sorted(
            tuple(str(getattr(ch, f)) for f in fields) for ch in c.channels.all()
        )
        for c in Company.objects.select_related("category").prefetch_related("channels")
    }


def test_sample_data_is_fictional_and_covers_every_kind(tmp_path):
    call_command("load_sample_data", stdout=io.StringIO())
    assert Company.objects.count() >= 40
    assert Category.objects.count() >= 8
    assert ContactChannel.objects.count() >= 150
    kinds = set(ContactChannel.objects.values_list("kind", flat=True))
    assert kinds == set(ContactChannel.Kind.values)
    assert ContactChannel.objects.exclude(ivr_steps=[]).exists()
    assert ContactChannel.objects.exclude(hours=[]).exists()
    for number in ContactChannel.objects.filter(kind="phone").values_list("value", flat=True):
        assert number.startswith("+442079460") or (number.startswith("+1") and number[5:9] == "5550"), number
        if number.startswith("+1"):
            assert 100 <= int(number[8:]) <= 199, number


def test_a_generated_file_imports_completely_and_reimports_without_duplicates(tmp_path):
    from bench.generate import write_jsonl

    path = tmp_path / "generated.jsonl"
    write_jsonl(path, 50, seed=7)
    for expected in (
        "companies: 50 created, 0 updated, 0 unchanged; channels: 250 created",
        "companies: 0 created, 0 updated, 50 unchanged; channels: 0 created, 0 updated, 250 unchanged",
    ):
        out = io.StringIO()
        call_command("import_directory", str(path), no_progress=True, stdout=out, stderr=io.StringIO())
        assert expected in out.getvalue()
    assert Company.objects.count() == 50
    assert ContactChannel.objects.count() == 250
