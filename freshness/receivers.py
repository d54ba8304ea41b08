"""Freshness listens to the apps below it; connected in FreshnessConfig.ready()."""

from guides.models import ChannelCorrection
from guides.signals import correction_applied

from .models import Flag


def resolve_corrected_flag(sender, correction, reviewer, **kwargs):
    """An applied correction answers the review-queue flag it was made for.

    Only a flag of the corrected channel, and only when the reviewer may work the
    review queue (staff); any other flag stays open for the queue.
    """
    if correction.flag_id and reviewer is not None and reviewer.is_staff:
        status = Flag.Status.RETIRED if correction.action == correction.Action.RETIRE else Flag.Status.UPDATED
        Flag.objects.filter(pk=correction.flag_id, channel=correction.channel_id).resolve(
            status, reviewer, "corrected"
        )


def connect():
    correction_applied.connect(
        resolve_corrected_flag, sender=ChannelCorrection, dispatch_uid="freshness-resolve-corrected-flag"
    )
