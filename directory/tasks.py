import logging

from celery import shared_task

from . import page_cache, sweeps, view_counts

log = logging.getLogger(__name__)


@shared_task
def flag_stale_entries():
    """Flags aged and failing channels, then guides using them.

    Scheduled daily by CELERY_BEAT_SCHEDULE["every-day-flag-stale-channels"].
    """
    try:
        return sweeps.run_all(links=False)
    except sweeps.SweepRunning:
        log.info("flag_stale_entries: another run holds the lock; skipped")
        return None


@shared_task
def check_links():
    """Checks a bounded batch of web addresses and flags those failing twice in a row.

    Scheduled hourly by CELERY_BEAT_SCHEDULE["every-hour-check-links"].
    """
    try:
        with sweeps.sweep_lock("links"):
            return sweeps.check_links()
    except sweeps.SweepRunning:
        log.info("check_links: another run holds the lock; skipped")
        return None


@shared_task
def add_counted_page_views():
    """Moves page views counted in Redis onto Company.view_count.

    Scheduled every minute by CELERY_BEAT_SCHEDULE["every-minute-add-counted-page-views"].
    """
    try:
        with sweeps.sweep_lock("page-views"):
            companies = view_counts.flush()
    except sweeps.SweepRunning:
        log.info("add_counted_page_views: another run holds the lock; skipped")
        return None
    if companies:
        page_cache.invalidate_home()  # the most viewed may have changed places
    return companies
