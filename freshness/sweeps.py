"""The sweeps that flag entries which may be out of date.

Each sweep is set-wise: one INSERT ... SELECT ... ON CONFLICT DO NOTHING (or a
bulk insert that ignores conflicts) against the partial unique index "one open flag
per target and reason", so running a sweep again, or two at once, never opens a
second flag. The management command `flag_stale` and the Celery tasks call these
same functions.
"""

import json
import logging
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.locks import sweep_lock
from directory.models import ContactChannel
from guides.models import Guide

from .detector import DAY, Detector, Recovery, Run, fewest_failures_to_flag
from .linkcheck import check_url
from .models import ChannelReport, Flag, LinkCheck, SweepMark
from .signals import flags_added

log = logging.getLogger(__name__)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _insert_flags(target_qs, target_column, reason, now, evidence=None):
    """INSERT a flag for every row of `target_qs` that has no open flag for `reason`; returns the count."""
    select = target_qs.order_by().annotate(target_id=F("pk")).values_list("target_id", "company_id")
    sql, params = select.query.sql_with_params()
    table = Flag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({target_column}, company_id, reason, status, evidence, note, created, modified) "
            # "WHERE true" keeps SQLite from reading ON CONFLICT as a join condition.
            f"SELECT target.target_id, target.company_id, %s, 'open', %s, '', %s, %s FROM ({sql}) AS target "
            "WHERE true "
            "ON CONFLICT DO NOTHING",
            [reason, json.dumps(evidence or {}), now, now, *params],
        )
        return cursor.rowcount


def flag_aged_channels(now=None):
    """Flags active channels not re-verified within their kind's interval (never-verified ones count from creation)."""
    now = now or timezone.now()
    overdue = Q()
    for kind, days in settings.REVERIFY_INTERVAL_DAYS.items():
        overdue |= Q(kind=kind, verified_or_created__lt=now - timedelta(days=days))
    channels = (
        ContactChannel.objects.active()
        .annotate(verified_or_created=Coalesce("last_verified_at", "created"))
        .filter(overdue)
    )
    count = _insert_flags(channels, "channel_id", Flag.Reason.AGE, now, {"rule": "re-verification interval"})
    log.info("flag_aged_channels: flagged %d channels", count)
    return _flags_added(count)


def failing_channels(now=None, since=None):
    """({channel id: Run}, {open flag id: Recovery}): channels whose latest answers say they
    broke, and open feedback flags whose later answers say the channel works again.

    Judges the channels with a credible "No" since `since` (all of them when None) and
    the channels with an open feedback flag and a new answer since then, each with
    `detector.Detector` over its own answers of the last FEEDBACK_HISTORY_DAYS days, read
    in one ordered, streamed query. A person who resolved a feedback flag judged the
    answers before it: the detector starts its score again after that, keeping only
    what those answers say about the channel's usual failure rate.
    """
    now = now or timezone.now()
    history = now - timedelta(days=settings.FEEDBACK_HISTORY_DAYS)
    credible = ChannelReport.objects.filter(weight__gt=0, created__gte=history, created__lte=now)
    new = credible.filter(created__gte=since) if since else credible
    open_flags = Flag.objects.open().filter(reason=Flag.Reason.FEEDBACK)
    answered = Exists(new.filter(channel_id=OuterRef("channel_id")))
    # Fewer "No" than that can never reach the lowest threshold: those channels are not read.
    enough_failures = (
        credible.filter(worked=False, channel_id__in=new.filter(worked=False).values("channel_id"))
        .values("channel_id")
        .annotate(failure_weight=Sum("weight"))
        .filter(failure_weight__gte=fewest_failures_to_flag())
        .values("channel_id")
    )
    # One IN over a UNION: PostgreSQL joins it once (an OR of two INs was a scan per row).
    candidate_ids = enough_failures.union(open_flags.filter(answered).order_by().values("channel_id"))
    candidates = Q(channel_id__in=candidate_ids)
    flags = {
        channel_id: (pk, read_until(created, evidence))
        for pk, channel_id, created, evidence in open_flags.filter(candidates).values_list(
            "pk", "channel_id", "created", "evidence"
        )
    }
    reviewed = last_reviewed(candidate_ids, Flag.Reason.FEEDBACK)
    rows = (
        credible.filter(candidates, channel__status="active")
        .order_by("channel_id", "created")
        .values_list("channel_id", "created", "worked", "weight")
    )
    failing, recovered = {}, {}
    for channel_id, answers in groupby(rows.iterator(chunk_size=20_000), key=itemgetter(0)):
        flag_id, flagged_at = flags.get(channel_id, (None, None))
        verdict = judge(answers, reviewed.get(channel_id), flagged_at)
        if flag_id is None and isinstance(verdict, Run):
            failing[channel_id] = verdict
        elif flag_id is not None and isinstance(verdict, Recovery):
            recovered[flag_id] = verdict
    return failing, recovered


