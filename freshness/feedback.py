"""Consumers' "did this work?" reports: recording them and summarising them for the page."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from accounts.models import can_publish
from core.visitors import ip_hash, network_hash
from directory.models import ContactChannel

from .models import ChannelReport, Flag

VISITOR_COOKIE = "gh_visitor"
VISITOR_COOKIE_SALT = "gethelp.visitor"


def visitor_id(request):
    """The visitor's random id from its signed cookie, or a new one (to be set on the response)."""
    value = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=VISITOR_COOKIE_SALT)
    return value or secrets.token_urlsafe(16)


def remember_visitor(response, visitor):
    response.set_signed_cookie(
        VISITOR_COOKIE,
        visitor,
        salt=VISITOR_COOKIE_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


class AlreadyReported(Exception):
    pass


class TooManyReports(Exception):
    pass


def record_report(request, channel, visitor, worked, reason="", minutes_waited=None, now=None):
    """Saves one report; one per visitor, channel and day, and a few per address.

    Its weight as evidence: the first answer of the day from a network counts, later
    ones from the same network count for nothing (one household, office or attacker's
    subnet is one voice a day), and signed-in editors count for more.

    The unique constraint decides a race between two submissions of the same
    visitor. The per-address count and the insert run with the channel's row
    locked, so concurrent votes from one network are counted in turn and the limit
    holds exactly.
    """
    now = now or timezone.now()
    day = now.date()
    address, network = ip_hash(request), network_hash(request)
    try:
        with transaction.atomic():
            list(ContactChannel.objects.select_for_update().filter(pk=channel.pk).values_list("pk"))
            today = ChannelReport.objects.filter(channel=channel, day=day)
            if today.filter(ip_hash=address).count() >= settings.REPORTS_PER_IP_PER_CHANNEL_PER_DAY:
                raise TooManyReports
            return ChannelReport.objects.create(
                channel=channel,
                worked=worked,
                reason="" if worked else reason,
                minutes_waited=minutes_waited,
                day=day,
                visitor=hashlib.sha256(visitor.encode()).hexdigest(),
                ip_hash=address,
                network=network,
                weight=0 if today.filter(network=network).exists() else reporter_weight(request.user),
            )
    except IntegrityError:
        raise AlreadyReported from None


def add_details(channel, visitor, reason="", minutes_waited=None, now=None):
    """Adds the minutes waited and what went wrong to the visitor's answer of today, asked for
    after the one-tap "Yes" or "No"; the answer itself and its weight stay as they were.
    Returns whether there was an answer to add them to."""
    day = (now or timezone.now()).date()
    visitor_hash = hashlib.sha256(visitor.encode()).hexdigest()
    report = ChannelReport.objects.filter(channel=channel, day=day, visitor=visitor_hash).first()
    if report is None:
        return False
    if minutes_waited is not None:
        report.minutes_waited = minutes_waited
    if reason and not report.worked:
        report.reason = reason
    report.save(update_fields=["minutes_waited", "reason"])
    return True


def reporter_weight(user):
    """How many people's answers one answer counts for: editors have an account to lose,
    and trusted editors have a record of checked edits."""
    if can_publish(user):
        return 3
    return 2 if user.is_authenticated else 1


@dataclass
class ChannelSummary:
    reports: int
    reached: int
    typical_wait: int | None

    @property
    def enough(self):
        return self.reports >= settings.FEEDBACK_MIN_REPORTS_TO_SHOW

    @property
    def percent(self):
        return round(100 * self.reached / self.reports) if self.reports else 0

    def __str__(self):
        if not self.reports:
            return "No reports yet."
        if not self.enough:
            return f"Too few reports yet to say ({self.reports})."
        # The wait is shown once per channel, next to the channel (wait_text), not here.
        return f"{self.percent}% of {self.reports} people reached a human in the last {settings.FEEDBACK_WINDOW_DAYS} days."


def summaries_for(company, now=None):
    """{channel id: ChannelSummary} for the company's channels, in one query."""
    return _summaries(ChannelReport.objects.filter(channel__company=company), now)


def summaries_for_channels(channel_ids, now=None):
    """{channel id: ChannelSummary} for these channels (of any companies), in one query."""
    return _summaries(ChannelReport.objects.filter(channel_id__in=channel_ids), now)


def _summaries(reports, now):
    since = (now or timezone.now()) - timedelta(days=settings.FEEDBACK_WINDOW_DAYS)
    rows = (
        reports.filter(created__gte=since, weight__gt=0)
        .values("channel_id")
        .annotate(total=Count("id"), reached=Count("id", filter=Q(worked=True)), wait=Avg("minutes_waited"))
    )
    return {
        r["channel_id"]: ChannelSummary(
            r["total"], r["reached"], round(r["wait"]) if r["wait"] is not None else None
        )
        for r in rows
    }


def flagged_targets(company):
    """({channel id: [its open flags]}, guide ids with an open flag) of the company, in one query."""
    # Ids from the already loaded channels and guides let PostgreSQL use the foreign-key
    # indexes; joining through the company scanned every open flag (550 ms at 350,000).
    channel_ids = [c.pk for c in company.active_channels]
    guide_ids = [g.pk for g in company.guides.all()]
    flags = Flag.objects.filter(
        Q(channel_id__in=channel_ids) | Q(guide_id__in=guide_ids), status=Flag.Status.OPEN
    ).only("channel_id", "guide_id", "reason", "evidence")
    channels = {}
    for flag in flags:
        if flag.channel_id:
            channels.setdefault(flag.channel_id, []).append(flag)
    return channels, {flag.guide_id for flag in flags if flag.guide_id}


def failing_text(flag):
    """What readers are told while answers say a channel fails: "4 of the last 5 people could
    not get through since Tuesday 24 November." """
    evidence = flag.evidence or {}
    if evidence.get("rule") == "change":
        since = flag.failing_since
        people, failures = evidence["people"], evidence["failures"]
        who = f"The last {people} people" if people == failures else f"{failures} of the last {people} people"
        return f"{who} could not get through since {since:%A %-d %B}."
    if "reports" in evidence:
        return f"{evidence['failures']} of {evidence['reports']} people in the last 90 days could not get through."
    return "People report that this does not work."


WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def wait_by_hour(channel, now=None):
    """{(weekday 0-6, hour): (average wait, reports)} in the channel's own time zone."""
    since = (now or timezone.now()) - timedelta(days=settings.FEEDBACK_WINDOW_DAYS)
    zone = ZoneInfo(channel.time_zone)
    rows = (
        ChannelReport.objects.filter(channel=channel, created__gte=since, minutes_waited__isnull=False)
        .annotate(weekday=ExtractIsoWeekDay("created", tzinfo=zone), hour=ExtractHour("created", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(wait=Avg("minutes_waited"), n=Count("id"))
    )
    return {(r["weekday"] - 1, r["hour"]): (r["wait"], r["n"]) for r in rows}


def best_times(cells, limit=3):
    """The hours with the shortest average wait, for the chart's text alternative."""
    ranked = sorted(cells.items(), key=lambda item: (item[1][0], -item[1][1]))
    return [
        f"{WEEKDAY_LABELS[day]} {hour:02d}:00–{(hour + 1) % 24:02d}:00 ({round(wait)} min)"
        for (day, hour), (wait, _) in ranked[:limit]
    ]


def wait_chart_svg(cells):
    """A weekday × hour heat map of waits as SVG markup (server-rendered; no script)."""
    from django.utils.html import format_html, format_html_join

    if not cells:
        return ""
    cell, left, top = 14, 34, 16
    longest = max(wait for wait, _ in cells.values()) or 1
    rects = []
    for (day, hour), (wait, count) in sorted(cells.items()):
        shade = int(230 - 170 * (wait / longest))
        rects.append(
            (left + hour * cell, top + day * cell, cell - 2, cell - 2, f"rgb({shade},{shade + 15},255)",
             f"{WEEKDAY_LABELS[day]} {hour:02d}:00: {round(wait)} min average from {count} report{'s' if count != 1 else ''}")
        )  # fmt: skip
    labels = format_html_join(
        "",
        '<text x="0" y="{}" font-size="10">{}</text>',
        ((top + d * cell + 10, n) for d, n in enumerate(WEEKDAY_LABELS)),
    )
    hours = format_html_join(
        "",
        '<text x="{}" y="10" font-size="9">{}</text>',
        ((left + h * cell, f"{h:02d}") for h in range(0, 24, 3)),
    )
    boxes = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>', rects
    )
    width, height = left + 24 * cell, top + 7 * cell
    return format_html(
        '<svg class="wait-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="wait-chart-title">'
        '<title id="wait-chart-title">Average wait by weekday and hour; darker means longer</title>{}{}{}</svg>',
        width,
        height,
        labels,
        hours,
        boxes,
    )


# Channels where nobody picks up: people wait for an answer, not on the line.
REPLY_KINDS = {"email", "web_form", "postal", "social", "app"}


def duration_label(minutes):
    """Minutes in the unit that fits: "12 min", "about 3 hours", "about 2 days"."""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours = round(minutes / 60)
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    days = round(minutes / (24 * 60))
    return f"about {days} day{'s' if days != 1 else ''}"


def typical_wait(channel, summary):
    """(minutes, whether people reported it) for a channel: what enough people reported, else
    what the channel says; (None, False) when neither is known."""
    if summary.enough and summary.typical_wait is not None:
        return summary.typical_wait, True
    return channel.typical_wait_minutes, False


def wait_text(channel, summary, brief=False):
    """The one wait shown for a channel: what enough people reported, else what the channel says.
    `brief` is the few words for a line of essentials ("12 min wait", "reply in about 1 day")."""
    minutes, reported = typical_wait(channel, summary)
    if minutes is None:
        return ""
    if brief:
        return (
            f"reply in {duration_label(minutes)}"
            if channel.kind in REPLY_KINDS
            else f"{duration_label(minutes)} wait"
        )
    source = f" (reported by {summary.reports} people)" if reported else ""
    return f"{wait_label(channel.kind)} {duration_label(minutes)}{source}"


def wait_label(kind):
    """People wait on the line for a call or a chat, and for a reply to everything else."""
    return "typical reply time" if kind in REPLY_KINDS else "typical wait"


def attach_freshness(company, now=None):
    """Sets `summary`, `flagged` and `failing` (what answers say, or "") on the company's
    channels and `flagged` on its guides (two queries)."""
    summaries = summaries_for(company, now)
    channel_flags, flagged_guides = flagged_targets(company)
    for channel in company.active_channels:
        channel.summary = summaries.get(channel.pk, ChannelSummary(0, 0, None))
        flags = channel_flags.get(channel.pk, [])
        channel.flagged = bool(flags)
        channel.failing = next((failing_text(f) for f in flags if f.reason == Flag.Reason.FEEDBACK), "")
        channel.wait_text = wait_text(channel, channel.summary)
        channel.wait_brief = wait_text(channel, channel.summary, brief=True)
    for guide in company.guides.all():
        guide.flagged = guide.pk in flagged_guides


def best_working_channel(company):
    """The best way to reach a human that people are not failing to get through right now;
    the best one anyway when every one is (after attach_freshness)."""
    humans = company.human_channels
    return next((c for c in humans if not c.failing), humans[0] if humans else None)
