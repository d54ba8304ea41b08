"""Importing open contact datasets: the Datenanfragen.de adapter on fictional records of its format."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.domains import registrable_domain
from directory.models import Company, ContactChannel
from freshness.models import Flag
from guides.models import ChannelCorrection
from opendata.imports import run_import
from opendata.models import ImportRun, Provenance
from tests.factories import make_channel, make_company, make_user

pytestmark = pytest.mark.django_db
RETRIEVED = date(2026, 7, 21)

NORTHWIND = {
    "slug": "northwind-wireless",
    "name": "Northwind Wireless Ltd.",
    "runs": ["NW Mobile", "Northwind Broadband (formerly)"],
    "relevant-countries": ["gb"],
    "categories": ["telecommunication", "commerce"],
    "address": "Northwind Wireless Ltd.\n1 Example Street\nLondon\nEC1A 1AA\nUnited Kingdom",
    "phone": "+44 20 7946 0018",
    "fax": "+44 20 7946 0019",
    "email": "privacy@northwind.example",
    "web": "https://www.northwind.example/",
    "webform": "https://privacy.northwind.example/request",
    "sources": ["https://www.northwind.example/privacy", "https://www.northwind.example/contact"],
    "comments": ["Answers requests in English only."],
    "request-language": "en",
    "quality": "verified",
}
CONTOSO = {
    "slug": "contoso",
    "name": "Contoso Energy GmbH",
    "relevant-countries": ["de"],
    "address": "Contoso Energy GmbH\nBeispielweg 1\n10115 Berlin\nGermany",
    "email": "datenschutz@contoso.example",
    "web": "https://contoso.example",
    "sources": ["https://contoso.example/datenschutz"],
    "quality": "scraped",
}


def dataset(tmp_path, records=(), obsolete=(), raw=None):
    """A folder in the Datenanfragen format: companies/<slug>.json and obsolete-records/."""
    folder = tmp_path / "datenanfragen"
    (folder / "companies").mkdir(parents=True, exist_ok=True)
    (folder / "obsolete-records").mkdir(exist_ok=True)
    for old in (folder / "companies").glob("*.json"):
        old.unlink()
    for record in records:
        (folder / "companies" / f"{record['slug']}.json").write_text(json.dumps(record), encoding="utf-8")
    for name, content in (raw or {}).items():
        (folder / "companies" / name).write_bytes(content)
    for record in obsolete:
        (folder / "obsolete-records" / f"{record['slug']}.json").write_text(json.dumps(record))
    return folder


def imported(tmp_path, records=(), **kwargs):
    return run_import("datenanfragen", dataset(tmp_path, records, **kwargs), retrieved=RETRIEVED)


def test_every_field_of_a_record_is_mapped_with_its_provenance(tmp_path):
    run = imported(tmp_path, [NORTHWIND])
    assert run.counts["companies created"] == 1 and run.counts["channels created"] == 4
    assert run.counts["rejected"] == 0
    company = Company.objects.get()
    assert company.name == "Northwind Wireless Ltd." and company.slug == "northwind-wireless-ltd"
    assert company.aliases == ["NW Mobile", "Northwind Broadband"]
    assert company.countries == ["GB"] and company.website == "https://www.northwind.example/"
    assert company.category.slug == "telecommunication"
    channels = {c.kind: c for c in company.channels.all()}
    assert set(channels) == {"postal", "phone", "email", "web_form"}
    assert channels["phone"].value == "+442079460018"
    assert channels["email"].value == "privacy@northwind.example"
    assert "Fax: +44 20 7946 0019" in channels["postal"].notes
    assert "Answers requests in English only." in channels["postal"].notes
    for channel in channels.values():
        assert channel.department == "privacy"
        assert channel.last_verified_at.date() == RETRIEVED  # "verified" by a person at the source
        assert channel.source_url == "https://www.northwind.example/privacy"
    facts = Provenance.objects.filter(record_id="northwind-wireless")
    assert {f.key for f in facts} == {
        "company",
        "channel:address",
        "channel:phone",
        "channel:email",
        "channel:webform",
    }
    for fact in facts:
        assert (fact.source, fact.licence, fact.retrieved) == ("datenanfragen", "CC0 1.0", RETRIEVED)
        assert fact.source_urls == NORTHWIND["sources"]


def test_a_scraped_record_is_imported_unverified(tmp_path):
    imported(tmp_path, [CONTOSO])
    assert all(c.last_verified_at is None for c in ContactChannel.objects.all())


BAD = {
    "unknown.json": {**CONTOSO, "slug": "unknown", "name": "Unknown Field Co", "web": "https://unknown.example",
                     "favourite-colour": "blue"},
    "wrong-type.json": {**CONTOSO, "slug": "wrong-type", "name": "Wrong Type Co", "web": "https://wrong.example",
                        "runs": "Not a list"},
    "bad-phone.json": {**CONTOSO, "slug": "bad-phone", "name": "Bad Phone Co", "web": "https://badphone.example",
                       "phone": "+49 12"},
    "premium.json": {**CONTOSO, "slug": "premium", "name": "Premium Co", "web": "https://premium.example",
                     "phone": "+44 909 879 0000"},
    "bad-email.json": {**CONTOSO, "slug": "bad-email", "name": "Bad Email Co", "web": "https://bademail.example",
                       "email": "not an address"},
    "bad-web.json": {**CONTOSO, "slug": "bad-web", "name": "Bad Web Co", "web": "ht!tp://[nope"},
    "huge.json": {**CONTOSO, "slug": "huge", "name": "Huge Co", "web": "https://huge.example",
                  "address": "A" * 10_000_000},
    "long-web.json": {**CONTOSO, "slug": "long-web", "name": "Long Web Co",
                      "web": "https://www.longweb.example/" + "page/" * 40},
    "no-name.json": {**CONTOSO, "slug": "no-name", "name": "", "web": "https://noname.example"},
    "nul.json": {**CONTOSO, "slug": "nul", "name": "Nul\x00 Co", "web": "https://nul.example"},
    "dup-a.json": {**CONTOSO, "slug": "dup", "name": "Duplicate One", "web": "https://dup1.example"},
    "dup-b.json": {**CONTOSO, "slug": "dup", "name": "Duplicate Two", "web": "https://dup2.example"},
}  # fmt: skip


def test_bad_input_is_rejected_with_its_reason_and_the_rest_imported(tmp_path):
    raw = {name: json.dumps(record).encode() for name, record in BAD.items()}
    raw["broken.json"] = b'{"slug": "broken", "name": '
    raw["latin1.json"] = json.dumps(
        {**CONTOSO, "slug": "latin1", "name": "Caf\u00e9"}, ensure_ascii=False
    ).encode("latin-1")
    raw["list.json"] = b"[1, 2, 3]"
    run = imported(tmp_path, [NORTHWIND], raw=raw)
    reasons = {(r["record"], r["field"]): r["reason"] for r in run.rejections}
    assert reasons[("unknown", "favourite-colour")] == "unknown field: favourite-colour"
    assert reasons[("wrong-type", "runs")] == "runs must be a list, not str"
    assert "not a valid phone number" in reasons[("bad-phone", "phone")]
    assert "premium-rate" in reasons[("premium", "phone")]
    assert reasons[("bad-email", "email")] == "Enter a valid e-mail address."
    assert reasons[("bad-web", "web")].startswith("not a web address")
    assert reasons[("huge", "address")] == "address is 10,000,000 characters long (at most 2,000)"
    assert reasons[("long-web", "web")].startswith("Ensure this value has at most 200 characters")
    assert Company.objects.get(name="Long Web Co").website == ""  # the company comes without it
    assert reasons[("no-name", "name")] == "the record has no name"
    assert reasons[("nul", "name")] == "name contains a NUL byte"
    assert reasons[("dup", "slug")] == "a second record with this slug"
    assert reasons[("broken", "")].startswith("not JSON")
    assert reasons[("latin1", "")].startswith("not UTF-8")
    assert reasons[("list", "")] == "a record must be an object, not list"
    # The rest of each record, and every good record, is imported.
    names = set(Company.objects.values_list("name", flat=True))
    assert {"Northwind Wireless Ltd.", "Bad Phone Co", "Bad Email Co", "Wrong Type Co", "Huge Co"} <= names
    assert not {"Unknown Field Co", "Duplicate Two", "Café"} & names
    assert not ContactChannel.objects.filter(value__startswith="+44909").exists()
    stored = ImportRun.objects.get()
    assert stored.counts["rejected"] == len(run.rejections) and stored.rejections == run.rejections


def test_reimporting_the_same_files_writes_nothing(tmp_path):
    folder = dataset(tmp_path, [NORTHWIND, CONTOSO])
    run_import("datenanfragen", folder, retrieved=RETRIEVED)
    with CaptureQueriesContext(connection) as queries:
        run = run_import("datenanfragen", folder, retrieved=RETRIEVED)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert [sql[:120] for sql in writes if "opendata_importrun" not in sql] == []  # only the run's own log
    assert run.counts["unchanged"] == 8 and run.counts["updated"] == run.counts["channels created"] == 0
    # The query count does not grow with the records: they were loaded up front.
    assert len(queries) < 40


def test_one_company_per_domain_and_a_name_alone_only_within_a_country(tmp_path):
    existing = make_company(name="Contoso Energy GmbH", slug="contoso-energy", countries=["FR"])
    again = {**NORTHWIND, "slug": "northwind-shop", "name": "Northwind Shop", "web": "https://shop.northwind.example",
             "phone": "+44 20 7946 0020", "runs": []}  # fmt: skip
    run = imported(tmp_path, [NORTHWIND, again, CONTOSO])
    assert registrable_domain("https://shop.northwind.example/x") == "northwind.example"
    northwind = Company.objects.get(website__contains="northwind.example")  # one company for the domain
    assert {"+442079460018", "+442079460020"} <= set(northwind.channels.values_list("value", flat=True))
    assert {"Northwind Shop", "Northwind Wireless Ltd."} <= {northwind.name, *northwind.aliases}
    # Same name, no shared country: waits for a person instead of merging.
    assert run.counts["review"] == 1 and run.review[0]["record"] == "contoso"
    assert not existing.channels.exists()
    existing.countries = ["DE"]
    existing.save()
    imported(tmp_path, [NORTHWIND, again, CONTOSO])
    assert existing.channels.filter(value="datenschutz@contoso.example").exists()


def test_upstream_changes_follow_where_nobody_worked_and_wait_for_review_where_people_did(tmp_path):
    imported(tmp_path, [NORTHWIND])
    email = ContactChannel.objects.get(kind="email")
    phone = ContactChannel.objects.get(kind="phone")
    # An editor corrected the phone's notes (a reviewed correction records who checked it).
    phone.notes, phone.last_verified_by = "Ask for the privacy team", make_user("ed", trusted=True)
    phone.save()
    changed = {**NORTHWIND, "email": "dpo@northwind.example", "phone": "+44 20 7946 0021"}
    run = imported(tmp_path, [changed])
    email.refresh_from_db()
    phone.refresh_from_db()
    assert email.value == "dpo@northwind.example"  # nobody touched it: follows the dataset
    assert (
        email.changes.last().summary
        == "Updated from Datenanfragen.de company database, record “northwind-wireless”"
    )
    assert (
        phone.value == "+442079460018" and phone.notes == "Ask for the privacy team"
    )  # the editor's work stays
    correction = ChannelCorrection.objects.get(channel=phone)
    assert correction.status == "pending" and correction.proposed == {"value": "+442079460021", "notes": ""}
    assert "now says value: +442079460021" in correction.reason
    assert run.counts["updated"] == 1 and run.counts["proposed"] == 1
    # The same upstream change is proposed once, not on every run.
    assert imported(tmp_path, [changed]).counts["proposed"] == 0
    assert ChannelCorrection.objects.count() == 1


def test_a_vanished_fact_is_flagged_and_an_obsolete_record_retires_its_channels(tmp_path):
    imported(tmp_path, [NORTHWIND, CONTOSO])
    without_fax_phone = {key: value for key, value in NORTHWIND.items() if key != "phone"}
    run = imported(tmp_path, [without_fax_phone], obsolete=[{"slug": "contoso", "name": "Contoso Energy GmbH",
                   "reason": "company-dissolved", "sources": ["https://contoso.example"], "quality": "obsolete"}])  # fmt: skip
    phone = ContactChannel.objects.get(kind="phone")
    assert phone.status == "active"  # flagged, never deleted
    flag = Flag.objects.get(channel=phone, reason="source")
    assert flag.evidence_lines()[0].startswith("Datenanfragen.de company database no longer lists it")
    assert run.counts["flagged"] == 1 and run.counts["retired"] == 2
    contoso = ContactChannel.objects.filter(company__name="Contoso Energy GmbH")
    assert {c.status for c in contoso} == {"retired"}
    assert "marks record “contoso” obsolete (company-dissolved)" in contoso[0].changes.last().summary
    again = imported(
        tmp_path, [without_fax_phone], obsolete=[{"slug": "contoso", "reason": "company-dissolved"}]
    )
    assert again.counts["flagged"] == again.counts["retired"] == 0
    assert Flag.objects.filter(reason="source").count() == 1


def test_a_channel_people_added_is_linked_not_duplicated(tmp_path):
    company = make_company(name="Northwind", slug="northwind", website="https://northwind.example")
    mine = make_channel(company, kind="email", value="privacy@northwind.example", department="general")
    imported(tmp_path, [NORTHWIND])
    assert Company.objects.count() == 1
    assert company.channels.filter(kind="email").count() == 1
    mine.refresh_from_db()
    assert mine.department == "general" and mine.provenance.get().key == "channel:email"


def test_the_company_page_and_about_data_say_where_facts_come_from(client, tmp_path):
    imported(tmp_path, [NORTHWIND])
    company = Company.objects.get()
    html = client.get(company.get_absolute_url()).content.decode()
    assert "From the Datenanfragen.de database, CC0 1.0, checked 21 Jul 2026" in html
    about = client.get("/about/data/").content.decode()
    assert "Datenanfragen.de company database" in about and "CC0 1.0" in about
    assert "justdelete.me" in about and "MIT" in about and "Last taken on 21 July 2026" in about
    # MIT asks for its copyright and permission notice to travel with the data.
    assert "Copyright (c) 2013 Robb Lewis &amp; various contributors" in about
    assert "Copyright (c) 2014-2018 Josh Davis" in about
    assert about.count("The above copyright notice and this permission notice shall be included") == 2


def test_the_command_reports_counts_and_rejections(tmp_path, capsys):
    folder = dataset(tmp_path, [NORTHWIND], raw={"broken.json": b"{"})
    call_command("import_open_data", "datenanfragen", str(folder), "--retrieved", "2026-07-21")
    out = capsys.readouterr().out
    assert "1 companies created, 4 channels created" in out
    assert "rejected companies/broken.json / broken: not JSON" in out


def twofactorauth(tmp_path, entries, raw=None):
    """A folder in the 2factorauth format: entries/<letter>/<domain>.json, one site per file."""
    folder = tmp_path / "twofactorauth"
    for domain, entry in entries.items():
        (folder / "entries" / domain[0]).mkdir(parents=True, exist_ok=True)
        (folder / "entries" / domain[0] / f"{domain}.json").write_text(json.dumps(entry))
    for name, content in (raw or {}).items():
        (folder / "entries" / name[0]).mkdir(parents=True, exist_ok=True)
        (folder / "entries" / name[0] / name).write_bytes(content)
    return folder


NORTHWIND_2FA = {
    "Northwind": {
        "domain": "northwind.example",
        "additional-domains": ["northwind-mobile.example"],
        "tfa": ["totp"],
        "regions": ["gb", "-us"],
        "categories": ["communication"],
        "contact": {"email": "support@northwind.example", "twitter": "NorthwindHelp", "facebook": "northwind",
                    "language": "en"},
    }
}  # fmt: skip


def test_twofactorauth_contacts_become_support_channels_merged_with_other_datasets(tmp_path, client):
    imported(tmp_path, [NORTHWIND])
    folder = twofactorauth(tmp_path, {"northwind.example": NORTHWIND_2FA,
                                      "tfa-only.example": {"Only 2FA": {"domain": "tfa-only.example", "tfa": ["sms"],
                                                                        "categories": ["other"]}}})  # fmt: skip
    run = run_import("twofactorauth", folder, retrieved=RETRIEVED)
    assert run.counts["companies created"] == 0 and run.counts["channels created"] == 3
    company = Company.objects.get()  # one company for the domain, across both datasets
    support = {c.kind + c.social_platform: c for c in company.channels.filter(department="tech_support")}
    assert support["email"].value == "support@northwind.example"
    assert support["socialx"].value == "@NorthwindHelp"
    assert support["socialfacebook"].value == "https://www.facebook.com/northwind"
    assert support["email"].notes == "Answers in EN."
    assert "Northwind" in company.aliases
    fact = Provenance.objects.get(source="twofactorauth", key="channel:email")
    assert fact.record_id == "northwind.example" and fact.licence == "MIT"
    assert fact.source_urls == [
        "https://github.com/2factorauth/twofactorauth/blob/master/entries/n/northwind.example.json"
    ]
    assert not Company.objects.filter(name="Only 2FA").exists()  # no way to contact it: nothing to list
    html = client.get(company.get_absolute_url()).content.decode()
    assert "From the 2factorauth directory, MIT, checked 21 Jul 2026" in html
    assert "From the Datenanfragen.de database, CC0 1.0" in html
    assert run_import("twofactorauth", folder, retrieved=RETRIEVED).counts["unchanged"] == 4


def test_twofactorauth_bad_entries_are_rejected_with_their_reason(tmp_path):
    folder = twofactorauth(
        tmp_path,
        {
            "unknown.example": {
                "Unknown": {
                    "domain": "unknown.example",
                    "categories": ["x"],
                    "colour": "red",
                    "contact": {"email": "a@unknown.example"},
                }
            },
            "two.example": {"One": {"domain": "two.example"}, "Two": {"domain": "two.example"}},
            "nodomain.example": {
                "No Domain": {"categories": ["x"], "contact": {"email": "a@nodomain.example"}}
            },
            "badcontact.example": {
                "Bad Contact": {
                    "domain": "badcontact.example",
                    "categories": ["x"],
                    "contact": {"twitter": ["not", "text"], "email": "help@badcontact.example"},
                }
            },
        },  # fmt: skip
        raw={"broken.example.json": b"{"},
    )
    run = run_import("twofactorauth", folder, retrieved=RETRIEVED)
    reasons = {(r["record"], r["field"]): r["reason"] for r in run.rejections}
    assert reasons[("unknown.example", "colour")] == "unknown field: colour"
    assert reasons[("two.example", "")] == "an entry must be an object with exactly one site"
    assert reasons[("nodomain.example", "domain")] == "the entry has no domain"
    assert reasons[("badcontact.example", "contact.twitter")] == "contact.twitter must be text, not list"
    assert reasons[("broken.example", "")].startswith("not JSON")
    assert Company.objects.get().channels.get().value == "help@badcontact.example"


def jdm(tmp_path, sites):
    """A folder in the justdelete.me format: _data/sites.json, an array of sites."""
    folder = tmp_path / "jdm"
    (folder / "_data").mkdir(parents=True, exist_ok=True)
    (folder / "_data" / "sites.json").write_text(json.dumps(sites))
    return folder


STREAMLY = {
    "name": "Streamly",
    "url": "https://www.streamly.example/account/delete",
    "difficulty": "limited",
    "notes": "Your watch history is kept for 30 days.",
    "notes_de": "Der Verlauf bleibt 30 Tage gespeichert.",
    "email": "delete@streamly.example",
    "email_subject": "Delete my account",
    "email_body": "Please delete my account and all my data.",
    "domains": ["streamly.example", "streamly-tv.example"],
}


def test_jdm_sites_become_a_close_account_guide_and_account_channels(tmp_path, client):
    run = run_import(
        "jdm", jdm(tmp_path, [STREAMLY, {"name": "Nothing Given", "difficulty": "easy"}]), retrieved=RETRIEVED
    )
    assert run.counts["companies created"] == 1 and run.counts["guides created"] == 1
    assert run.rejections[0]["reason"] == "the site gives no deletion page or e-mail address"
    company = Company.objects.get()
    guide = company.guides.get()
    assert (guide.kind, guide.slug, guide.difficulty) == (
        "close_account",
        "close-account",
        "hard",
    )  # limited: hard
    assert guide.title == "How to delete your Streamly account" and guide.current_revision.author is None
    assert "<https://www.streamly.example/account/delete>" in guide.body
    assert "E-mail delete@streamly.example with the subject “Delete my account”" in guide.body
    assert "Your watch history is kept for 30 days." in guide.body
    assert {c.kind for c in guide.channels.all()} == {"web_form", "email"}
    assert set(company.channels.values_list("department", flat=True)) == {"accounts"}
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "How to delete your Streamly account" in page
    # The dataset changes the notes: nobody edited the guide, so it follows, as a new revision.
    changed = {**STREAMLY, "notes": "Your watch history is kept for 60 days."}
    assert run_import("jdm", jdm(tmp_path, [changed]), retrieved=RETRIEVED).counts["updated"] == 1
    guide.refresh_from_db()
    assert "60 days" in guide.body and guide.revisions.count() == 2
    # An editor rewrites it; the next change of the dataset waits for review.
    guide.save_revision(make_user("ed", trusted=True), {"title": guide.title, "body": "Use the app: Settings → Delete.",
                        "difficulty": "hard", "estimated_minutes": 5}, publish=True)  # fmt: skip
    again = {**STREAMLY, "notes": "Deletion takes 90 days."}
    assert run_import("jdm", jdm(tmp_path, [again]), retrieved=RETRIEVED).counts["proposed"] == 1
    guide.refresh_from_db()
    assert guide.body == "Use the app: Settings → Delete."
    assert guide.revisions.filter(status="pending").get().body.endswith("Deletion takes 90 days.")
    # Gone from the dataset: the guide is flagged for review, not removed.
    run_import("jdm", jdm(tmp_path, []), retrieved=RETRIEVED)
    assert Flag.objects.filter(guide=guide, reason="source").exists() and guide.is_published


def test_jdm_bad_sites_are_rejected_with_their_reason(tmp_path):
    sites = [STREAMLY, "not a site", {"url": "https://noname.example"}, {**STREAMLY, "name": "Again"},
             {"name": "Odd", "url": "https://odd.example/delete", "colour": "red"},
             {"name": "Bad Level", "url": "https://level.example/delete", "difficulty": "trivial"}]  # fmt: skip
    run = run_import("jdm", jdm(tmp_path, sites), retrieved=RETRIEVED)
    reasons = [(r["file"], r["field"], r["reason"]) for r in run.rejections]
    assert ("_data/sites.json #2", "", "a site must be an object, not str") in reasons
    assert ("_data/sites.json #3", "name", "the site has no name") in reasons
    assert ("_data/sites.json #4", "name", "a second site with this domain or name") in reasons
    assert ("_data/sites.json #5", "colour", "unknown field: colour") in reasons
    assert (
        "_data/sites.json #6",
        "difficulty",
        "difficulty must be one of easy, medium, hard, limited, impossible",
    ) in reasons
    assert Company.objects.get(name="Bad Level").guides.get().difficulty == "medium"
    broken = tmp_path / "broken"
    (broken / "_data").mkdir(parents=True)
    (broken / "_data" / "sites.json").write_text("[{")
    assert run_import("jdm", broken, retrieved=RETRIEVED).rejections[0]["reason"].startswith("not JSON")


def test_odd_digits_nul_and_markup_in_every_dataset_never_reach_a_page_unescaped(tmp_path, client):
    hostile = {**NORTHWIND, "name": "<script>alert(1)</script> Ltd", "phone": "+44 20 7946 ²018",
               "email": "privacy\x00@northwind.example", "comments": ["<img src=x onerror=alert(1)>"]}  # fmt: skip
    run = imported(tmp_path, [hostile])
    reasons = {(r["field"]): r["reason"] for r in run.rejections}
    assert "phone" in reasons and reasons["email"] == "email contains a NUL byte"
    company = Company.objects.get()
    html = client.get(company.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in html
    site = {**STREAMLY, "notes": "<script>alert(2)</script> [click](javascript:alert(3))"}
    run_import("jdm", jdm(tmp_path, [site]), retrieved=RETRIEVED)
    guide = Company.objects.get(name="Streamly").guides.get()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "<script>alert(2)" not in page and "javascript:alert" not in page
    entry = {
        "Odd": {
            "domain": "odd.example",
            "categories": ["x"],
            "contact": {"twitter": "odd\x00help", "email": "²@odd.example"},
        }
    }
    run = run_import("twofactorauth", twofactorauth(tmp_path, {"odd.example": entry}), retrieved=RETRIEVED)
    assert {r["field"] for r in run.rejections} == {"contact.twitter", "email"}
