import logging

from celery import shared_task

from core.locks import SweepRunning, sweep_lock

from . import view_counts

log = logging.getLogger(__name__)


# Killed mid-run, the task is run again: the flush finishes what a dead run left.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def add_counted_page_views():
    """Moves page views counted in Redis onto Company.view_count.

    Scheduled every minute by CELERY_BEAT_SCHEDULE["every-minute-add-counted-page-views"].
    """
    try:
        with sweep_lock("page-views"):
            return view_counts.flush()
    except SweepRunning:
        log.info("add_counted_page_views: another run holds the lock; skipped")
        return None
