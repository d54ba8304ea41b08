import logging

from celery import shared_task
from django.conf import settings

from core.locks import SweepRunning, sweep_lock

from .imports import run_import

log = logging.getLogger(__name__)


# Each record commits on its own and a re-import of what is already there writes
# nothing, so a run killed half-way is finished by the next one.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def reimport_open_data(source):
    """Re-imports the dataset `source` from its path in OPEN_DATA_SOURCES; returns the run's counts.

    Scheduled by CELERY_BEAT_SCHEDULE["every-day-import-<source>"] for each configured source.
    """
    path = settings.OPEN_DATA_SOURCES.get(source)
    if not path:
        log.warning("reimport_open_data: %s has no path in OPEN_DATA_SOURCES", source)
        return None
    try:
        with sweep_lock(f"import-{source}"):
            return run_import(source, path).counts
    except SweepRunning:
        log.info("reimport_open_data: an import of %s is running; skipped", source)
        return None
