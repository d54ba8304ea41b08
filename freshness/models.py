"""Freshness: what consumers report, what the checks found, and what is flagged for review."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStamped
from directory.models import ContactChannel
from guides.models import ChannelChange

from .querysets import FlagQuerySet


class ChannelReport(TimeStamped):
    """One consumer's "did this work?" answer for a channel."""

    class Reason(models.TextChoices):
        WRONG_NUMBER = "wrong_number", "Wrong number or address"
        NO_HUMAN = "no_human", "Never reached a human"
        TOO_LONG = "too_long", "Waited too long"
        CLOSED = "closed", "Closed when it should be open"
        MOVED = "moved", "It has moved"

    channel = models.ForeignKey(ContactChannel, on_delete=models.CASCADE, related_name="reports")
    worked = models.BooleanField()
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    minutes_waited = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.DateField(help_text="The visitor's vote day: one vote per visitor, channel and day.")
    visitor = models.CharField(max_length=64, help_text="Hash of the visitor's signed cookie.")
    ip_hash = models.CharField(max_length=64)
    network = models.CharField(
        max_length=64, blank=True, help_text="Hash of the visitor's /24 or /48 network."
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        help_text="How much this answer counts as evidence (see credible_weight): "
        "0 for a repeat from one network on one day, more for signed-in editors.",
    )

    class Meta:
        db_table = "directory_channelreport"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "day", "visitor"], name="report_one_per_visitor_per_day"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["", "wrong_number", "no_human", "too_long", "closed", "moved"]),
                name="report_reason_valid",
            ),
            models.CheckConstraint(condition=Q(minutes_waited__lte=1440), name="report_wait_at_most_a_day"),
        ]
        indexes = [
            # The company page reads the recent reports of channels; the feedback sweep reads
            # them in order with an index-only scan (the answer and its weight are included).
            models.Index(
                fields=["channel", "created"], include=["worked", "weight"], name="report_channel_answers"
            ),
            # The feedback sweep finds the channels with new reports since its last run.
            models.Index(fields=["created"], name="report_created"),
        ]


class SweepMark(models.Model):
    """How far an incremental sweep has read: the next run starts there."""

    name = models.CharField(max_length=40, primary_key=True)
    reached = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.reached:%Y-%m-%d %H:%M}"


class LinkCheck(models.Model):
    """The result of one HTTP check of a channel's address; kept as evidence."""

    channel = models.ForeignKey(ContactChannel, on_delete=models.CASCADE, related_name="link_checks")
    checked_at = models.DateTimeField()
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=1000, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "directory_linkcheck"
        indexes = [models.Index(fields=["channel", "-checked_at"], name="linkcheck_channel_latest")]

    def __str__(self):
        return f"{self.channel_id} at {self.checked_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else self.error}"

    def evidence(self):
        return {
            "checked_at": self.checked_at.isoformat(),
            "status_code": self.status_code,
            "final_url": self.final_url,
            "error": self.error,
        }


