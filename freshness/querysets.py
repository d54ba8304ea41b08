from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.batching import batch
from directory.models import ContactChannel
from guides.models import ChannelChange, Guide

from .signals import flags_resolved

RESOLUTIONS = {"verified", "updated", "retired", "dismissed"}


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status="open")

    def for_queue(self, reason="", category=""):
        """Open flags, most viewed companies first.

        Kept to the flag and company tables so PostgreSQL walks the most viewed
        companies' open flags through indexes (company_most_viewed, flag_open_by_company)
        and stops at a page; with the joins of a queue row it sorted every open flag
        instead. Load a page's rows with queue_rows().
        """
        flags = self.open().order_by("-company__view_count", "created", "id")
        if reason:
            flags = flags.filter(reason=reason)
        if category:
            flags = flags.filter(company__category__slug=category)
        return flags

    def queue_rows(self, ids):
        """The flags `ids`, in that order, with everything a review queue row shows."""
        rows = self.select_related(
            "channel__company__category",
            "channel__last_verified_by",
            "guide__company__category",
            "resolved_by",
        ).in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def describe_resolutions(self):
        """Who resolved these flags, for a message: "#12 (still correct by ann), #13 (...)"."""
        return ", ".join(
            f"#{f.pk} ({f.get_status_display().lower()} by {f.resolved_by or 'someone'})"
            for f in self.select_related("resolved_by")
        )

    def close_recovered(self, note, now=None):
        """Closes open feedback flags whose channel's later answers say it works again.

        Dismissed by no one, and without re-verifying the channel: the answers outweigh
        the ones that raised the flag, but no person checked the number.
        """
        now = now or timezone.now()
        closed = (
            self.open()
            .filter(reason="feedback")
            .update(status="dismissed", resolved_by=None, resolved_at=now, note=note, modified=now)
        )
        if closed:
            flags_resolved.send(sender=self.model, status="dismissed", count=closed)
        return closed

    def resolve(self, status, user, note="", now=None):
        """Resolves the open flags in this queryset; returns the ids it resolved.

        The UPDATE only touches rows still open, so a flag someone else resolved a
        moment ago is left alone and reported back instead of being done twice.
        "Still correct" re-verifies the flagged channels and guides; "retired"
        retires them and closes their other open flags. Sends flags_resolved (and
        the channels' and guides' own signals for what changed in them).
        """
        if status not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {status!r}")
        now = now or timezone.now()
        flags = self.model.objects
        # One batch: the channels' and the guides' changes reach the search index in one reindex.
        with transaction.atomic(), batch():
            ids = list(self.open().select_for_update().values_list("pk", flat=True))
            flags.filter(pk__in=ids, status="open").update(
                status=status, resolved_by=user, resolved_at=now, note=note, modified=now
            )
            resolved = flags.filter(pk__in=ids)
            channel_ids = set(resolved.exclude(channel=None).values_list("channel_id", flat=True))
            guide_ids = set(resolved.exclude(guide=None).values_list("guide_id", flat=True))
            channels = ContactChannel.objects.filter(pk__in=channel_ids)
            guides = Guide.objects.filter(pk__in=guide_ids)
            if status in ("verified", "dismissed"):
                # A person looked and found it right: a verification the sweeps respect.
                channels.reverify(now, by=user if getattr(user, "pk", None) else None)
                guides.reverify(now)
            elif status == "retired":
                retired = list(channels.filter(status="active").values_list("pk", flat=True))
                channels.retire(now)
                guides.unpublish(now)
                ChannelChange.objects.bulk_create(
                    ChannelChange(channel_id=pk, reviewer=user, changes={"status": ["active", "retired"]},
                                  summary=(f"Retired from the review queue: {note}" if note else "Retired from the review queue")[:200])
                    for pk in retired
                )  # fmt: skip
                # A retired entry needs no other review.
                flags.open().filter(Q(channel__in=channel_ids) | Q(guide__in=guide_ids)).update(
                    status=status, resolved_by=user, resolved_at=now, note=note or "retired", modified=now
                )
            # update() sends no per-row signals.
            flags_resolved.send(sender=self.model, status=status, count=len(ids))
        return ids
