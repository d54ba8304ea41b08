"""Times each freshness sweep (and optionally a full search index rebuild) on the populated database.

Usage: DATABASE_URL=postgres://... python -m bench.bench_jobs [--rebuild-index]
Each sweep runs twice: the first run flags, the second finds nothing new (the
idempotent case the daily job usually meets). Results go to bench/results/jobs.txt.
"""

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild-index", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from directory.models import Company, ContactChannel
    from freshness import sweeps
    from freshness.models import ChannelReport, Flag, SweepMark

    Flag.objects.all().delete()
    SweepMark.objects.all().delete()  # the first feedback run reads every channel's answers
    now = timezone.now()
    lines = [
        f"jobs: {Company.objects.count():,} companies, {ContactChannel.objects.count():,} channels, "
        f"{ChannelReport.objects.count():,} reports",
        f"{'sweep':34} {'first run':>12} {'flagged':>9} {'second run':>12} {'flagged':>9}",
    ]
    for name, sweep in [
        ("flag_aged_channels", sweeps.flag_aged_channels),
        ("flag_failing_channels", sweeps.flag_failing_channels),
        ("flag_guides_with_stale_channels", sweeps.flag_guides_with_stale_channels),
    ]:
        first, flagged = timed(lambda sweep=sweep: sweep(now))
        second, again = timed(lambda sweep=sweep: sweep(now))
        lines.append(f"{name:34} {first:10.2f} s {flagged:9,} {second:10.2f} s {again:9,}")
    # The every-5-minutes run: 1,000 new answers, a third of them "No", on random channels.
    later = now + timedelta(minutes=5)
    channel_ids = list(ContactChannel.objects.order_by("?").values_list("pk", flat=True)[:1000])
    ChannelReport.objects.bulk_create(
        ChannelReport(channel_id=pk, worked=n % 3 != 0, day=later.date(), visitor=f"bench-{n}", ip_hash=f"bench-{n}",
                      network=f"bench-{n}", weight=1)
        for n, pk in enumerate(channel_ids)
    )  # fmt: skip
    seconds, flagged = timed(lambda: sweeps.flag_failing_channels(later))
    lines.append(f"{'flag_failing_channels, 1,000 new':34} {seconds:10.2f} s {flagged:9,}")
    if args.rebuild_index:
        seconds, _ = timed(lambda: call_command("rebuild_index", interactive=False, verbosity=0))
        lines.append(f"{'rebuild_index --noinput':34} {seconds:10.1f} s")
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "jobs.txt").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
