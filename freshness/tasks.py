import logging

from celery import shared_task

from core.locks import SweepRunning, sweep_lock

from . import grading, sweeps

log = logging.getLogger(__name__)


# Sweeps are idempotent: a run killed half-way is simply run again.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def flag_stale_entries():
    """Flags aged and failing channels, then guides using them.

    Scheduled daily by CELERY_BEAT_SCHEDULE["every-day-flag-stale-channels"].
    """
    try:
        return sweeps.run_all(links=False)
    except SweepRunning:
        log.info("flag_stale_entries: another run holds the lock; skipped")
        return None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flag_failing_channels():
    """Flags channels whose latest answers say they broke, and guides using them; incremental.

    Scheduled every few minutes by CELERY_BEAT_SCHEDULE["every-5-minutes-flag-failing-channels"],
    so a busy number is flagged within minutes of the answers that show it died.
    """
    try:
        with sweep_lock("all"):
            return {
                "feedback": sweeps.flag_failing_channels(),
                "guides": sweeps.flag_guides_with_stale_channels(),
            }
    except SweepRunning:
        log.info("flag_failing_channels: another sweep holds the lock; skipped")
        return None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_links():
    """Checks a bounded batch of web addresses and flags those failing twice in a row.

    Scheduled hourly by CELERY_BEAT_SCHEDULE["every-hour-check-links"].
    """
    try:
        with sweep_lock("links"):
            return sweeps.check_links()
    except SweepRunning:
        log.info("check_links: another run holds the lock; skipped")
        return None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_companies():
    """Grades every company again, a batch at a time (reports age out of the window).

    Scheduled daily by CELERY_BEAT_SCHEDULE["every-day-grade-companies"]; a report, channel
    or guide grades its own company at once (receivers.py).
    """
    try:
        with sweep_lock("grades"):
            return grading.grade_companies()
    except SweepRunning:
        log.info("grade_companies: another run holds the lock; skipped")
        return None
