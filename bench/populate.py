"""Fills a PostgreSQL database with a directory the size of a real one, reproducibly.

Usage: DATABASE_URL=postgres://... python -m bench.populate [--companies 100000] [--seed 1]

Per company: 5 channels, every other company 1 guide with 2 revisions, and 20
"did this work?" reports per company (100,000 companies: 500,000 channels,
50,000 guides, 100,000 revisions, 2,000,000 reports). Rows go in with COPY in
batches, with a progress bar; the target tables are emptied first. Names are
invented, websites use .example and numbers stay in the ranges reserved for fiction.
"""

import argparse
import csv
import io
import json
import os
import random
from datetime import UTC, datetime, timedelta

from tqdm import tqdm

from bench.generate import CATEGORIES, SUFFIXES, SYLLABLES, US_AREAS

BATCH = 20_000
KINDS = ["phone", "phone", "email", "chat", "web_form"]
DEPARTMENTS = ["general", "cancellations", "billing", "tech_support", "complaints"]
HOURS = json.dumps(
    [{"day": d, "opens": "08:00", "closes": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")]
)
REASONS = ["", "wrong_number", "no_human", "too_long", "closed", "moved"]


def copy(cursor, table, columns, rows, total, label):
    """COPYs `rows` (tuples) into `table` in batches."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with tqdm(total=total, unit="row", desc=label) as progress:
        buffer, writer, pending = io.StringIO(), None, 0
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(["\\N" if value is None else value for value in row])
            pending += 1
            if pending == BATCH:
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                progress.update(pending)
                buffer, pending = io.StringIO(), 0
                writer = csv.writer(buffer)
        if pending:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            progress.update(pending)


def populate(companies, seed):
    from django.db import connection, transaction

    rng = random.Random(seed)
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE directory_channelreport, directory_flag, directory_linkcheck, guides_channelchange, "
            "guides_channelcorrection, guides_guiderevision, guides_guide_channels, guides_guide, "
            "directory_contactchannel, directory_company, directory_category RESTART IDENTITY CASCADE"
        )
        copy(
            cursor, "directory_category", ["name", "slug", "description", "created", "modified"],
            ((name, name.lower(), "", now, now) for name in CATEGORIES), len(CATEGORIES), "categories",
        )  # fmt: skip

        def company_rows():
            for n in range(1, companies + 1):
                stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
                yield (
                    f"{stem} {rng.choice(SUFFIXES)} {n}", f"{stem.lower()}-{n}", json.dumps([stem]),
                    rng.randint(1, len(CATEGORIES)), f"https://www.{stem.lower()}-{n}.example/", '["US"]', "",
                    False, int(rng.paretovariate(1.2) * 10), "", "{}", now, now,
                )  # fmt: skip

        copy(
            cursor, "directory_company",
            ["name", "slug", "aliases", "category_id", "website", "countries", "description", "no_phone_support",
             "view_count", "grade", "grade_inputs", "created", "modified"],
            company_rows(), companies, "companies",
        )  # fmt: skip

        def channel_rows():
            for company in range(1, companies + 1):
                for position, kind in enumerate(KINDS):
                    if kind == "phone":
                        value = f"+1{US_AREAS[position * 5 + rng.randint(0, 4)]}55501{rng.randint(0, 99):02d}"
                    elif kind == "email":
                        value = f"help{company}@company{company}.example"
                    else:
                        value = f"https://www.company{company}.example/{kind}"
                    verified = now - timedelta(days=rng.randint(0, 400))
                    yield (
                        company, kind, value, "", "", DEPARTMENTS[position], "US", "", HOURS if kind == "phone" else "[]",
                        False, "America/New_York", True, '[{"action": "press", "value": "2"}]' if kind == "phone" else "[]",
                        rng.choice([None, 5, 10, 20]), "", position + 1, position < 2, "", None, verified, "active", now, now,
                    )  # fmt: skip

        copy(
            cursor, "directory_contactchannel",
            ["company_id", "kind", "value", "social_platform", "label", "department", "country", "region", "hours",
             "open_24_7", "time_zone", "reaches_human", "ivr_steps", "typical_wait_minutes", "notes", "human_rank",
             "is_primary", "source_url", "source_seen_at", "last_verified_at", "status", "created", "modified"],
            channel_rows(), companies * len(KINDS), "channels",
        )  # fmt: skip

        guides = companies // 2
        body = "1. Call the cancellations line.\n2. Press 2, then 0.\n3. Ask for a reference number."
        copy(
            cursor, "guides_guide",
            ["company_id", "kind", "slug", "title", "body", "difficulty", "estimated_minutes", "is_published",
             "last_verified_at", "created", "modified"],
            ((2 * g - 1, "cancel", "cancel", f"How to cancel company {2 * g - 1}", body, "medium", 15, True, now, now, now)
             for g in range(1, guides + 1)),
            guides, "guides",
        )  # fmt: skip
        copy(
            cursor, "guides_guiderevision",
            ["guide_id", "revision_number", "summary", "ip_hash", "title", "body", "difficulty", "estimated_minutes",
             "channel_ids", "status", "review_note", "was_published", "reviewed_at", "created", "modified"],
            ((g, r, "Bench revision", "", f"How to cancel company {2 * g - 1}", body, "medium", 15, "[]", "approved",
              "", True, now, now, now) for g in range(1, guides + 1) for r in (1, 2)),
            guides * 2, "revisions",
        )  # fmt: skip
        cursor.execute(
            "UPDATE guides_guiderevision r SET previous_revision_id = p.id FROM guides_guiderevision p "
            "WHERE p.guide_id = r.guide_id AND p.revision_number = 1 AND r.revision_number = 2"
        )
        cursor.execute(
            "UPDATE guides_guide g SET current_revision_id = r.id FROM guides_guiderevision r "
            "WHERE r.guide_id = g.id AND r.revision_number = 2"
        )
        cursor.execute(
            "INSERT INTO guides_guide_channels (guide_id, contactchannel_id) "
            "SELECT g.id, c.id FROM guides_guide g JOIN directory_contactchannel c "
            "ON c.company_id = g.company_id AND c.department = 'cancellations'"
        )

        reports = companies * 20

        def report_rows():
            for n in range(reports):
                channel = rng.randint(1, companies * len(KINDS))
                worked = rng.random() < 0.8
                created = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
                yield (
                    channel, worked, "" if worked else rng.choice(REASONS), rng.choice([None, 3, 8, 15, 30]),
                    created.date(), f"v{n}", f"ip{n % 5000}", f"net{n % 5000}", 1, created, created,
                )  # fmt: skip

        copy(
            cursor, "directory_channelreport",
            ["channel_id", "worked", "reason", "minutes_waited", "day", "visitor", "ip_hash", "network", "weight",
             "created", "modified"],
            report_rows(), reports, "reports",
        )  # fmt: skip
        cursor.execute("ANALYZE")


def ensure_database(url):
    """Creates the benchmark database named in `url` when it does not exist yet."""
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench.populate needs DATABASE_URL pointing at PostgreSQL")
    call_command("migrate", verbosity=0)
    populate(args.companies, args.seed)


if __name__ == "__main__":
    main()