def read_until(created, evidence):
    """The answers a feedback flag was raised on: those saved before the sweep that raised it."""
    until = (evidence or {}).get("read_until")
    return datetime.fromisoformat(until) if until else created


def judge(answers, reviewed_at=None, flagged_at=None):
    """A Run when these (channel id, created, worked, weight) answers, in time order, say the
    channel broke; a Recovery when the answers after `flagged_at` say it works again; else None."""
    detector, recovery, crossed = Detector(window=settings.FEEDBACK_HISTORY_DAYS * DAY), None, None
    for _, created, worked, weight in answers:
        if reviewed_at is not None and created > reviewed_at:
            detector.restart()
            reviewed_at = None
        if flagged_at is not None and created > flagged_at:
            recovery = recovery or Recovery(detector.usual())
            if recovery.add(worked, weight):
                return recovery
            continue
        if detector.add(created.timestamp(), worked, weight) and reviewed_at is None and crossed is None:
            crossed = detector.run  # keeps counting the people of this run until it ends
    return crossed if flagged_at is None else None


def flag_failing_channels(now=None, since=None):
    """Flags channels whose latest answers say they broke (see `failing_channels`), and
    closes the open feedback flags of channels that work again.

    Without `since`, it goes on from where its last run stopped (a SweepMark), a few
    minutes back so that answers still being saved then are read now.
    """
    now = now or timezone.now()
    mark = SweepMark.objects.filter(name="feedback").first()
    if since is None and mark is not None:
        since = mark.reached - timedelta(minutes=10)
    failing, recovered = failing_channels(now, since)
    companies = dict(ContactChannel.objects.filter(pk__in=failing).values_list("pk", "company_id"))
    flags = [
        Flag(
            channel_id=pk,
            company_id=companies[pk],
            reason=Flag.Reason.FEEDBACK,
            evidence={**run.evidence(), "read_until": now.isoformat()},
            created=now,
            modified=now,
        )
        for pk, run in failing.items()
    ]
    before = Flag.objects.filter(reason=Flag.Reason.FEEDBACK, status=Flag.Status.OPEN).count()
    Flag.objects.bulk_create(flags, ignore_conflicts=True, batch_size=1000)
    count = Flag.objects.filter(reason=Flag.Reason.FEEDBACK, status=Flag.Status.OPEN).count() - before
    for flag_id, recovery in recovered.items():
        Flag.objects.filter(pk=flag_id).close_recovered(recovery.summary(), now)
    SweepMark.objects.update_or_create(name="feedback", defaults={"reached": now})
    log.info("flag_failing_channels: flagged %d channels, closed %d that work again", count, len(recovered))
    return _flags_added(max(count, 0))


def last_reviewed(channel_ids, reason):
    """{channel id: when a person last resolved a flag for `reason`} among `channel_ids`."""
    return dict(
        Flag.objects.filter(channel_id__in=channel_ids, reason=reason, resolved_at__isnull=False)
        .exclude(status=Flag.Status.OPEN)
        .values("channel_id")
        .annotate(at=Max("resolved_at"))
        .values_list("channel_id", "at")
    )


def flag_guides_with_stale_channels(now=None):
    """Flags guides that use a channel which is flagged, retired, or changed since the guide was verified."""
    now = now or timezone.now()
    through = Guide.channels.through
    # Once a person has resolved a guide's flag, only what happened after counts again.
    reviewed_at = Coalesce(OuterRef("reviewed_at"), Value(NEVER, output_field=DateTimeField()))
    troubled = through.objects.filter(guide_id=OuterRef("pk")).filter(
        Q(contactchannel__status="retired", contactchannel__modified__gt=reviewed_at)
        | Q(contactchannel__flags__status=Flag.Status.OPEN, contactchannel__flags__created__gt=reviewed_at)
        | Q(contactchannel__modified__gt=Coalesce(OuterRef("last_verified_at"), OuterRef("created")))
    )
    last_review = Flag.objects.filter(
        guide=OuterRef("pk"), reason=Flag.Reason.CHANNEL_CHANGED, resolved_at__isnull=False
    )
    guides = (
        Guide.objects.published()
        .annotate(
            reviewed_at=Subquery(
                last_review.exclude(status="open").order_by("-resolved_at").values("resolved_at")[:1]
            )
        )
        .filter(Exists(troubled))
    )
    count = _insert_flags(
        guides, "guide_id", Flag.Reason.CHANNEL_CHANGED, now, {"rule": "channel flagged, changed or retired"}
    )
    log.info("flag_guides_with_stale_channels: flagged %d guides", count)
    return _flags_added(count)