class Flag(TimeStamped):
    """Something that may be out of date, waiting for an admin to look at it."""

    class Reason(models.TextChoices):
        AGE = "age", "Not re-verified in time"
        FEEDBACK = "feedback", "Consumers report it fails"
        LINK = "link", "Link check failed twice"
        CHANNEL_CHANGED = "channel_changed", "A channel it uses was flagged, changed or retired"
        SOURCE = "source", "Its open dataset no longer lists it"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        VERIFIED = "verified", "Still correct"
        UPDATED = "updated", "Updated"
        RETIRED = "retired", "Retired"
        DISMISSED = "dismissed", "Dismissed"

    channel = models.ForeignKey(
        ContactChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    guide = models.ForeignKey(
        "guides.Guide", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    # The channel's or guide's company, copied so the review queue can walk the most
    # viewed companies' open flags through an index instead of sorting every flag.
    company = models.ForeignKey(
        "directory.Company", on_delete=models.CASCADE, related_name="+", editable=False
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    objects = FlagQuerySet.as_manager()

    class Meta:
        db_table = "directory_flag"
        ordering = ["created"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel__isnull=False) & Q(guide__isnull=True))
                | (Q(channel__isnull=True) & Q(guide__isnull=False)),
                name="flag_has_one_target",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["age", "feedback", "link", "channel_changed", "source"]),
                name="flag_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "verified", "updated", "retired", "dismissed"]),
                name="flag_status_valid",
            ),
            # Re-running a sweep never opens a second flag for the same thing.
            models.UniqueConstraint(
                fields=["channel", "reason"],
                condition=Q(status="open"),
                name="flag_one_open_per_channel_reason",
            ),
            models.UniqueConstraint(
                fields=["guide", "reason"], condition=Q(status="open"), name="flag_one_open_per_guide_reason"
            ),
        ]
        indexes = [
            # The review queue lists open flags; the company page looks up its channels' open flags.
            models.Index(fields=["status", "reason"], name="flag_status_reason"),
            models.Index(
                fields=["company", "created", "id"], condition=Q(status="open"), name="flag_open_by_company"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.channel or self.guide}"

    @property
    def target(self):
        return self.channel or self.guide

    @property
    def failing_since(self):
        """When the run of failed answers behind a feedback flag began, in local time (None for other flags)."""
        from datetime import datetime

        from django.utils import timezone

        since = (self.evidence or {}).get("since") if self.reason == self.Reason.FEEDBACK else None
        return timezone.localtime(datetime.fromisoformat(since)) if since else None

    def evidence_lines(self, now=None):
        """Why this was flagged, in sentences an admin can check."""
        from django.utils import timezone

        now, evidence = now or timezone.now(), self.evidence or {}
        if self.reason == self.Reason.AGE and self.channel:
            return self._age_evidence(self.channel, now)
        if self.reason == self.Reason.FEEDBACK and evidence.get("rule") == "change":
            since = self.failing_since
            usual = round(100 * evidence.get("usual_failure_rate", 0))
            return [
                f"{evidence['failures']} of the last {evidence['people']} people could not get through "
                f"since {since:%-d %b %Y %H:%M}; usually {usual}% do not.",
                "Only credible answers count: one per network a day, editors' answers for more.",
            ]
        if self.reason == self.Reason.FEEDBACK and "reports" in evidence:
            line = f"{evidence['failures']} of {evidence['reports']} reports in the last "
            line += f"{evidence.get('window_days', 90)} days say it did not work"
            if "failure_rate_lower_bound" in evidence:
                line += f" (at least {round(100 * evidence['failure_rate_lower_bound'])}% failing, at 95% confidence)"
            return [line + "."]
        if self.reason == self.Reason.LINK and "checks" in evidence:
            return [
                f"Checked {check['checked_at'][:16].replace('T', ' ')}: {check.get('error') or check.get('status_code')}"
                + (f" (ended at {check['final_url']})" if check.get("final_url") else "")
                for check in evidence.get("checks", [])
            ]
        if self.reason == self.Reason.SOURCE and "source" in evidence:
            return [
                f"{evidence['source']} no longer lists it in record “{evidence.get('record', '?')}” "
                f"(import of {evidence.get('retrieved', '?')}).",
                "Check whether it still works, then mark it still correct, correct it or retire it.",
            ]
        if self.reason == self.Reason.CHANNEL_CHANGED and self.guide:
            checked = self.guide.last_verified_at
            since = f"it was last checked on {checked:%-d %b %Y}" if checked else "it was written"
            return [f"A channel this guide uses was flagged, changed or retired since {since}."]
        return [f"{key}: {value}" for key, value in evidence.items()]

    @staticmethod
    def _age_evidence(channel, now):
        days = settings.REVERIFY_INTERVAL_DAYS.get(channel.kind, 180)
        checked = channel.last_verified_at
        if checked:
            who = f" by {channel.last_verified_by}" if channel.last_verified_by else ""
            last = f"Last verified {checked:%-d %b %Y}{who} ({(now - checked).days} days ago)."
        else:
            checked = channel.created
            last = f"Never verified since it was added on {checked:%-d %b %Y}."
        due = checked + timedelta(days=days)
        return [
            last,
            f"{channel.get_kind_display()} channels are checked every {days} days: due since {due:%-d %b %Y}.",
        ]

    def save(self, *args, **kwargs):
        if self.company_id is None and self.target is not None:
            self.company_id = self.target.company_id
        super().save(*args, **kwargs)


def restore_channel(channel, user):
    """Brings a retired channel back and records who did it in its history; False if it was not retired."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        if not ContactChannel.objects.filter(pk=channel.pk).restore(timezone.now()):
            return False
        ChannelChange.objects.create(
            channel=channel,
            reviewer=user,
            changes={"status": ["retired", "active"]},
            summary="Restored after retirement",
        )
    return True
