"""Freshness listens to the apps below it; connected in FreshnessConfig.ready()."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.batching import collector
from directory.models import ContactChannel
from directory.signals import channels_changed
from guides.models import ChannelCorrection, Guide
from guides.signals import correction_applied, guides_changed

from . import grading
from .models import ChannelReport, Flag


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


def regrade(company_ids):
    """Grades these companies again once the change commits (at once outside a transaction).

    Inside a batch (an import, the sample data) the companies are collected and graded
    together when it ends. A failure is logged, never raised into the request that saved
    the change: the daily sweep grades the company again.
    """
    company_ids = {pk for pk in company_ids if pk is not None}
    pending = collector("grades", regrade)
    if pending is not None:
        pending.update(company_ids)
    elif company_ids:
        transaction.on_commit(lambda: grading.grade_companies(company_ids), robust=True)


def regrade_company_of(sender, instance, **kwargs):
    """A report, channel or guide feeds its company's grade."""
    if not isinstance(instance, ChannelReport):
        regrade({instance.company_id})
    elif ChannelReport.channel.is_cached(instance):
        regrade({instance.channel.company_id})
    else:  # a report deleted with its channel: the channel row may be gone
        regrade(ContactChannel.objects.filter(pk=instance.channel_id).values_list("company_id", flat=True))


def regrade_companies(sender, company_ids, **kwargs):
    regrade(company_ids)


def connect():
    correction_applied.connect(
        resolve_corrected_flag, sender=ChannelCorrection, dispatch_uid="freshness-resolve-corrected-flag"
    )
    for model in (ChannelReport, ContactChannel, Guide):
        post_save.connect(regrade_company_of, sender=model, dispatch_uid=f"freshness-grade-{model.__name__}")
        post_delete.connect(
            regrade_company_of, sender=model, dispatch_uid=f"freshness-grade-del-{model.__name__}"
        )
    channels_changed.connect(regrade_companies, dispatch_uid="freshness-grade-channels-changed")
    guides_changed.connect(regrade_companies, dispatch_uid="freshness-grade-guides-changed")
