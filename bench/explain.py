"""EXPLAIN ANALYZE of the hot queries on the populated database, to bench/results/explain.txt.

Usage: DATABASE_URL=postgres://... python -m bench.explain
"""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gethelp.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count, Q
    from django.utils import timezone

    from directory.models import Category, Company, ContactChannel
    from freshness.models import ChannelReport, Flag

    company = Company.objects.order_by("-view_count").first()
    since = timezone.now() - timedelta(days=settings.FEEDBACK_WINDOW_DAYS)
    queries = {
        "company page: slug lookup": Company.objects.filter(slug=company.slug).values_list("pk"),
        "company page: its active channels": ContactChannel.objects.active().filter(company=company).order_by("human_rank", "id"),
        "company page: report summary": ChannelReport.objects.filter(channel__company=company, created__gte=since)
        .values("channel_id").annotate(total=Count("id")),
        "company page: open flags": Flag.objects.filter(
            Q(channel_id__in=list(company.channels.values_list("pk", flat=True)))
            | Q(guide_id__in=list(company.guides.values_list("pk", flat=True))),
            status="open",
        ),
        "home: most viewed": Company.objects.order_by("-view_count", "name")[:12],
        "home: category counts": Category.objects.with_company_counts(),
        "review queue: a page of flag ids": Flag.objects.for_queue().values_list("pk", flat=True)[:50],
        "review queue: that page's rows": Flag.objects.select_related(
            "channel__company__category", "guide__company__category", "resolved_by"
        ).filter(pk__in=list(Flag.objects.for_queue().values_list("pk", flat=True)[:50])),
        "feedback sweep": ChannelReport.objects.filter(created__gte=since, channel__status="active")
        .values("channel_id").annotate(total=Count("id"), failures=Count("id", filter=Q(worked=False))),
    }  # fmt: skip
    out = []
    for name, qs in queries.items():
        out.append(f"== {name}\n{qs.explain(analyze=True)}\n")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "explain.txt").write_text("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