def channels_due_for_link_check(now=None):
    """Active channels with a web address whose last check is older than the interval."""
    now = now or timezone.now()
    recent = LinkCheck.objects.filter(
        channel=OuterRef("pk"), checked_at__gte=now - timedelta(days=settings.LINK_CHECK_INTERVAL_DAYS)
    )
    return (
        ContactChannel.objects.active()
        .filter(Q(kind__in=["chat", "web_form", "app"]) | Q(kind="social", value__startswith="http"))
        .exclude(Exists(recent))
        .order_by("pk")
    )


def check_links(now=None, limit=None, workers=8, progress=None):
    """Checks a bounded batch of due channels over HTTP and flags those failing twice in a row.

    `progress("link checked", 1)` is called after each address (the command shows it).
    """
    from concurrent.futures import ThreadPoolExecutor

    now = now or timezone.now()
    due = list(
        channels_due_for_link_check(now).values_list("pk", "value")[: limit or settings.LINK_CHECK_BATCH]
    )
    results = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(lambda item: check_url(item[1]), due):
            results.append(result)
            if progress:
                progress("link checked", 1)
    checks = [
        LinkCheck(
            channel_id=pk,
            checked_at=now,
            ok=r.ok,
            status_code=r.status_code,
            final_url=r.final_url,
            error=r.error,
        )
        for (pk, _), r in zip(due, results, strict=True)
    ]
    LinkCheck.objects.bulk_create(checks, batch_size=1000)
    failed_now = [c.channel_id for c in checks if not c.ok]
    flagged = flag_broken_links(failed_now, now)
    log.info("check_links: checked %d, failed %d, flagged %d", len(checks), len(failed_now), flagged)
    return len(checks), flagged


def flag_broken_links(channel_ids, now):
    """Flags the channels among `channel_ids` whose last two checks both failed."""
    flags = []
    latest_two = {}
    # Checks from before a person resolved a link flag of the channel were judged already.
    reviewed = last_reviewed(channel_ids, Flag.Reason.LINK)
    for check in LinkCheck.objects.filter(channel_id__in=channel_ids).order_by(
        "channel_id", "-checked_at", "-id"
    ):
        latest_two.setdefault(check.channel_id, [])
        if check.channel_id in reviewed and check.checked_at <= reviewed[check.channel_id]:
            continue
        if len(latest_two[check.channel_id]) < 2:
            latest_two[check.channel_id].append(check)
    companies = dict(ContactChannel.objects.filter(pk__in=latest_two).values_list("pk", "company_id"))
    for channel_id, checks in latest_two.items():
        if len(checks) == 2 and not any(c.ok for c in checks):
            flags.append(
                Flag(
                    channel_id=channel_id,
                    company_id=companies[channel_id],
                    reason=Flag.Reason.LINK,
                    evidence={"checks": [c.evidence() for c in checks]},
                    created=now,
                    modified=now,
                )
            )
    before = Flag.objects.filter(reason=Flag.Reason.LINK, status=Flag.Status.OPEN).count()
    Flag.objects.bulk_create(flags, ignore_conflicts=True)
    return _flags_added(
        max(Flag.objects.filter(reason=Flag.Reason.LINK, status=Flag.Status.OPEN).count() - before, 0)
    )


def run_all(now=None, links=True, progress=None):
    """Every sweep once, in order; guides last so they see the channels' new flags.

    `progress(name, flagged)` is called as each sweep finishes (the command shows it).
    """
    steps = [("aged", flag_aged_channels), ("feedback", flag_failing_channels)]
    if links:
        steps.append(("links", lambda now: check_links(now, progress=progress)[1]))
    steps.append(("guides", flag_guides_with_stale_channels))
    result = {}
    with sweep_lock("all"):
        for name, sweep in steps:
            result[name] = sweep(now)
            if progress:
                progress(name, result[name])
    return result


def _flags_added(count):
    """Set-wise inserts send no post_save: announce them, so cached pages show their notices."""
    if count:
        flags_added.send(sender=Flag, count=count)
    return count
